# The production image: gunicorn (web), the Celery worker and beat all run from it.
FROM python:3.11-slim

# The code runs from /app, not from site-packages: settings find templates/, static/ and
# var/ beside the packages (BASE_DIR), and PYTHONPATH lets the Celery CLI import them too.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app

RUN useradd --system --create-home --uid 10001 app
WORKDIR /app

# The locked dependencies (bin/lock), hashes checked, in their own layer: a change to the
# code does not reinstall them, and the image runs the versions CI tested. (Not
# `pip install .`: a second copy of the code in site-packages would compute BASE_DIR there
# and miss templates/ and static/.)
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Hashed, compressed static files baked into the image (whitenoise serves them).
# The key only lets settings load for this step; the real one comes from .env.
RUN SECRET_KEY=collectstatic-at-build-time-only STATIC_MANIFEST=true \
    python manage.py collectstatic --noinput -v 0 \
    && mkdir -p var/media \
    && chown -R app:app var staticfiles

USER app
EXPOSE 8000
CMD ["gunicorn", "monitoring.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
