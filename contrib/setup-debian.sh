#!/usr/bin/env bash
# Installs what dmarc-rua needs to build and test on Debian 12 (bookworm).
# Run as root, or as a user with sudo.
set -euo pipefail
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
packages=(
	build-essential cmake pkg-config
	libxml2-dev zlib1g-dev libzip-dev libsqlite3-dev sqlite3
	libpsl-dev libidn2-dev publicsuffix nettle-dev
	libgmime-3.0-dev libcurl4-openssl-dev libc-ares-dev libjansson-dev
	libpq-dev postgresql
	check dovecot-imapd dnsmasq-base openssl
	clang libclang-rt-14-dev clang-format cppcheck
	chromium fonts-dejavu-core
)
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
