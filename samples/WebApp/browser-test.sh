#!/usr/bin/env bash
# End-to-end test of the drawing page in a real browser: Debian's chromium driven by Playwright
# (executablePath; Playwright downloads no browser). Kept out of `dotnet test MnistBn.sln` so that a
# machine without the browser cannot turn the main suite red.
#   samples/WebApp/browser-test.sh            installs chromium with apt-get if missing (needs root), then tests
#   CHROMIUM_PATH=/path/to/chrome samples/WebApp/browser-test.sh   uses another Chromium build
#   samples/WebApp/browser-test.sh --screenshot   also rewrites samples/WebApp/screenshot.png (the README's picture)
# Other arguments go to `dotnet test` (e.g. --filter Phone).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [[ "${1:-}" == "--screenshot" ]]; then
  shift
  export WEBAPP_SCREENSHOT=samples/WebApp/screenshot.png
fi

browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$browser" ]]; then
  if [[ -n "${CHROMIUM_PATH:-}" ]]; then
    echo "error: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2
    exit 1
  fi
  echo "chromium not found at $browser; installing Debian's package" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
echo "browser: $("$browser" --version 2>/dev/null | head -1)" >&2

dotnet test tests/WebApp.BrowserTests/MnistBn.WebApp.BrowserTests.csproj -c Release "$@"
