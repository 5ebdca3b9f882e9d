#!/usr/bin/env bash
# Installs Debian's Chromium for the editor test (driven by playwright-core), only when missing.
# Playwright's own browser download cannot work here: only Debian's and npm's registries are
# reachable. Needs root (CI runs as root); non-interactive.
#
# Env: E2E_CHROMIUM (default /usr/bin/chromium): the browser the editor test launches.
set -euo pipefail

CHROMIUM="${E2E_CHROMIUM:-/usr/bin/chromium}"
started=$(date +%s)

if [[ -x "$CHROMIUM" ]]; then
	echo "[install-chromium] $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") already installed"
	exit 0
fi
if [[ "$CHROMIUM" != /usr/bin/chromium ]]; then
	echo "[install-chromium] $CHROMIUM (E2E_CHROMIUM) does not exist" >&2
	exit 1
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
	command -v sudo >/dev/null || { echo "[install-chromium] not root and no sudo: install Debian's chromium package by hand" >&2; exit 1; }
	SUDO=(sudo -n)
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-liberation
echo "[install-chromium] $("$CHROMIUM" --version) installed in $(($(date +%s) - started))s"
