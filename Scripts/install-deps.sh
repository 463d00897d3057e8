#!/usr/bin/env bash
# Installs what building and testing Cupola needs, only when it is missing:
# libvips, libjpeg, libexif, LibRaw and SQLite development files and ExifTool (Debian packages), and
# Python's jsonschema, which the tests use to validate manifests against Schemas/; Chromium, its
# WebDriver and Python's selenium, which drive the gallery-site tests in a real browser;
# iiif-prezi3, which validates the IIIF documents; and PostgreSQL's server, which the
# shared-catalog tests start privately (Scripts/with-postgres.sh).
set -euo pipefail

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"

missing=()
pkg-config --exists vips 2>/dev/null || missing+=(libvips-dev)
pkg-config --exists libexif 2>/dev/null || missing+=(libexif-dev)
pkg-config --exists libjpeg 2>/dev/null || missing+=(libjpeg-dev)
pkg-config --exists libraw_r 2>/dev/null || missing+=(libraw-dev)
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v vipsthumbnail >/dev/null || missing+=(libvips-tools)
command -v python3 >/dev/null || missing+=(python3)
command -v exiftool >/dev/null || missing+=(libimage-exiftool-perl)  # reference reading of raw metadata, XMP and IPTC
command -v chromium >/dev/null || missing+=(chromium)              # gallery-site tests
command -v chromedriver >/dev/null || missing+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)  # shared-catalog tests
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import yaml' 2>/dev/null; then  # the tests parse Samples/cluster/*.yaml
  echo "installing: python pyyaml"
  python3 -m pip install -q pyyaml 2>/dev/null \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-yaml >/dev/null; }
fi

if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "installing: python jsonschema"
  python3 -m pip install -q jsonschema 2>/dev/null \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-jsonschema >/dev/null; }
fi

if ! python3 -c 'import selenium' 2>/dev/null; then
  echo "installing: python selenium"
  python3 -m pip install -q selenium 2>/dev/null \
    || python3 -m pip install -q --break-system-packages selenium 2>/dev/null \
    || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-selenium >/dev/null; }
fi

if ! python3 -c 'import iiif_prezi3' 2>/dev/null; then
  echo "installing: python iiif-prezi3"
  python3 -m pip install -q iiif-prezi3 2>/dev/null || python3 -m pip install -q --break-system-packages iiif-prezi3
fi
