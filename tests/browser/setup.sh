#!/usr/bin/env bash
# Installs what the browser test (tests/browser.rs, `cargo test`) needs:
# Debian's Chromium, a Java runtime for the Nu HTML checker, and the node
# packages pinned in tests/browser/package-lock.json (playwright-core, axe-core,
# vnu-jar). No browser is downloaded: playwright-core drives /usr/bin/chromium.
# Run it once from anywhere: bash tests/browser/setup.sh
set -euo pipefail
cd "$(dirname "$0")"

need=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
command -v java >/dev/null || need+=(default-jre-headless)
command -v npm >/dev/null || need+=(nodejs npm)
if [ "${#need[@]}" -gt 0 ]; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# --ignore-scripts: vnu-jar's install script would look for a Java of its own.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
