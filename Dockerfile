# The product's image: used by docker-compose.yml for web (gunicorn), worker and beat.

# Stage 1: compile GOV.UK Frontend and MOJ Frontend styles from npm.
FROM node:20-bookworm-slim AS static
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build-static.sh scripts/
COPY static/src static/src
RUN bash scripts/build-static.sh

# Stage 2: the Python application.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint's libraries and a named font (Liberation Sans: Arial metrics).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock
COPY . .
COPY --from=static /app/static/dist static/dist
# collectstatic needs settings that import cleanly; these values are build-time only.
RUN DEBUG=false SECRET_KEY=build-only-build-only-build-only-build-only-0000 \
    ALLOWED_HOSTS=build SITE_URL=http://build python manage.py collectstatic --no-input \
    && useradd --create-home --uid 1000 app && mkdir -p /app/media && chown app /app/media
USER app
EXPOSE 8000
CMD ["gunicorn", "ombudsman.wsgi", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
