#!/usr/bin/env bash
# Fails when plugins/sdk/proto's generated Go is stale, the .proto files fail
# buf lint, or they break compatibility (buf breaking, WIRE_JSON) with the last
# released contract, whose image is plugins/sdk/proto/released/contract-v1.binpb.
set -euo pipefail
tools=$1
cd "$(dirname "$0")/../plugins/sdk/proto"
export PATH="$tools:$PATH"
buf lint
if ! buf breaking --against released/contract-v1.binpb; then
  echo "plugins/sdk/proto: the change above breaks contract v1 as released (released/contract-v1.binpb);" >&2
  echo "  make it a compatible addition (new fields and messages, never renumbered or retyped ones), or start contract v2" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r . "$tmp/proto"
(cd "$tmp/proto" && find . -name '*.pb.go' -delete && buf generate)
if ! diff -r -q --exclude='*.proto' --exclude='*.yaml' --exclude=released . "$tmp/proto" >/dev/null; then
  echo "plugins/sdk/proto: the generated Go code is not current; run 'make proto' and commit the result" >&2
  diff -r --exclude='*.proto' --exclude='*.yaml' --exclude=released . "$tmp/proto" | head -40 >&2
  exit 1
fi
echo "plugins/sdk/proto: lint clean, compatible with the released contract, generated code current"
