"""Websocket routes; the consumers behind them live in this package."""

from django.urls import path

from realtime import consumers

websocket_urlpatterns = [
    path(
        "ws/doctors/<int:doctor_id>/availability/",
        consumers.AvailabilityConsumer.as_asgi(),
    ),
    path("ws/doctors/<int:doctor_id>/queue/", consumers.QueueConsumer.as_asgi()),
    path("ws/me/", consumers.MeConsumer.as_asgi()),
]
