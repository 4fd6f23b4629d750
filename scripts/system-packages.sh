#!/usr/bin/env bash
# The Debian packages the test suite needs, in one list that `.ci/run` and `make test` share.
# As root on Debian: installs whichever are missing. Elsewhere: names exactly what to install.
set -euo pipefail
PACKAGES=(redis-server chromium postgresql python3-venv fonts-dejavu-core libreoffice-writer-nogui python3-uno poppler-utils fonts-crosextra-carlito)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing the Debian packages the tests need: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need these Debian packages, not installed here: ${missing[*]}" >&2
echo "Install them as root:  apt-get install --no-install-recommends ${missing[*]}" >&2
exit 1
