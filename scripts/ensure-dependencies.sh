#!/usr/bin/env bash
# Installs the system packages the build needs when they are missing (Debian/Ubuntu), plus any
# package named as an argument (e.g. debootstrap for the container smoke test).
# Runs `apt-get update` at most once, and only when something must be installed.
set -euo pipefail

missing=()
pkg-config --exists libmicrohttpd 2>/dev/null || missing+=(libmicrohttpd-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)  # gzip-coded JSON Lines
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v curl >/dev/null 2>&1 || missing+=(curl)  # the README examples are checked with curl
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)  # promtool checks /metrics
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)  # openapi-generator's jar
for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
