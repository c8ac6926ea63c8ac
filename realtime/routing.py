"""Websocket routes; the consumers behind them live in this package."""

websocket_urlpatterns: list = []
