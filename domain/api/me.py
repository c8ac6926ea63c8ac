"""The signed-in caller."""

from uuid import UUID

from asgiref.sync import sync_to_async
from ninja import Router, Schema

from domain.api.common import AUTH, errors, user_of
from domain.api.types import IsoDateTime, RecordId
from domain.models import DoctorProfile, User

router = Router(tags=["me"], auth=AUTH)


class MeOut(Schema):
    id: UUID
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    email_verified: bool
    photo_url: str | None
    doctor_id: RecordId | None
    created_at: IsoDateTime


def _me_out(user: User) -> dict:
    doctor_id = None
    if user.is_doctor:
        doctor_id = (
            DoctorProfile.objects.filter(user=user).values_list("pk", flat=True).first()
        )
    return {
        "id": user.pk,
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "email_verified": user.email_verified,
        "photo_url": user.photo.url if user.photo else None,
        "doctor_id": doctor_id,
        "created_at": user.created_at,
    }


async def me_out(user: User) -> dict:
    return await sync_to_async(_me_out)(user)


@router.get("", response={200: MeOut, **errors(401)}, summary="The caller")
async def me(request):
    return await me_out(user_of(request))
