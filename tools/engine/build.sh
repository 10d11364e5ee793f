#!/usr/bin/env bash
# Builds the real Pulumi CLI from the Go module proxy into tools/engine/bin (ignored), then writes the plugin
# launchers (plugins.sh). Go's module cache and build cache are reused ($GOMODCACHE, $GOCACHE): a second run only
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

# The Node.js language host is its own, untagged module: it would be required at a pseudo-version of the sdk
# release commit. The module proxy reachable here serves no version of it (it answers 403 "This module version is
# not available" for the version list, @latest and pseudo-versions of release commits), so it cannot be built; the
# TypeScript stand-in takes its place (docs/parity.md). Say so on every build, so the day a version is served
# somebody pins it in go.mod and builds the real host here.
if versions=$(go list -m -versions "$LANGUAGE_HOST_MODULE" 2>&1); then
  echo "engine: note: the proxy now lists ${versions}; build the real language host instead of the stand-in"
else
  echo "engine: pulumi-language-nodejs: not served by the module proxy ($(echo "$versions" | tail -n 2 | tr '\n' ' ')); using the TypeScript stand-in"
fi

./plugins.sh "$PULUMI_VERSION"
"$BIN/pulumi" version
echo "engine: built in $(( $(date +%s) - start )) s total"
