#!/usr/bin/env bash
# `tend validate` on a generated 5,000-resource config: median wall time of 15 runs and peak memory.
# Target (issue 2): under 150 ms and 60 MiB.  Usage: Benchmarks/validate.sh [N_RESOURCES]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5000}
swift build -c release --static-swift-stdlib --product tend >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/tend
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 Benchmarks/generate-config.py "$n" "$work"
"$bin" validate -c "$work/tend.yaml" >/dev/null
times=()
for _ in $(seq 15); do
  start=$(date +%s%N)
  "$bin" validate -c "$work/tend.yaml" >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 8p)
rss=$(/usr/bin/time -f '%M' "$bin" validate -c "$work/tend.yaml" 2>&1 >/dev/null | tail -1)
echo "validate, $n resources ($(wc -l <"$work/tend.yaml") lines): median ${median} ms over 15 runs, peak RSS $((rss / 1024)) MiB"
