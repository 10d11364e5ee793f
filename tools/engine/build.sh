#!/usr/bin/env bash
# Builds the real Pulumi CLI and the real Node.js language host from the Go module proxy into tools/engine/bin
# (ignored), then writes the plugin launchers (plugins.sh). Go's module cache and build cache are reused ($GOMODCACHE, $GOCACHE): a second run only
# relinks. Prints how long each part took.
set -euo pipefail
cd "$(dirname "$0")"

# One release for pkg/v3 and sdk/v3: go.mod requires it, and the replaces there are the ones its go.mod files carry.
PULUMI_VERSION=v3.274.1
LANGUAGE_HOST_MODULE=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
BIN="$PWD/bin"
LDFLAGS="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_VERSION}"

command -v go >/dev/null || { echo "build.sh: 'go' is not on PATH; install Go >= 1.26 (Debian: golang-go)" >&2; exit 2; }
mkdir -p "$BIN"
start=$(date +%s)

echo "engine: building pulumi ${PULUMI_VERSION} ($(go env GOVERSION), $(nproc) cores)"
go build -trimpath -ldflags "$LDFLAGS" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
echo "engine: pulumi built in $(( $(date +%s) - start )) s"

# The REAL Node.js language host. From v3.69.0 on it is its own module (LANGUAGE_HOST_MODULE), which the module
# proxy reachable here refuses (403 "This module version is not available" for the list, @latest and release
# pseudo-versions); up to v3.68.0 it was a package inside sdk/v3, which the proxy serves. nodejs-host/go.mod
# requires sdk/v3 at that release and this builds its main package. v3.68.0's host implements Run, the plugin
# queries and About, and answers RunPlugin with "not supported": plugins.sh therefore puts the bridge
# (language-host/bridge.ts) in front of it, which forwards every RPC to it and, for a policy pack only, starts the
# pack with the same release's pulumi-analyzer-policy script, as that release's engine did (docs/parity.md).
NODEJS_HOST_VERSION=v3.68.0
HOST_DIR="$BIN/nodejs-host-${NODEJS_HOST_VERSION}"
host_start=$(date +%s)
mkdir -p "$HOST_DIR"
( cd nodejs-host
  go build -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${NODEJS_HOST_VERSION}" \
    -o "$HOST_DIR/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  sdk_dir=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
  install -m 0755 "$sdk_dir/nodejs/dist/pulumi-analyzer-policy" "$HOST_DIR/pulumi-analyzer-policy" )
echo "engine: real pulumi-language-nodejs ${NODEJS_HOST_VERSION} built in $(( $(date +%s) - host_start )) s ($HOST_DIR)"
# Say on every build whether a newer host became buildable, so somebody moves the pin the day it is served.
if versions=$(go list -m -versions "$LANGUAGE_HOST_MODULE" 2>&1); then
  echo "engine: note: the proxy now lists ${versions}; a newer real host (with RunPlugin for packs) can be pinned"
else
  echo "engine: ${LANGUAGE_HOST_MODULE}: not served by the module proxy ($(echo "$versions" | tr -s '\n\t' '  ' | sed 's|^.*/@v/list: ||')); newest buildable host is ${NODEJS_HOST_VERSION}"
fi

./plugins.sh "$PULUMI_VERSION" "$HOST_DIR"
"$BIN/pulumi" version
echo "engine: built in $(( $(date +%s) - start )) s total"
