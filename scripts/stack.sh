#!/usr/bin/env bash
# The production-shaped stack on one machine (`make stack`): gunicorn, a Celery worker and Celery beat,
# against PostgreSQL and Redis on loopback, static files collected and served by whitenoise.
#
# It runs DJANGO_ENV=development with DJANGO_DEBUG=false (not DJANGO_ENV=production): the demo needs the
# sandbox stand-ins (FranceConnect, the bank) and the demo data, which the production settings refuse on
# purpose, and it is served over plain http on 127.0.0.1, which the production settings (HSTS, secure
# cookies, SSL redirect) refuse too. The production defaults are left untouched. See docs/deployment.md.
#
# Variables: STACK_DB (portail_stack), STACK_PORT (8000), STACK_REDIS_DB (5: the broker; the cache on the next
# db), GUNICORN_WORKERS, STACK_RUN_DIR (/tmp/portail-stack-PORT: logs, collected static files).
# STACK_DATABASE_URL: a database that exists already (then PostgreSQL is neither started nor the database
# created); STACK_PREPARE=no: no migrate nor load_demo, the database is ready as it is (the browser tests
# run the stack on their test database this way, tests/e2e/conftest.py).
# Ctrl-C stops the three processes; so does SIGTERM to the script (or to its process group).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
DB="${STACK_DB:-portail_stack}"
PORT="${STACK_PORT:-8000}"
REDIS_DB="${STACK_REDIS_DB:-5}"
RUN="${STACK_RUN_DIR:-/tmp/portail-stack-$PORT}"
mkdir -p "$RUN"

DATABASE_URL="${STACK_DATABASE_URL:-}"
if [ -z "$DATABASE_URL" ] && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir "$RUN" \
    --logfile "$RUN/redis.log"
  for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi
if [ -z "$DATABASE_URL" ]; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres "$DB"
  DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
fi

export DJANGO_ENV=development DJANGO_DEBUG=false SANDBOX_ENABLED=true SERVE_MEDIA=true
export DATABASE_URL
export CELERY_BROKER_URL="redis://127.0.0.1:6379/$REDIS_DB"
export CACHE_URL="redis://127.0.0.1:6379/$((REDIS_DB + 1))"
export PORTAL_BASE_URL="http://127.0.0.1:$PORT" WAGTAILADMIN_BASE_URL="http://127.0.0.1:$PORT"
export STATIC_ROOT="$RUN/static" RECONCILIATION_UPLOAD_DIR="$RUN/releves"
export GUNICORN_BIND="127.0.0.1:$PORT"

if [ "${STACK_PREPARE:-yes}" != "no" ]; then
  "$PY" manage.py migrate --noinput
  "$PY" manage.py load_demo
fi
"$PY" manage.py collectstatic --noinput --verbosity 0

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM
"$VENV/bin/celery" -A config worker --loglevel=INFO --concurrency=2 >"$RUN/worker.log" 2>&1 & pids+=($!)
"$VENV/bin/celery" -A config beat --loglevel=INFO --schedule "$RUN/celerybeat-schedule" >"$RUN/beat.log" 2>&1 & pids+=($!)
"$VENV/bin/gunicorn" -c config/gunicorn.conf.py config.wsgi >"$RUN/gunicorn.log" 2>&1 & pids+=($!)
echo "$$" >"$RUN/stack.pid"
for _ in $(seq 60); do curl -fsS "http://127.0.0.1:$PORT/sante/" >/dev/null 2>&1 && break; sleep 1; done
echo "Portail des proches : http://127.0.0.1:$PORT/  (journaux : $RUN/{gunicorn,worker,beat}.log)"
wait -n "${pids[@]}"
