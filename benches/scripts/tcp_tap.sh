#!/usr/bin/env bash
# TCP bulk throughput with the Linux kernel as the peer (issue 5, item 2), in one run:
#   (a) smoltcp 0.14 and unet over a TAP device, both directions: the stack connects out
#       and sends N bytes to a kernel sink; a kernel source connects in and sends N bytes
#       to the stack;
#   (b) kernel to kernel over a veth pair, the same N bytes, with the veth offloads on
#       (the default) and off (ethtool -K: tso gso gro tx rx sg off on both ends).
# Every figure is the receiving side's goodput, timed from connection establishment to
# the last byte, checked by hash; the median of --runs runs with min and max. smoltcp
# (smoltcp_tap_bulk) and unet (unet_tap_bulk) run under unet's own host event loop and TAP
# driver (unet_netif::Runner) with the same application, so that their figures differ by
# the stack alone.
# Prints markdown tables. Needs root (namespaces, TAP, veth) and ethtool; uses only 192.0.2.0/24
# (RFC 5737) inside namespaces of its own, which it deletes on exit, whatever happens.
#
#   benches/scripts/tcp_tap.sh [--bytes N] [--runs R] [--buffer B] [--raw FILE] [--no-build]
# Sizes take K, M, G suffixes (powers of 1024). Defaults: 256M bytes, 5 runs, 64K buffers
# (the stacks' socket buffers and every application's copy buffer). The runs are
# interleaved (run i of every case before run i+1 of any), so that ratios can be taken run
# by run. --raw FILE appends every figure as `2<TAB>row<TAB>column<TAB>run<TAB>Gbit/s`
# (benches/run's report, section 2; the kernel-to-kernel figures go in both rows).
# --no-build uses the release binaries already built.
set -euo pipefail

bytes=256M
runs=5
buffer=64K
raw=/dev/null
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --bytes) bytes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --buffer) buffer="$2"; shift 2 ;;
    --raw) raw="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "tcp_tap.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

me=tcp_tap.sh
tool_hint="scripts/setup --peers installs the peers"
source "$(dirname "$0")/lib.sh"
require ip ss ethtool cargo timeout

if [ "$build" = 1 ]; then
  log "building smoltcp_tap_bulk, unet_tap_bulk and kernel_peer (release)"
  build_release -p unet-benches --bin smoltcp_tap_bulk --bin unet_tap_bulk --bin kernel_peer
fi
smol="$target/release/smoltcp_tap_bulk"
unet="$target/release/unet_tap_bulk"
peer="$target/release/kernel_peer"

bench_namespaces unet-tcp

# The stack under test (192.0.2.2) and the kernel (192.0.2.1) on a TAP device.
tap_ns "$ns_tap"
# Kernel to kernel: 192.0.2.1 and .2 at the two ends of a veth pair, one namespace each.
veth_ns "$ns_a" 192.0.2.1/24 "$ns_b" 192.0.2.2/24

# Waits until something listens on TCP port $2 in namespace $1.
wait_listen() {
  for _ in $(seq 100); do
    [ -n "$(ip netns exec "$1" ss -ltnH "sport = :$2")" ] && return 0
    sleep 0.05
  done
  log "nothing listens on port $2 in $1"
  return 1
}

# Appends the gbit_per_s=… figure of the result line in file $2 to file $1.
record() {
  local rate
  rate=$(sed -n 's/.*gbit_per_s=\([0-9.]*\).*/\1/p' "$2" | tail -n 1)
  [ -n "$rate" ] || return 1
  echo "$rate" >>"$1"
}

# Waits for background job $1; when $2 is not 0 (its partner failed), stops it first.
finish() {
  [ "$2" = 0 ] || kill "$1" 2>/dev/null || true
  wait "$1"
}

# One measurement each of stack binary $2 (smoltcp_tap_bulk or unet_tap_bulk, same
# options); the receiving side's figure is appended to file $1.
stack_sends() {
  timeout 300 ip netns exec "$ns_tap" "$peer" listen 192.0.2.1:5001 --sink "$bytes" \
    --chunk "$buffer" >"$work/sink.out" 2>>"$work/errors" &
  local sink=$! rc=0
  wait_listen "$ns_tap" 5001 || rc=1
  [ "$rc" != 0 ] || timeout 300 ip netns exec "$ns_tap" "$2" --tap tap0 \
    --connect 192.0.2.1:5001 --send "$bytes" --buffer "$buffer" \
    >>"$work/$(basename "$2")_send.out" 2>>"$work/errors" || rc=1
  finish "$sink" "$rc" || return 1
  [ "$rc" = 0 ] && record "$1" "$work/sink.out"
}

