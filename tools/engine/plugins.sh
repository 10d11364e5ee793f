#!/usr/bin/env bash
# Writes the plugin launchers into tools/engine/bin (ignored): the stand-in resource providers under the names the
# engine looks up on $PATH (pulumi-resource-aws, -kubernetes, -random; workspace.GetPluginPath), and, while the
# real language host cannot be built here (docs/parity.md), the stand-in pulumi-language-nodejs next to `pulumi`.
set -euo pipefail
cd "$(dirname "$0")"
BIN="$PWD/bin"
ENGINE_VERSION="${1:?usage: plugins.sh <engine-version>}"
mkdir -p "$BIN"

write_launcher() { # <file> <launch.js arguments...>
  local file="$BIN/$1"; shift
  printf '#!/bin/sh\nexec node "%s/launch.js" %s "$@"\n' "$PWD" "$*" > "$file.tmp"
  chmod +x "$file.tmp" && mv "$file.tmp" "$file"
}

for provider in aws kubernetes random; do
  write_launcher "pulumi-resource-$provider" provider "$provider"
done
if [ ! -x "$BIN/pulumi-language-nodejs" ] || grep -q 'launch.js' "$BIN/pulumi-language-nodejs"; then
  write_launcher pulumi-language-nodejs language-host
  # The version the stand-in reports is the engine's, as the bundled host's would be.
  sed -i "2i export PULUMI_STANDIN_LANGUAGE_VERSION=${ENGINE_VERSION#v}" "$BIN/pulumi-language-nodejs"
fi
echo "engine: plugin launchers in $BIN: $(cd "$BIN" && ls pulumi-resource-* pulumi-language-* | tr '\n' ' ')"
