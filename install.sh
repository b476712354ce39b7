#!/usr/bin/env bash
# Installs what tend needs, builds a release binary and installs it as ${PREFIX:-/usr/local}/bin/tend.
# Safe to run again: package managers skip what is installed, and the binary is replaced atomically.
set -euo pipefail

cd "$(dirname "$0")"
prefix=${PREFIX:-/usr/local}
# --from-binary PATH installs an already built tend (and its completions and man page) without building.
from_binary=
if [ "${1:-}" = --from-binary ]; then
  [ -n "${2:-}" ] && [ -x "$2" ] || { printf 'install.sh: --from-binary needs the path of a built tend\n' >&2; exit 2; }
  from_binary=$2
fi

say() { printf '==> %s\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install sudo, or run as root)"
  fi
}

# Writes standard input to $1 through a temporary name and a rename, as root when the directory needs it.
put() {
  local target=$1 dir
  dir=$(dirname "$target")
  if [ -w "$dir" ] || { [ ! -e "$dir" ] && mkdir -p "$dir" 2>/dev/null; }; then
    cat >"$target.new" && chmod 0644 "$target.new" && mv -f "$target.new" "$target"
  else
    as_root mkdir -p "$dir"
    as_root sh -c 'cat >"$1.new" && chmod 0644 "$1.new" && mv -f "$1.new" "$1"' put "$target"
  fi
}

# Completions where each shell looks for them under the prefix, and the man page made from the command tree.
install_extras() {
  local tend=$1
  say "Installing shell completions (bash, zsh, fish) and the man page under $prefix/share"
  "$tend" --generate-completion-script bash | put "$prefix/share/bash-completion/completions/tend"
  "$tend" --generate-completion-script zsh | put "$prefix/share/zsh/site-functions/_tend"
  "$tend" --generate-completion-script fish | put "$prefix/share/fish/vendor_completions.d/tend.fish"
  "$tend" manual | put "$prefix/share/man/man1/tend.1"
  "$tend" schema | put "$prefix/share/tend/tend.schema.json"
  "$tend" schema --included | put "$prefix/share/tend/tend-include.schema.json"
}

if [ -n "$from_binary" ]; then
  bin_dir=$(cd "$(dirname "$from_binary")" && pwd)
elif ! command -v swift >/dev/null 2>&1; then
  die "Swift is not installed or not on PATH. Install Swift 6 (https://www.swift.org/install/) and run ./install.sh again."
fi

if [ -n "$from_binary" ]; then
  say "Using the built $from_binary"
elif command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in libyaml-dev libsqlite3-dev libpq-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]} with apt-get"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    say "libyaml-dev, libsqlite3-dev, libpq-dev and pkg-config are installed"
  fi
elif command -v brew >/dev/null 2>&1; then
  for pkg in libyaml sqlite pkg-config; do
    brew list --versions "$pkg" >/dev/null 2>&1 || { say "Installing $pkg with brew"; brew install "$pkg"; }
  done
else
  die "neither apt-get nor brew found: install libyaml and sqlite3 development files by hand, then run again"
fi

if [ -z "$from_binary" ]; then
  say "Building tend (swift build -c release)"
  swift build -c release --static-swift-stdlib --product tend
  bin_dir=$(swift build -c release --static-swift-stdlib --show-bin-path)
fi

say "Installing into $prefix/bin"
install_cmd=(install -m 0755 "$bin_dir/tend" "$prefix/bin/.tend.new")
if [ -w "$prefix/bin" ] || { [ ! -e "$prefix/bin" ] && mkdir -p "$prefix/bin" 2>/dev/null; }; then
  "${install_cmd[@]}" && mv -f "$prefix/bin/.tend.new" "$prefix/bin/tend"
else
  as_root mkdir -p "$prefix/bin"
  as_root "${install_cmd[@]}" && as_root mv -f "$prefix/bin/.tend.new" "$prefix/bin/tend"
fi

install_extras "$prefix/bin/tend"
say "Installed $("$prefix/bin/tend" --version | sed 's/^/tend /') at $prefix/bin/tend"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) say "Note: $prefix/bin is not on your PATH" ;;
esac