stack_receives() {
  local out="$work/$(basename "$2")_recv.out"
  timeout 300 ip netns exec "$ns_tap" "$2" --tap tap0 --listen 5002 --recv "$bytes" \
    --buffer "$buffer" >>"$out" 2>>"$work/errors" &
  local stack_pid=$! rc=0
  # The stack's listener is not the kernel's, so ss cannot see it: the source retries.
  timeout 300 ip netns exec "$ns_tap" "$peer" connect 192.0.2.2:5002 --source "$bytes" \
    --chunk "$buffer" >>"$work/source.out" 2>>"$work/errors" || rc=1
  finish "$stack_pid" "$rc" || return 1
  [ "$rc" = 0 ] && record "$1" "$out"
}

smoltcp_sends() { stack_sends "$1" "$smol"; }
smoltcp_receives() { stack_receives "$1" "$smol"; }
unet_sends() { stack_sends "$1" "$unet"; }
unet_receives() { stack_receives "$1" "$unet"; }

kernel_veth() {
  timeout 300 ip netns exec "$ns_b" "$peer" listen 192.0.2.2:5001 --sink "$bytes" \
    --chunk "$buffer" >"$work/veth_sink.out" 2>>"$work/errors" &
  local sink=$! rc=0
  wait_listen "$ns_b" 5001 || rc=1
  [ "$rc" != 0 ] || timeout 300 ip netns exec "$ns_a" "$peer" connect 192.0.2.2:5001 \
    --source "$bytes" --chunk "$buffer" >>"$work/veth_source.out" 2>>"$work/errors" || rc=1
  finish "$sink" "$rc" || return 1
  [ "$rc" = 0 ] && record "$1" "$work/veth_sink.out"
}

set_offloads() {
  local ns dev
  for pair in "$ns_a:veth0" "$ns_b:veth1"; do
    ns=${pair%%:*}
    dev=${pair#*:}
    for feature in tso gso gro tx rx sg; do
      ip netns exec "$ns" ethtool -K "$dev" "$feature" "$1" >/dev/null 2>&1 ||
        log "ethtool -K $dev $feature $1 refused"
    done
  done
}

# "median (min–max)" of the numbers in file $1, one a line.
summary() {
  sort -g "$1" | awk '{ v[NR] = $1 }
    END {
      if (NR == 0) { print "failed"; exit }
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.2f (%.2f–%.2f)\n", m, v[1], v[NR]
    }'
}

send_row="stack sends, kernel receives"
recv_row="kernel sends, stack receives"

# run_case NAME FN RUN ROW... : one measurement by FN into $work/NAME; its figure also goes
# to the raw file, once per ROW, in the column named by $column.
run_case() {
  local name=$1 fn=$2 run=$3 rate row
  shift 3
  local before
  before=$(wc -l <"$work/$name")
  if ! "$fn" "$work/$name" || [ "$(wc -l <"$work/$name")" = "$before" ]; then
    log "$name: run $run failed"
    failures=$((failures + 1))
    return 0
  fi
  rate=$(tail -n 1 "$work/$name")
  for row in "$@"; do
    printf '2\t%s\t%s\t%s\t%s\n' "$row" "$column" "$run" "$rate" >>"$raw"
  done
}

failures=0
for name in smol_send smol_recv unet_send unet_recv veth_on veth_off; do : >"$work/$name"; done
for run in $(seq "$runs"); do
  log "run $run of $runs ($bytes per connection)"
  column=smoltcp run_case smol_send smoltcp_sends "$run" "$send_row"
  column=unet run_case unet_send unet_sends "$run" "$send_row"
  column=smoltcp run_case smol_recv smoltcp_receives "$run" "$recv_row"
  column=unet run_case unet_recv unet_receives "$run" "$recv_row"
  set_offloads on
  column="kernel veth, offloads on" run_case veth_on kernel_veth "$run" "$send_row" "$recv_row"
  set_offloads off
  column="kernel veth, offloads off" run_case veth_off kernel_veth "$run" "$send_row" "$recv_row"
  set_offloads on
done

if [ -s "$work/errors" ]; then
  log "errors reported by the programs:"
  sed 's/^/  /' "$work/errors" >&2
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "TCP bulk throughput, $bytes per connection, ${buffer} socket and application buffers;"
echo "receiver's goodput in Gbit/s, median of $runs runs (min–max)."
echo "Machine: ${cpu:-unknown CPU}, $(nproc) CPUs, Linux $(uname -r)."
echo
echo "| over TAP, with the Linux kernel as the peer | smoltcp 0.14 | unet |"
echo "|---|---|---|"
echo "| stack sends, kernel receives | $(summary "$work/smol_send") | $(summary "$work/unet_send") |"
echo "| kernel sends, stack receives | $(summary "$work/smol_recv") | $(summary "$work/unet_recv") |"
echo
echo "| kernel to kernel over a veth pair | Gbit/s |"
echo "|---|---|"
echo "| offloads on | $(summary "$work/veth_on") |"
echo "| offloads off | $(summary "$work/veth_off") |"
echo
echo "unet's segment and retransmission counters, one line per run:"
for dir in send recv; do
  sed -n "s/^segments_out/  unet ${dir}s: segments_out/p" "$work/unet_tap_bulk_$dir.out" 2>/dev/null
done
[ "$failures" = 0 ] || die "$failures measurements failed"
