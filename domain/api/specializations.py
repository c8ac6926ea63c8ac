"""The list of specializations."""

from ninja import Router, Schema

from domain.selectors.doctors import specialization_list

router = Router(tags=["doctors"], auth=None)


class SpecializationOut(Schema):
    id: int
    name: str
    category: str


@router.get("", response=list[SpecializationOut], summary="All specializations")
async def specializations(request):
    return [s async for s in specialization_list()]
