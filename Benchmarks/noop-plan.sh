#!/usr/bin/env bash
# A no-op `tend plan` over 400 installed apt packages and 1,000 files already in place, against the least
# possible work for the same check: one dpkg-query for the packages, one sha256sum pass over the files and
# one stat of them. Prints both medians, the ratio (target: at most 1.4) and tend's peak memory (target:
# under 80 MiB). The whole catalog is present: the shipped definitions compiled in, and 30 user definitions in
# the benchmark's ~/.config/tend/types/ (the config uses none of them, so none should be parsed).
#   Usage: Benchmarks/noop-plan.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-11}
swift build -c release --static-swift-stdlib --product tend >/dev/null
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)/tend
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/.config/tend/types" "$work/files"
for i in $(seq 1 30); do
  cat > "$work/home/.config/tend/types/bench-$i.yaml" <<DEFINITION
name: bench-$i
summary: benchmark type $i, a marker file
example: |
  - type: bench-$i
    name: one
parameters:
  name: {kind: string, key: true, summary: the marker's name}
  version: {kind: string, comparison: versionPattern, summary: a version}
list:
  argv: [ls, -1, "{{host.home}}/bench-$i"]
  lines: {pattern: '^(?<name>[^ ]+)(?: (?<version>.+))?\$'}
create: {argv: [touch, --, "{{host.home}}/bench-$i/{{name}}"]}
destroy: {argv: [rm, --, "{{host.home}}/bench-$i/{{name}}"]}
DEFINITION
done
chmod -R go-w "$work/home"

mapfile -t packages < <(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }' | head -400)
if [ "${#packages[@]}" -lt 400 ]; then echo "only ${#packages[@]} installed packages; using them all" >&2; fi

{
  echo "tend: 1"
  echo "resources:"
  echo "  - type: apt"
  printf '    packages: ['
  (IFS=,; printf '%s' "${packages[*]}")
  echo "]"
  for i in $(seq 1 1000); do
    printf 'file %d of the tend benchmark\nsecond line %d\n' "$i" "$i" > "$work/files/f$i.txt"
    chmod 0644 "$work/files/f$i.txt"
    echo "  - type: file"
    echo "    path: $work/files/f$i.txt"
    echo "    content: \"file $i of the tend benchmark\\nsecond line $i\\n\""
    echo "    mode: \"0644\""
  done
} > "$work/tend.yaml"

export HOME="$work/home"
unset XDG_CONFIG_HOME
loaded=$("$bin" types | grep -c '\[user definition\]' || true)
if [ "$loaded" -ne 30 ]; then echo "only $loaded of the 30 user definitions load:"; "$bin" types | grep BROKEN; exit 1; fi
"$bin" plan -c "$work/tend.yaml" --detailed-exitcode >/dev/null || { echo "the plan is not a no-op:"; "$bin" plan -c "$work/tend.yaml" | tail -5; exit 1; }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
now() { date +%s%N; }

tend_times=() base_times=()
for _ in $(seq "$runs"); do
  t0=$(now); "$bin" plan -c "$work/tend.yaml" >/dev/null; t1=$(now)
  dpkg-query -W -f='${Package}\t${Status}\t${Version}\n' -- "${packages[@]}" >/dev/null
  sha256sum "$work"/files/*.txt >/dev/null
  stat -c '%a %U %G' "$work"/files/*.txt >/dev/null
  t2=$(now)
  tend_times+=($(( (t1 - t0) / 1000000 ))); base_times+=($(( (t2 - t1) / 1000000 )))
done
tend_ms=$(printf '%s\n' "${tend_times[@]}" | median)
base_ms=$(printf '%s\n' "${base_times[@]}" | median)
rss=$(/usr/bin/time -f '%M' "$bin" plan -c "$work/tend.yaml" 2>&1 >/dev/null | tail -1)
ratio=$(awk -v a="$tend_ms" -v b="$base_ms" 'BEGIN { printf "%.2f", a / b }')
echo "no-op plan, ${#packages[@]} apt packages + 1000 files, median of $runs runs:"
echo "  tend plan:              ${tend_ms} ms (peak RSS $((rss / 1024)) MiB)"
echo "  dpkg-query+sha256sum+stat: ${base_ms} ms"
echo "  ratio: ${ratio}"
