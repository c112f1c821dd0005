#!/usr/bin/env bash
# Serve the site with live reload (also on data/endpoints.yaml edits):
#   bash scripts/serve.sh [--port N] [mkdocs serve options]
# The port is --port N (or --port=N), else the port of -a/--dev-addr HOST:PORT, else $PORT,
# else 8000; the address is -a/--dev-addr's host, else 127.0.0.1. Every other option goes to
# `mkdocs serve` as it is (--dirty, --strict, -w PATH...). Installs only what serving needs
# (scripts/setup.sh serve), and stops at once, before building, when the port is taken.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "serve.sh: $*" >&2; exit 2; }

port=""
addr=""
help=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || fail "--port needs a number"; port=$2; shift 2 ;;
    --port=*) port=${1#--port=}; shift ;;
    -a|--dev-addr) [ $# -ge 2 ] || fail "$1 needs HOST:PORT"; addr=$2; shift 2 ;;
    --dev-addr=*) addr=${1#--dev-addr=}; shift ;;
    -a?*) addr=${1#-a}; shift ;;
    -h|--help) help=1; args+=("$1"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done

host=127.0.0.1
if [ -n "$addr" ]; then
  case "$addr" in
    *:*) host=${addr%:*}; port=${port:-${addr##*:}} ;;
    *) fail "-a/--dev-addr takes HOST:PORT, e.g. 127.0.0.1:8001 (got '$addr')" ;;
  esac
fi
port=${port:-${PORT:-8000}}
case "$port" in
  ''|*[!0-9]*) fail "the port must be a number from 1 to 65535 (got '$port')" ;;
esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || fail "the port must be a number from 1 to 65535 (got '$port')"

# Bind the address as mkdocs serve will (same family, SO_REUSEADDR) and let it go again.
check_port() {
  "$1" - "$host" "$port" <<'PY'
import errno, ipaddress, socket, sys
host, port = sys.argv[1], int(sys.argv[2])
bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
family = socket.AF_INET
if bare != "localhost":
    try:
        if isinstance(ipaddress.ip_address(bare), ipaddress.IPv6Address):
            family = socket.AF_INET6
    except ValueError:
        sys.exit(f"serve.sh: '{host}' is not an IP address or localhost (e.g. -a 127.0.0.1:{port})")
with socket.socket(family, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((bare, port))
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            sys.exit(f"port {port} on {bare} is in use; pick another with --port N")
        sys.exit(f"cannot serve on {bare} port {port}: {e.strerror or e}")
PY
}

if [ -z "$help" ]; then
  # Before installing anything (fails fast on a fresh machine too), and again after.
  if [ -x .venv/bin/python ]; then check_port .venv/bin/python; else check_port python3; fi
fi
bash scripts/setup.sh serve
[ -n "$help" ] || check_port .venv/bin/python
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs serve --dev-addr "$host:$port" "${args[@]}"
