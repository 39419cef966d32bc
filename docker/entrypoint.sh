#!/bin/sh
# Start one cop process in the container: web (default), worker, beat, manage ARGS,
# or healthcheck web|worker|beat. Any other command runs as given.
set -eu

case "${1:-web}" in
  web)
    if [ "${COP_MIGRATE_ON_START:-1}" = "1" ]; then
      python manage.py migrate --noinput
    fi
    exec python -m gunicorn -c cop/gunicorn.conf.py
    ;;
  worker)
    # --quiet: no start-up banner, which prints the broker's address outside the logs.
    exec python -m celery -A cop --quiet worker --loglevel "${COP_LOG_LEVEL:-INFO}" \
      --concurrency "${COP_WORKER_CONCURRENCY:-2}" --hostname "worker@%h"
    ;;
  beat)
    exec python -m celery -A cop --quiet beat --loglevel "${COP_LOG_LEVEL:-INFO}" \
      --schedule "${COP_VAR_DIR}/celerybeat-schedule"
    ;;
  manage)
    shift
    exec python manage.py "$@"
    ;;
  healthcheck)
    exec python docker/healthcheck.py "${2:-web}"
    ;;
  *)
    exec "$@"
    ;;
esac
