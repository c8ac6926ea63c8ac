"""Ninja routers: thin adapters from HTTP to services and selectors."""
