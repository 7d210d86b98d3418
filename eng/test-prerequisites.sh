#!/usr/bin/env bash
# Installs the system tools the tests drive, once and idempotently; `dotnet test` runs it before each test project
# (tests/Directory.Build.targets), so the README's test command works on a fresh Debian machine with only the .NET SDK.
#   - PostgreSQL's server binaries: the database fixture starts a throwaway server (initdb, pg_ctl);
#   - Node.js and npm: ExcelJS and the packaging scripts write and check our files;
#   - LibreOffice Calc: writes one workbook of the XLSX corpus;
#   - poppler, qpdf and the Droid fallback font: the PDF tests render a page, check the file's structure and draw CJK text;
#   - Chromium: the importer page's browser test (Playwright drives Debian's browser; no browser download).
# Each requirement is "what to look for|Debian package". BULKDATA_TEST_PREREQUISITES replaces the list (the setup's
# own test uses it). When everything is present the script installs nothing and returns at once; when a package
# cannot be installed it fails at once, naming the package and the command to run.
set -uo pipefail

requirements=${BULKDATA_TEST_PREREQUISITES:-"initdb|postgresql
npm|nodejs npm
soffice|libreoffice-calc-nogui
pdftoppm|poppler-utils
qpdf|qpdf
/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf|fonts-droid-fallback
chromium|chromium"}

present() {
  case "$1" in
    /*) [ -e "$1" ] ;;
    initdb) command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing() {
  while IFS='|' read -r probe packages; do
    [ -n "$probe" ] && ! present "$probe" && printf '%s\n' "$packages"
  done <<<"$requirements"
}

[ -z "$(missing)" ] && exit 0

# Test projects run in parallel: one installs, the others wait for it and then find everything present.
lock=${TMPDIR:-/tmp}/bulkdata-test-prerequisites.lock
exec 9>"$lock"
flock 9
packages=$(missing | tr '\n' ' ')
[ -z "${packages// /}" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "error BULKDATA0001: the tests need these Debian packages, and installing them needs root: $packages. Run: sudo apt-get install $packages" >&2
  exit 1
fi

echo "Installing the tests' system packages: $packages"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error BULKDATA0001: the tests need these packages and this machine has no apt-get to install them: $packages. Install them with the system's package manager." >&2
  exit 1
fi
"${sudo[@]}" apt-get update -qq >/dev/null 2>&1
for package in $packages; do
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null 2>&1; then
    echo "error BULKDATA0001: could not install the Debian package '$package' the tests need. Run: sudo apt-get install $package" >&2
    exit 1
  fi
done

left=$(missing | tr '\n' ' ')
if [ -n "${left// /}" ]; then
  echo "error BULKDATA0001: installed, but still not found: $left. Run: sudo apt-get install $left" >&2
  exit 1
fi
