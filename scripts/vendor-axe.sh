#!/usr/bin/env bash
# Copies axe-core (pinned) into tests/browser/vendor/ with its licence. The copy is committed, so the
# tests and CI need no Node; run this (`make vendor-axe`) only to move to another axe-core release.
set -euo pipefail
AXE_VERSION=4.14.1
cd "$(dirname "$0")/.."
target=tests/browser/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "axe-core@${AXE_VERSION}" >/dev/null && tar -xzf "axe-core-${AXE_VERSION}.tgz")
mkdir -p "$target"
cp "$work/package/axe.min.js" "$target/axe.min.js"
cp "$work/package/LICENSE" "$target/axe-core.LICENSE"
echo "axe-core ${AXE_VERSION}" > "$target/axe-core.VERSION"
echo "axe-core ${AXE_VERSION} copied into $target" >&2
