#!/usr/bin/env bash
# `tend apply` of 3 small missing apt packages (hello, sl, cowsay): tend's own time, which is the run's wall
# time less the time of the commands it ran (apt-get), against apt's time. Target (issue 4): under 10%.
# Needs root; removes the three packages first, and again at the end.   Usage: Benchmarks/apply-apt.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root: it installs and removes hello, sl and cowsay" >&2; exit 1; }
swift build -c release --static-swift-stdlib --product tend >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/tend
work=$(mktemp -d)
trap 'rm -rf "$work"; DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hello sl cowsay >/dev/null 2>&1 || true' EXIT
printf 'tend: 1\nresources:\n  - {type: apt, packages: [hello, sl, cowsay]}\n' > "$work/tend.yaml"
export HOME="$work" TEND_STATE="$work/state.db"
for run in 1 2 3; do
  DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hello sl cowsay >/dev/null 2>&1 || true
  start=$(date +%s%N)
  "$bin" apply --yes -c "$work/tend.yaml" >/dev/null
  end=$(date +%s%N)
  total=$(( (end - start) / 1000000 ))
  commands=$("$bin" report --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); cs={(tuple(c["argv"]),c["duration"]) for o in r["operations"] for c in o["commands"]}; print(int(1000*sum(d for _,d in cs)))')
  own=$(( total - commands ))
  echo "run $run: total ${total} ms, commands (apt-get) ${commands} ms, tend's own ${own} ms ($(awk -v a="$own" -v b="$commands" 'BEGIN { printf "%.1f", 100 * a / b }')% of apt's)"
done
