#!/usr/bin/env bash
# Installs what the queue-mode test (test/queue-mode/) starts as its own processes: Debian's
# PostgreSQL server (package postgresql: initdb, postgres and psql) and Redis (package
# redis-server). Only what is missing is installed. The test never uses a system service of
# either (whether the packages' own scripts start one or not): it runs initdb in a temporary
# folder and both servers on free loopback ports.
#
# Needs root (CI runs as root) or sudo; non-interactive.
set -euo pipefail

started=$(date +%s)
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && command -v psql >/dev/null; }
have_redis() { command -v redis-server >/dev/null; }

missing=()
have_postgres || missing+=(postgresql)
have_redis || missing+=(redis-server)
if ((${#missing[@]} == 0)); then
	echo "[install-services] $(psql --version), $(redis-server --version | cut -d' ' -f1-3) already installed"
	exit 0
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
	command -v sudo >/dev/null || { echo "[install-services] not root and no sudo: install Debian's ${missing[*]} by hand" >&2; exit 1; }
	SUDO=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "[install-services] ${missing[*]} installed in $(($(date +%s) - started))s: $(psql --version), $(redis-server --version | cut -d' ' -f1-3)"
