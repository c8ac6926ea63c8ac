#!/bin/sh
# The web process: HTTP and websockets on $PORT (set by Railway, 8000 here).
# --proxy-headers lets uvicorn take the scheme and client address from the
# proxy in front, but only from the addresses in FORWARDED_ALLOW_IPS
# (uvicorn reads that variable itself). uvicorn's access log is off: the app
# writes its own line per request, with the request id (project/observability.py).
set -eu
exec uvicorn project.asgi:application \
    --host "${HOST:-0.0.0.0}" \
    --port "${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-1}" \
    --proxy-headers \
    --no-access-log \
    --lifespan off
