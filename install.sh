#!/usr/bin/env bash
# Installs what tend needs, builds a release binary and installs it as ${PREFIX:-/usr/local}/bin/tend.
# Safe to run again: package managers skip what is installed, and the binary is replaced atomically.
set -euo pipefail

cd "$(dirname "$0")"
prefix=${PREFIX:-/usr/local}

say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install sudo, or run as root)"
  fi
}

if ! command -v swift >/dev/null 2>&1; then
  die "Swift is not installed or not on PATH. Install Swift 6 (https://www.swift.org/install/) and run ./install.sh again."
fi

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in libyaml-dev libsqlite3-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    say "libyaml-dev, libsqlite3-dev and pkg-config are installed"
  fi
elif command -v brew >/dev/null 2>&1; then
  for pkg in libyaml sqlite pkg-config; do
    brew list --versions "$pkg" >/dev/null 2>&1 || { say "Installing $pkg with brew"; brew install "$pkg"; }
  done
else
  die "neither apt-get nor brew found: install libyaml and sqlite3 development files by hand, then run again"
fi

say "Building tend (swift build -c release)"
swift build -c release --static-swift-stdlib --product tend
bin_dir=$(swift build -c release --static-swift-stdlib --show-bin-path)

say "Installing into $prefix/bin"
install_cmd=(install -m 0755 "$bin_dir/tend" "$prefix/bin/.tend.new")
if [ -w "$prefix/bin" ] || { [ ! -e "$prefix/bin" ] && mkdir -p "$prefix/bin" 2>/dev/null; }; then
  "${install_cmd[@]}" && mv -f "$prefix/bin/.tend.new" "$prefix/bin/tend"
else
  as_root mkdir -p "$prefix/bin"
  as_root "${install_cmd[@]}" && as_root mv -f "$prefix/bin/.tend.new" "$prefix/bin/tend"
fi

say "Installed $("$prefix/bin/tend" --version | sed 's/^/tend /') at $prefix/bin/tend"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) say "Note: $prefix/bin is not on your PATH" ;;
esac
