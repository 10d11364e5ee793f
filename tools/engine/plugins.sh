#!/usr/bin/env bash
# Writes the plugin launchers into tools/engine/bin (ignored): the stand-in resource providers under the names the
# engine looks up on $PATH (pulumi-resource-aws, -kubernetes, -random; workspace.GetPluginPath), and
# pulumi-language-nodejs next to `pulumi` (the bundled-plugin path): the bridge in front of the REAL host built by
# build.sh (language-host/bridge.ts). Without a real host there is no language host launcher, so parity refuses
# to run rather than run on something else.
set -euo pipefail
cd "$(dirname "$0")"
BIN="$PWD/bin"
ENGINE_VERSION="${1:?usage: plugins.sh <engine-version> <real-host-dir>}"
HOST_DIR="${2:?usage: plugins.sh <engine-version> <real-host-dir>}"
mkdir -p "$BIN"

write_launcher() { # <file> <launch.js arguments...>
  local file="$BIN/$1"; shift
  printf '#!/bin/sh\nexec node "%s/launch.js" %s "$@"\n' "$PWD" "$*" > "$file.tmp"
  chmod +x "$file.tmp" && mv "$file.tmp" "$file"
}

for provider in aws kubernetes random; do
  write_launcher "pulumi-resource-$provider" provider "$provider"
done
[ -x "$HOST_DIR/pulumi-language-nodejs" ] || { echo "plugins.sh: no real language host at $HOST_DIR (run build.sh)" >&2; exit 2; }
write_launcher pulumi-language-nodejs host-bridge "$HOST_DIR"
echo "engine: plugin launchers in $BIN (engine ${ENGINE_VERSION}): $(cd "$BIN" && ls pulumi-resource-* pulumi-language-* | tr '\n' ' ')"
