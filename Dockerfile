# Production image: gunicorn serving RSE, static files collected, running as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RSE_PRODUCTION=true \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

WORKDIR /app
RUN useradd --create-home --uid 1000 rse

COPY pyproject.toml README.md constraints.txt ./
COPY rse ./rse
COPY profiles ./profiles
COPY communities ./communities
COPY posts ./posts
COPY notifications ./notifications
COPY search ./search
COPY moderation ./moderation
COPY charter ./charter
COPY audit ./audit
COPY lifecycle ./lifecycle
RUN pip install --no-cache-dir . -c constraints.txt

COPY . .
# collectstatic needs settings that pass the production checks; these are build-time only.
RUN SECRET_KEY=build-only-build-only-build-only-build-only-build-only ALLOWED_HOSTS=build \
    AUDIT_HMAC_KEY=build-only-audit-key-build-only-audit-key \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/media /var/lib/rse-audit /var/lib/rse-exports && chown -R rse /app/media /var/lib/rse-audit /var/lib/rse-exports

USER rse
EXPOSE 8000
CMD ["gunicorn", "rse.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
