# Sourced by the side-by-side measurement scripts beside it (not run on its own): the root
# and tool checks, the release build, and the network namespaces they measure in, which
# are deleted on exit whatever happens. Only documentation addresses (RFC 5737) are used.
#
# The sourcing script sets `me` (its name, for messages) before sourcing, and
# `tool_hint` if a missing tool deserves a hint. It gets:
#   root, target       the workspace and its cargo target directory
#   log MSG, die MSG   a message on stderr (die exits 1)
#   require TOOL...    exits unless run as root with every TOOL on PATH
#   build_release ARG...  cargo build --release --quiet ARG... in the workspace
#   bench_namespaces PREFIX  names ns_tap, ns_a, ns_b (PREFIX-tap-PID, ...), makes $work
#                      (a temporary folder) and deletes all of them on exit
#   new_ns NS          a namespace with lo up and IPv6 off (no ND or MLD chatter)
#   tap_ns NS          new_ns, and in it tap0 up with the kernel at 192.0.2.1/24: the stack
#                      under test attaches to tap0 as 192.0.2.2
#   veth_ns NS_A ADDR_A NS_B ADDR_B  new_ns both, joined by veth0 (ADDR_A, in NS_A) and
#                      veth1 (ADDR_B, in NS_B); addresses with their prefix length

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}

log() { echo "$me: $*" >&2; }
die() { log "$*"; exit 1; }

require() {
  [ "$(id -u)" = 0 ] || die "needs root (network namespaces, TAP and veth devices)"
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool not found${tool_hint:+ ($tool_hint)}"
  done
}

build_release() {
  (cd "$root" && cargo build --release --quiet "$@")
}

bench_namespaces() {
  ns_tap="$1-tap-$$"
  ns_a="$1-a-$$"
  ns_b="$1-b-$$"
  work=$(mktemp -d)
  trap cleanup_namespaces EXIT INT TERM
}

cleanup_namespaces() {
  local ns pid
  for ns in "$ns_tap" "$ns_a" "$ns_b"; do
    if ip netns list | grep -qw "$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}

new_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

tap_ns() {
  new_ns "$1"
  ip -n "$1" tuntap add dev tap0 mode tap
  ip -n "$1" addr add 192.0.2.1/24 dev tap0
  ip -n "$1" link set tap0 up
}

veth_ns() {
  new_ns "$1"
  new_ns "$3"
  ip -n "$1" link add veth0 type veth peer name veth1 netns "$3"
  ip -n "$1" addr add "$2" dev veth0
  ip -n "$3" addr add "$4" dev veth1
  ip -n "$1" link set veth0 up
  ip -n "$3" link set veth1 up
}
