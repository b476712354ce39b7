#!/usr/bin/env bash
# `tend apply` of 200 missing file resources in a fresh temporary HOME: median wall time of 7 runs.
# Target (issue 4): under 1 s.   Usage: Benchmarks/apply-files.sh [N_FILES]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
swift build -c release --static-swift-stdlib --product tend >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/tend
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo "tend: 1"
  echo "resources:"
  for i in $(seq 1 "$n"); do
    echo "  - {type: file, path: ~/files/f$i.txt, content: \"file $i\\n\", mode: \"0644\"}"
  done
} > "$work/tend.yaml"
times=()
for run in $(seq 7); do
  home="$work/home$run"
  mkdir -p "$home"
  start=$(date +%s%N)
  HOME="$home" TEND_STATE="$home/state.db" "$bin" apply --yes -c "$work/tend.yaml" >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  [ "$(ls "$home/files" | wc -l)" -eq "$n" ] || { echo "apply did not create $n files" >&2; exit 1; }
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p)
echo "apply of $n missing files: median ${median} ms over 7 runs (all: ${times[*]})"
