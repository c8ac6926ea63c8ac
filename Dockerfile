# syntax=docker/dockerfile:1
# The clinic as one image: the web process by default, the background worker
# with `deploy/worker.sh`. Built and run the same way locally (docker compose)
# and on Railway (railway.json).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build: resolve and install every dependency into a virtualenv ----------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml ./
# The CPU build of torch first, from PyTorch's own index: the default PyPI
# wheel bundles CUDA libraries (gigabytes) that a CPU-only host never uses.
# The version comes from pyproject.toml so the two cannot drift apart. The
# `s3` extra comes too: object storage is how the web service and the worker
# share reports and model weights (PRIVATE_STORAGE_BUCKET).
RUN python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["s3"]))' > requirements.txt \
    && grep -E '^torch[=<>~ ]' requirements.txt > torch-requirement.txt \
    && pip install --index-url https://download.pytorch.org/whl/cpu --requirement torch-requirement.txt \
    && pip install --requirement requirements.txt \
    && python -c 'import torch; assert not torch.cuda.is_available() and "+cpu" in torch.__version__, torch.__version__'

# --- runtime: the virtualenv, the code and the collected static files -------
FROM ${PYTHON_IMAGE} AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=project.settings \
    DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000 \
    FORWARDED_ALLOW_IPS=127.0.0.1 \
    WEB_CONCURRENCY=1

RUN groupadd --system --gid 10001 clinic \
    && useradd --system --uid 10001 --gid clinic --home-dir /app --shell /usr/sbin/nologin clinic \
    && mkdir -p /data \
    && chown clinic:clinic /data

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=clinic:clinic . .

# Static files are hashed and compressed once, here, and served by ServeStatic.
# The key only satisfies the settings loader; nothing is signed at build time.
RUN SECRET_KEY=collectstatic-only-not-a-secret DATA_DIR=/tmp/build-data \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data

USER 10001:10001
EXPOSE 8000
VOLUME ["/data"]

# Liveness only: /livez checks no dependency (see project/health.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/livez' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["deploy/web.sh"]
