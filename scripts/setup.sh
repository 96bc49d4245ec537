#!/usr/bin/env bash
# Installs what building and testing Rowpress needs on a fresh Debian machine
# with Rust: the independent readers of our files (LibreOffice, qpdf,
# poppler, mutool, PDFium), HarfBuzz's hb-shape (the oracle of our
# shaping), the fonts the tests embed (DejaVu, Noto for Arabic, Hebrew,
# Devanagari, Thai and CJK, Noto Color Emoji (a bitmap font the PDF must
# leave out of its chain), and Liberation Sans, the Arial with Arial's
# widths that LibreOffice shows our DOCX in), and the Rust components.
# Idempotent: each step is skipped when what it installs is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(
  qpdf poppler-utils mupdf-tools libharfbuzz-bin curl
  libreoffice-writer-nogui libreoffice-calc-nogui
  fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji
  fonts-liberation2
  chromium chromium-driver nodejs npm
)
missing=()
for p in "${apt_packages[@]}"; do
  case "$p" in
    # Node may come from elsewhere than Debian (it does on our machines).
    nodejs | npm) command -v "${p/nodejs/node}" >/dev/null && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# PostgreSQL for the server's tests: installed if missing, started if down.
if ! command -v pg_ctlcluster >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

# A real S3-compatible server for the S3 backend's tests (newer s3s-fs
# releases need a newer rustc).
command -v s3s-fs >/dev/null || cargo install --locked s3s-fs@0.14.1 --features binary

# schemathesis tests the server against its own OpenAPI document.
python3 -c 'import schemathesis' 2>/dev/null ||
  python3 -m pip install --quiet schemathesis==4.32.5 ||
  python3 -m pip install --quiet --break-system-packages schemathesis==4.32.5

# openpyxl, python-docx and pypdf read our XLSX, DOCX and PDF back in the
# tests; openxml-audit validates the XLSX and DOCX against ECMA-376.
python3 -c 'import openpyxl, docx, pypdf, openxml_audit' 2>/dev/null ||
  python3 -m pip install --quiet openpyxl==3.1.5 python-docx==1.2.0 pypdf==7.1.0 openxml-audit==0.8.0 ||
  python3 -m pip install --quiet --break-system-packages openpyxl==3.1.5 python-docx==1.2.0 pypdf==7.1.0 openxml-audit==0.8.0

rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
