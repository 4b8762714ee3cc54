#!/usr/bin/env bash
# Start-up smoke check (run by .ci/run on its fresh clone; about a minute): the README's first command, `make run`,
# as a newcomer runs it (the embedded default: no PORTAL_BASE_URL, no issuer set) but on port 8822 (or a free port
# when 8822 is taken) and on a fresh SQLite database, then scripts/smoke_start.py checks that load_demo printed a
# few lines and walks the FranceConnect demo login to "Mon espace" and a transfer through the demo bank, at
# 127.0.0.1 and at localhost. The server is stopped whatever happens; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
[ -x "$PY" ] || make install >/dev/null

port="$("$PY" - "${SMOKE_PORT:-8822}" <<'EOF'
import socket
import sys

def free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True

wanted = int(sys.argv[1])
if free(wanted):
    print(wanted)
else:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        print(sock.getsockname()[1])
EOF
)"

work="$(mktemp -d)"
log="$work/make-run.log"
server=""
stop() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM -- "-$server" 2>/dev/null || kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$server" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

echo "Démarrage : make run PORT=$port (base SQLite neuve dans $work)"
# Its own process group (setsid), so that make, runserver and its autoreloader stop together.
env -u PORTAL_BASE_URL -u PORTAL_BASE_URL_FROM_REQUEST -u FRANCECONNECT_ISSUER -u PROCONNECT_ISSUER \
    -u DJANGO_ENV -u SANDBOX_ENABLED -u CELERY_BROKER_URL -u CACHE_URL \
    DATABASE_URL="sqlite:///$work/db.sqlite3" MEDIA_ROOT="$work/media" VENV="$VENV" \
    setsid make ${SMOKE_MAKE_ARGS:-} run PORT="$port" >"$log" 2>&1 < /dev/null &
server=$!

# migrate on a fresh database and load_demo take about half a minute on an idle machine; allow for a busy one.
up=""
deadline=$((SECONDS + ${SMOKE_START_TIMEOUT:-300}))
while [ "$SECONDS" -lt "$deadline" ]; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "ÉCHEC du démarrage : make run s'est arrêté." >&2
    tail -n 60 "$log" >&2
    exit 1
  fi
  if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
      "http://127.0.0.1:$port/" >/dev/null 2>&1; then
    up=1
    break
  fi
  sleep 0.5
done
if [ -z "$up" ]; then
  echo "ÉCHEC du démarrage : http://127.0.0.1:$port/ ne répond pas après ${SMOKE_START_TIMEOUT:-300} s." >&2
  tail -n 60 "$log" >&2
  exit 1
fi

if ! "$PY" scripts/smoke_start.py --base "http://127.0.0.1:$port" --make-log "$log"; then
  echo "--- fin du journal de make run :" >&2
  tail -n 60 "$log" >&2
  exit 1
fi
echo "Démarrage vérifié : make run PORT=$port."
