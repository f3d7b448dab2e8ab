#!/usr/bin/env bash
# Makes sure a headless Chromium is there for the browser tests (tests/AutoResearch.Testing.Browser).
#
#   bash scripts/browser.sh
#
# Playwright drives Debian's own `chromium` package (no browser download: `playwright install` is never run).
# When `chromium` is already on PATH (or AUTORESEARCH_CHROMIUM names an executable) this is a no-op;
# otherwise, on Debian as root, it installs `chromium` and `fonts-liberation` with apt-get (running
# `apt-get update` first when the package lists are missing or the install fails with the lists it has).
# Playwright's driver is a bundled node binary that ships in the Microsoft.Playwright package: nothing else to install.
#
# Environment:
#   AUTORESEARCH_CHROMIUM=PATH   use this browser; nothing is installed
set -euo pipefail

PACKAGES=(chromium fonts-liberation)

die() { echo "browser.sh: error: $*" >&2; exit 1; }
note() { echo "browser.sh: $*" >&2; }

is_debian() {
  [[ -r /etc/os-release ]] && grep -Eqi '^ID="?debian"?$' /etc/os-release
}

# Prints the browser executable the tests will use, or nothing.
find_chromium() {
  if [[ -n ${AUTORESEARCH_CHROMIUM:-} ]]; then
    [[ -x $AUTORESEARCH_CHROMIUM ]] || die "AUTORESEARCH_CHROMIUM=$AUTORESEARCH_CHROMIUM is not an executable file"
    echo "$AUTORESEARCH_CHROMIUM"
    return
  fi
  local c
  for c in /usr/bin/chromium /usr/bin/chromium-browser; do
    if [[ -x $c ]]; then
      echo "$c"
      return
    fi
  done
  command -v chromium 2>/dev/null || true
}

have_package_lists() {
  compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

install_chromium() {
  is_debian \
    || die "no Chromium found and this is not Debian; install Chromium yourself and set AUTORESEARCH_CHROMIUM to its executable (Ubuntu's 'chromium' package is a snap wrapper that does not run headless in containers)"
  [[ $(id -u) -eq 0 ]] \
    || die "no Chromium found and this is not root; run 'sudo apt-get install chromium fonts-liberation' or set AUTORESEARCH_CHROMIUM"
  command -v apt-get >/dev/null 2>&1 || die "apt-get is missing; install Chromium yourself and set AUTORESEARCH_CHROMIUM"
  note "installing ${PACKAGES[*]} with apt-get"
  if ! have_package_lists; then
    apt-get update -q >/dev/null || die "apt-get update failed"
  fi
  if ! apt_install 2>/dev/null; then
    apt-get update -q >/dev/null || die "apt-get update failed"
    apt_install || die "apt-get install ${PACKAGES[*]} failed"
  fi
}

main() {
  local chromium
  chromium=$(find_chromium)
  if [[ -z $chromium ]]; then
    install_chromium
    chromium=$(find_chromium)
    [[ -n $chromium ]] || die "apt-get installed chromium but no executable is at /usr/bin/chromium"
  fi
  local version
  version=$("$chromium" --headless --no-sandbox --version 2>/dev/null | head -n1 || true)
  [[ -n $version ]] || die "$chromium does not start ('$chromium --version' printed nothing)"
  echo "browser: $version ($chromium)"
}

main "$@"
