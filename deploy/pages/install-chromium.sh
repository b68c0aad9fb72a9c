#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the page tests (`make pages-test`) when missing.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
echo "install-chromium: installing chromium"
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-noto-cjk
