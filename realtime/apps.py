from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self) -> None:
        from realtime import publisher, tasks

        publisher.connect()
        tasks.connect()
