#!/usr/bin/env bash
# Request/response rates (issue 5, items 3 and 4), unet over TAP next to the Linux kernel
# over a veth pair, in one run, the runs of both interleaved:
#   TCP transactions per second (1-byte and 1 KiB request/response on one connection) and
#   connection setups per second (connect, 1-byte request/response, close): the tcp_rr
#   client (the kernel's TCP) against `unet host --tcp-echo 7` and against `tcp_rr server`;
#   UDP echo requests per second (64 bytes, 1 and 16 outstanding): the udp_echo client
#   against `unet host --udp-echo 7` and against `udp_echo server`.
# Appends `section<TAB>row<TAB>column<TAB>run<TAB>value` lines to --raw FILE (sections 3
# and 4 of benches/run's report) and prints them. Needs root (namespaces, TAP, veth); uses
# only documentation addresses (RFC 5737) inside its own namespaces, deleted on exit,
# whatever happens. Expects release builds of unet, tcp_rr and udp_echo (benches/run makes
# them; --build builds them here).
#
#   benches/scripts/host_rates.sh [--secs T] [--runs R] [--raw FILE] [--build]
set -euo pipefail

secs=3
runs=3
raw=/dev/null
build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) secs="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --raw) raw="$2"; shift 2 ;;
    --build) build=1; shift ;;
    *) echo "host_rates.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

me=host_rates.sh
source "$(dirname "$0")/lib.sh"
require ip ping

if [ "$build" = 1 ]; then
  log "building unet, tcp_rr and udp_echo (release)"
  build_release -p unet --bin unet
  build_release -p unet-benches --bin tcp_rr --bin udp_echo
fi
unet="$target/release/unet"
tcp_rr="$target/release/tcp_rr"
udp_echo="$target/release/udp_echo"
for b in "$unet" "$tcp_rr" "$udp_echo"; do [ -x "$b" ] || die "$b not built (use --build)"; done

bench_namespaces unet-rates

# unet: the kernel (192.0.2.1) and unet host (192.0.2.2) on a TAP device.
tap_ns "$ns_tap"
# Kernel to kernel: 198.51.100.1 (client) and .2 (servers) at the two ends of a veth pair.
veth_ns "$ns_a" 198.51.100.1/24 "$ns_b" 198.51.100.2/24
# The clients keep TIME-WAIT for every connection setup: let new connections reuse them.
for ns in "$ns_tap" "$ns_a"; do ip netns exec "$ns" sysctl -qw net.ipv4.tcp_tw_reuse=1; done

# In subshells, so that they are not this shell's jobs (no "Killed" notice at cleanup).
(ip netns exec "$ns_tap" "$unet" host --tap tap0 --ipv4 192.0.2.2/24 --no-acd --udp-echo 7 \
  --tcp-echo 7 2>"$work/unet.log" &)
(ip netns exec "$ns_b" "$udp_echo" server 198.51.100.2:7 2>>"$work/errors" &)
(ip netns exec "$ns_b" "$tcp_rr" server 198.51.100.2:7 2>>"$work/errors" &)

for pair in "$ns_tap 192.0.2.2" "$ns_a 198.51.100.2"; do
  set -- $pair
  for _ in $(seq 50); do
    ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && break
    sleep 0.2
  done
  ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null || { log "$2 does not answer"; cat "$work/unet.log" >&2; exit 1; }
done

failures=0
# measure SECTION ROW COLUMN RUN CMD...: runs CMD, takes its rate=…/s, appends the line.
measure() {
  local section=$1 row=$2 column=$3 run=$4 out rate
  shift 4
  if out=$(timeout $((secs * 3 + 20)) "$@" 2>>"$work/errors"); then
    rate=$(sed -n 's/.*rate=\([0-9.]*\)\/s.*/\1/p' <<<"$out" | tail -n 1)
  else
    rate=
  fi
  if [ -z "$rate" ] || [ "$rate" = 0 ]; then
    log "$row, $column, run $run: failed"
    failures=$((failures + 1))
    return 0
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$section" "$row" "$column" "$run" "$rate" | tee -a "$raw"
}

for run in $(seq "$runs"); do
  log "run $run of $runs (${secs} s per figure)"
  for side in "unet $ns_tap 192.0.2.2" "kernel $ns_a 198.51.100.2"; do
    set -- $side
    col=$1 ns=$2 addr=$3
    measure 3 "transactions/s, 1 B request/response" "$col" "$run" \
      ip netns exec "$ns" "$tcp_rr" rr "$addr:7" --size 1 --secs "$secs"
    measure 3 "transactions/s, 1 KiB request/response" "$col" "$run" \
      ip netns exec "$ns" "$tcp_rr" rr "$addr:7" --size 1024 --secs "$secs"
    measure 3 "connection setups/s (connect, 1 B echo, close)" "$col" "$run" \
      ip netns exec "$ns" "$tcp_rr" crr "$addr:7" --size 1 --secs "$secs"
    measure 4 "UDP echo, 64 B, 1 outstanding" "$col" "$run" \
      ip netns exec "$ns" "$udp_echo" client "$addr:7" --secs "$secs" --size 64 --window 1
    measure 4 "UDP echo, 64 B, 16 outstanding" "$col" "$run" \
      ip netns exec "$ns" "$udp_echo" client "$addr:7" --secs "$secs" --size 64 --window 16
  done
done

# Stop unet host cleanly to get its counters.
for pid in $(ip netns pids "$ns_tap"); do kill -TERM "$pid" 2>/dev/null || true; done
sleep 0.5
if [ -s "$work/errors" ]; then
  log "errors reported by the programs:"
  sed 's/^/  /' "$work/errors" | head -n 20 >&2
fi
log "unet host's last words:"
grep -E "frames:|counters:|tcp" "$work/unet.log" | tail -n 5 | sed 's/^/    /' >&2 || true
[ "$failures" = 0 ] || die "$failures measurements failed"
