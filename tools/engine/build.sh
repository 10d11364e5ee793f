#!/usr/bin/env bash
# Builds the real Pulumi CLI and the Node.js language host from the Go module proxy into tools/engine/bin (ignored).
# Go's module cache and build cache are reused ($GOMODCACHE, $GOCACHE), so a second run only relinks.
# Usage: tools/engine/build.sh            (prints the elapsed seconds at the end)
set -euo pipefail
cd "$(dirname "$0")"

# One release for pkg/v3 and sdk/v3 (go.mod requires it) and the sdk release commit for the language host, whose
# module is untagged and so is addressed by a pseudo-version of that commit.
PULUMI_VERSION=v3.274.1
LANGUAGE_HOST_MODULE=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
LANGUAGE_HOST_VERSION="${LANGUAGE_HOST_VERSION:-}"
BIN="$PWD/bin"
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}"

command -v go >/dev/null || { echo "build.sh: 'go' is not on PATH; install Go >= 1.26 (Debian: golang-go)" >&2; exit 2; }
mkdir -p "$BIN"
start=$(date +%s)

echo "engine: building pulumi ${PULUMI_VERSION} (go $(go env GOVERSION), GOMAXPROCS=${GOMAXPROCS:-$(nproc)})"
go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
echo "engine: pulumi built in $(( $(date +%s) - start )) s"

lh_start=$(date +%s)
if [ -n "$LANGUAGE_HOST_VERSION" ]; then
  "$PWD/build-language-host.sh" "$LANGUAGE_HOST_MODULE" "$LANGUAGE_HOST_VERSION" "$LDFLAGS" "$BIN"
  echo "engine: pulumi-language-nodejs built in $(( $(date +%s) - lh_start )) s"
fi

"$BIN/pulumi" version
echo "engine: built in $(( $(date +%s) - start )) s total"
