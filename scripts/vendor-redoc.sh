#!/usr/bin/env bash
# Copies ReDoc's standalone bundle from the npm package into host/assets/redoc.
# Usage: scripts/vendor-redoc.sh 2.5.4
set -euo pipefail
version="${1:?usage: $0 <redoc version>}"
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "redoc@$version" --silent >/dev/null && tar xzf "redoc-$version.tgz")
cp "$work/package/bundles/redoc.standalone.js" \
   "$work/package/bundles/redoc.standalone.js.LICENSE.txt" \
   "$work/package/LICENSE" host/assets/redoc/
sha256sum host/assets/redoc/redoc.standalone.js
echo "now update the version and checksum in host/assets/redoc/README.md"
