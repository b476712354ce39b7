#!/usr/bin/env bash
# `tend fleet apply` to 20 local users over loopback SSH (the sshd .ci/run starts on 127.0.0.1:2222, or
# TEND_TEST_SSHD): the wall time with --parallel 8 and 20, then serially (--parallel 1) to get the cost per host,
# against a local `tend apply` of the same config by one more user. The config makes 20 files in the home.
# Needs root (it makes and removes the users).   Usage: Benchmarks/fleet-apply.sh [HOSTS]   (TEND_BIN: a built tend)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run as root: it makes and removes local users" >&2; exit 1; }
hosts=${1:-20}
server=${TEND_TEST_SSHD:-127.0.0.1:2222}
if [ -z "${TEND_BIN:-}" ]; then
  swift build -c release --static-swift-stdlib --product tend >/dev/null
  TEND_BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)/tend
fi
work=$(mktemp -d /tmp/tend-fleet-bench.XXXXXX)
chmod 755 "$work"
users=()
cleanup() {
  for u in "${users[@]}"; do userdel "$u" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }

ssh-keygen -q -t ed25519 -N '' -f "$work/id"
cat > "$work/ssh_config" <<CONF
Host *
  IdentityFile $work/id
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile $work/known_hosts
  LogLevel ERROR
CONF
mkdir -p "$work/config" "$work/homes"
chmod 755 "$work/homes"
{
  printf 'tend: 1\nresources:\n'
  for i in $(seq 1 20); do printf '  - {type: file, path: ~/bench/f%02d.txt, content: "file %d of ${vars.name}\\n"}\n' "$i" "$i"; done
} > "$work/config/tend.yaml"
printf 'fleet: 1\nhosts:\n' > "$work/fleet.yaml"
for i in $(seq 0 "$hosts"); do
  name="tendb$$x$i"
  home="$work/homes/$name"
  useradd --no-create-home --home-dir "$home" --shell /bin/sh --user-group "$name"
  users+=("$name")
  mkdir -p "$home/.ssh" && cp "$work/id.pub" "$home/.ssh/authorized_keys"
  chmod 700 "$home/.ssh" && chown -R "$name:$name" "$home"
  [ "$i" -eq 0 ] && continue   # user 0 runs the local apply
  printf '  h%02d: { address: "%s@%s", vars: { name: h%02d } }\n' "$i" "$name" "$server" "$i" >> "$work/fleet.yaml"
done
fleet=("$TEND_BIN" fleet -c "$work/config/tend.yaml" -i "$work/fleet.yaml" --ssh-config "$work/ssh_config")
cd "$work"
# Installed as 'tend fleet bootstrap' leaves it (not timed; bootstrap copies the binary over ssh, which is
# slow for nothing here).
for name in "${users[@]:1}"; do
  install -D -o "$name" -g "$name" -m 755 "$TEND_BIN" "$work/homes/$name/.local/bin/tend"
  chown "$name:$name" "$work/homes/$name/.local" "$work/homes/$name/.local/bin"
done

# Local: the same config applied by user 0 in its own home, as that user, with a var file of its own.
local_home="$work/homes/${users[0]}"
printf 'tend: 1\ninclude: [config/tend.yaml]\nvars: { name: local }\n' > "$work/local.yaml"
chmod -R a+rX "$work/config" "$work/local.yaml"
start=$(ms)
setpriv --reuid="${users[0]}" --regid="${users[0]}" --clear-groups -- env HOME="$local_home" \
  "$TEND_BIN" apply --yes -c "$work/local.yaml" >/dev/null
local_ms=$(( $(ms) - start ))
start=$(ms)
setpriv --reuid="${users[0]}" --regid="${users[0]}" --clear-groups -- env HOME="$local_home" \
  "$TEND_BIN" apply --yes -c "$work/local.yaml" >/dev/null
local_noop_ms=$(( $(ms) - start ))

run() { local s; s=$(ms); "${fleet[@]:0:2}" apply "${fleet[@]:2}" "$@" >"$work/out.txt" || { cat "$work/out.txt"; exit 1; }; echo $(( $(ms) - s )); }
reset() { for name in "${users[@]:1}"; do rm -rf "$work/homes/$name/bench" "$work/homes/$name/.local/state"; done; }

serial=$(run --parallel 1)
serial_noop=$(run --parallel 1)
reset; p8=$(run --parallel 8)
reset; p20=$(run --parallel 20)
p20_noop=$(run --parallel 20)
bundle=$(du -sb "$work/config" | cut -f1)
echo "hosts: $hosts; config: 20 files; bundle: ${bundle} bytes of config"
echo "local apply (one user): ${local_ms} ms; local no-op apply: ${local_noop_ms} ms"
echo "fleet apply --parallel 1: ${serial} ms (${hosts} hosts), $(( serial / hosts )) ms per host, overhead $(( serial / hosts - local_ms )) ms per host over a local apply"
echo "fleet no-op --parallel 1: ${serial_noop} ms, $(( serial_noop / hosts )) ms per host, overhead $(( serial_noop / hosts - local_noop_ms )) ms per host over a local no-op"
echo "fleet apply --parallel 8: ${p8} ms wall; --parallel 20: ${p20} ms wall; no-op --parallel 20: ${p20_noop} ms wall"
