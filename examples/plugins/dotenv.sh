#!/bin/sh
# A tend plugin in POSIX sh with jq, serving one type, `dotenv`: a NAME=value line in a file under $HOME
# (by default ~/.config/tend-example.env). It reads one JSON request per line on stdin and answers on stdout.
# Every value reaches files and JSON through jq --arg or printf, never through eval or an unquoted expansion.
set -u
umask 022

DEFAULT_FILE='~/.config/tend-example.env'

send() { printf '%s\n' "$1"; }

# The file's absolute path: ~/ becomes $HOME; anything outside $HOME is refused.
resolve() {
  case $1 in
    '~/'*) path="$HOME/${1#\~/}" ;;
    *) path=$1 ;;
  esac
  case $path in
    "$HOME"/*) ;;
    *) return 1 ;;
  esac
  case $path in
    */../*|*/..) return 1 ;;
  esac
  printf '%s\n' "$path"
}

valid_name() {
  case $1 in
    ''|[0-9]*|*[!A-Za-z0-9_]*) return 1 ;;
  esac
  return 0
}

# The value of NAME in FILE, and status 0, or status 1 when the line is absent.
current_value() {
  [ -f "$2" ] && [ ! -L "$2" ] || return 1
  line=$(grep -m 1 -- "^$1=" "$2") || return 1
  printf '%s\n' "${line#*=}"
}

# Writes FILE with NAME's line replaced (or removed when VALUE is unset), through a temporary file and mv.
rewrite() {
  name=$1 file=$2
  dir=$(dirname -- "$file")
  mkdir -p -- "$dir" || return 1
  tmp=$(mktemp "$dir/.dotenv.XXXXXX") || return 1
  if [ -f "$file" ]; then grep -v -- "^$name=" "$file" >"$tmp"; fi
  if [ $# -ge 3 ]; then printf '%s=%s\n' "$name" "$3" >>"$tmp"; fi
  chmod 644 "$tmp" && mv -f -- "$tmp" "$file"
}

spec() {
  send '{"type":"SPEC","protocolVersion":1,"types":[{"name":"dotenv","key":"name","summary":"a NAME=value line in a file under the home directory, kept by the dotenv.sh example plugin","parameters":{"type":"object","properties":{"name":{"type":"string","description":"the variable name (letters, digits and _)"},"value":{"type":"string","description":"its value, on one line"},"file":{"type":"string","default":"~/.config/tend-example.env","description":"the file, under the home directory"}},"required":["name","value"]},"example":"- type: dotenv\n  name: EDITOR\n  value: vim\n"}]}'
}

refresh() {
  printf '%s\n' "$1" | jq -c '.resources[]' | while IFS= read -r resource; do
    address=$(printf '%s\n' "$resource" | jq -r '.address')
    name=$(printf '%s\n' "$resource" | jq -r '.parameters.name')
    file=$(printf '%s\n' "$resource" | jq -r --arg d "$DEFAULT_FILE" '.parameters.file // $d')
    path=$(resolve "$file") || path=
    if valid_name "$name" && [ -n "$path" ] && value=$(current_value "$name" "$path"); then
      jq -cn --arg a "$address" --arg n "$name" --arg v "$value" --arg f "$file" \
        '{address: $a, current: {name: $n, value: $v, file: $f}}'
    else
      jq -cn --arg a "$address" '{address: $a, current: null}'
    fi
  done | jq -cs '{type: "REFRESH_RESULT", results: .}'
}

fail() {
  jq -cn --arg m "$1" '{type: "RESULT", status: "failed", error: {message: $m, retryable: false}}'
}

apply() {
  change=$(printf '%s\n' "$1" | jq -c '.change')
  operation=$(printf '%s\n' "$change" | jq -r '.operation')
  name=$(printf '%s\n' "$change" | jq -r '.parameters.name')
  value=$(printf '%s\n' "$change" | jq -r '.parameters.value // ""')
  file=$(printf '%s\n' "$change" | jq -r --arg d "$DEFAULT_FILE" '.parameters.file // $d')
  valid_name "$name" || { fail "'$name' is not a variable name (letters, digits and _)"; return; }
  path=$(resolve "$file") || { fail "the file must be under the home directory"; return; }
  case $value in
    *'
'*) fail "the value of $name holds a newline"; return ;;
  esac
  if [ "$operation" = destroy ]; then
    rewrite "$name" "$path" || { fail "cannot write $path"; return; }
    jq -cn --arg m "removed $name from $path" '{type: "LOG", level: "info", message: $m}'
  else
    rewrite "$name" "$path" "$value" || { fail "cannot write $path"; return; }
    jq -cn --arg m "set $name in $path" '{type: "LOG", level: "info", message: $m}'
  fi
  jq -cn --arg f "$path" '{type: "RESULT", status: "succeeded", outputs: {file: $f}}'
}

while IFS= read -r request; do
  case $(printf '%s\n' "$request" | jq -r '.type') in
    SPEC) spec ;;
    REFRESH) refresh "$request" ;;
    APPLY) apply "$request" ;;
    *) echo "dotenv.sh: unknown request" >&2; exit 2 ;;
  esac
done
