#!/usr/bin/env bash
# Fails when plugins/proto's generated Go is stale or the .proto files fail buf lint.
set -euo pipefail
tools=$1
cd "$(dirname "$0")/../plugins/proto"
export PATH="$tools:$PATH"
buf lint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r . "$tmp/proto"
(cd "$tmp/proto" && find . -name '*.pb.go' -delete && buf generate)
if ! diff -r -q --exclude='*.proto' --exclude='*.yaml' . "$tmp/proto" >/dev/null; then
  echo "plugins/proto: the generated Go code is not current; run 'make proto' and commit the result" >&2
  diff -r --exclude='*.proto' --exclude='*.yaml' . "$tmp/proto" | head -40 >&2
  exit 1
fi
echo "plugins/proto: lint clean, generated code current"
