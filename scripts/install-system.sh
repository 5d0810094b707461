#!/usr/bin/env bash
# Install the Debian packages the service needs (--test: and its tests; --bench: and its benchmarks); skip what is there.
set -euo pipefail

RUN_PACKAGES=(
  python3 python3-venv python3-dev build-essential   # the virtualenv and any wheel that compiles
  redis-server                                        # the queue and the rate limits
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libjpeg62-turbo libopenjp2-7  # WeasyPrint
  poppler-utils                                       # pdftotext and pdftoppm, to read PDFs back
)
TEST_PACKAGES=(
  postgresql                                          # the second database engine the tests run on
  chromium                                            # the visitor's browser, driven by Playwright
  fonts-dejavu-core
  nginx-light openssl systemd                          # `make deploy-check` (nginx -t, systemd-analyze verify)
  nodejs openjdk-17-jre-headless                       # axe-core in the browser tests, and v.Nu (vnu-jar) for HTML validity
)
BENCH_PACKAGES=(
  wrk                                                 # load generator for `make bench`
)

packages=("${RUN_PACKAGES[@]}")
case "${1:-}" in
  --test) packages+=("${TEST_PACKAGES[@]}") ;;
  --bench) packages+=("${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;  # nginx comes with the test packages
esac

missing=()
# Debian's nodejs leaves npm to its own package; NodeSource's nodejs carries it.
if [[ " ${packages[*]} " == *" nodejs "* ]] && ! command -v npm >/dev/null; then packages+=(npm); fi
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi

echo "Installing system packages: ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
