#!/usr/bin/env bash
# Copies GraphiQL's browser bundle and the React it runs on from npm into
# examples/graphql/assets/graphiql, where the graphql example embeds them.
# Usage: scripts/vendor-graphiql.sh 3.8.3 18.3.1
set -euo pipefail
graphiql="${1:?usage: $0 <graphiql version> <react version>}"
react="${2:?usage: $0 <graphiql version> <react version>}"
cd "$(dirname "$0")/.."
out=examples/graphql/assets/graphiql
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in "graphiql@$graphiql" "react@$react" "react-dom@$react"; do
    name="${package%@*}"
    mkdir -p "$work/$name"
    (cd "$work/$name" && npm pack "$package" --silent >/dev/null && tar xzf ./*.tgz)
done
mkdir -p "$out"
cp "$work/graphiql/package/graphiql.min.js" "$work/graphiql/package/graphiql.min.css" "$out/"
cp "$work/graphiql/package/LICENSE" "$out/LICENSE.graphiql"
cp "$work/react/package/umd/react.production.min.js" "$out/"
cp "$work/react/package/LICENSE" "$out/LICENSE.react"
cp "$work/react-dom/package/umd/react-dom.production.min.js" "$out/"
cp "$work/react-dom/package/LICENSE" "$out/LICENSE.react-dom"
(cd "$out" && sha256sum ./*.js ./*.css)
echo "now update the versions and checksums in $out/README.md"
