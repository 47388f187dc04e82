#!/usr/bin/env bash
# Measures a `unet host` over TAP next to the Linux kernel over a veth pair, in one run:
#   (a) ping round-trip time from the kernel (ping -c N -i 0.01), min/avg/max/mdev;
#   (b) UDP echo rate: benches' udp_echo client, closed loop (1 outstanding) and with a
#       window of outstanding requests, against `unet host --udp-echo 7` and against the
#       udp_echo server in a second kernel namespace.
# Prints a markdown table. Needs root (namespaces, TAP, veth); uses only documentation
# addresses (RFC 5737) inside its own namespaces, which it deletes on exit, whatever
# happens. Safe to run again. Builds unet and the client with --release.
#
#   benches/scripts/ipv4_host.sh [--secs T] [--pings N] [--size BYTES] [--window W]
set -euo pipefail

secs=5
pings=200
size=64
window=16
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) secs="$2"; shift 2 ;;
    --pings) pings="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    *) echo "ipv4_host.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

me=ipv4_host.sh
source "$(dirname "$0")/lib.sh"
require ip ping cargo

log "building unet and udp_echo (release)"
build_release -p unet --bin unet
build_release -p unet-benches --bin udp_echo
unet="$target/release/unet"
udp_echo="$target/release/udp_echo"

bench_namespaces unet-bench

# unet: the kernel (192.0.2.1) and unet host (192.0.2.2) on a TAP device.
tap_ns "$ns_tap"
# In subshells, so that they are not this shell's jobs (no "Killed" notice at cleanup).
(ip netns exec "$ns_tap" "$unet" host --tap tap0 --ipv4 192.0.2.2/24 --no-acd --udp-echo 7 \
  2>"$work/unet.log" &)
# Kernel to kernel: 198.51.100.1 and .2 at the two ends of a veth pair.
veth_ns "$ns_a" 198.51.100.1/24 "$ns_b" 198.51.100.2/24
(ip netns exec "$ns_b" "$udp_echo" server 198.51.100.2:7 &)

# Wait (10 s at most) until both answer ping.
for target_ns in "$ns_tap 192.0.2.2" "$ns_a 198.51.100.2"; do
  set -- $target_ns
  for _ in $(seq 50); do
    ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1 && break
    sleep 0.2
  done
  ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null || { log "$2 does not answer"; cat "$work/unet.log" >&2; exit 1; }
done

rtt() { # ns addr -> "min/avg/max/mdev"
  ip netns exec "$1" ping -n -q -c "$pings" -i 0.01 "$2" | sed -n 's/^rtt min\/avg\/max\/mdev = \(.*\) ms$/\1/p'
}
rate() { # ns addr window -> "rate (lost N)"
  ip netns exec "$1" "$udp_echo" client "$2:7" --secs "$secs" --size "$size" --window "$3" |
    sed -n 's/.*lost=\([0-9]*\).*rate=\([0-9]*\)\/s rtt_avg_us=\([0-9]*\).*/\2 req\/s (rtt avg \3 µs, lost \1)/p'
}

log "ping: $pings requests each, 10 ms apart"
ping_unet=$(rtt "$ns_tap" 192.0.2.2)
ping_kernel=$(rtt "$ns_a" 198.51.100.2)
log "UDP echo: $size-byte requests, ${secs} s per run"
udp1_unet=$(rate "$ns_tap" 192.0.2.2 1)
udp1_kernel=$(rate "$ns_a" 198.51.100.2 1)
udpw_unet=$(rate "$ns_tap" 192.0.2.2 "$window")
udpw_kernel=$(rate "$ns_a" 198.51.100.2 "$window")

# Stop unet host cleanly to get its counters.
for pid in $(ip netns pids "$ns_tap"); do kill -TERM "$pid" 2>/dev/null || true; done
sleep 0.5

echo
echo "Kernel ($(uname -r)) talking to: unet host over TAP vs the kernel over veth; $(nproc) CPUs."
echo
echo "| peer | ping rtt min/avg/max/mdev (ms) | UDP echo, 1 outstanding | UDP echo, $window outstanding |"
echo "|---|---|---|---|"
echo "| unet host (TAP) | $ping_unet | $udp1_unet | $udpw_unet |"
echo "| Linux kernel (veth) | $ping_kernel | $udp1_kernel | $udpw_kernel |"
echo
echo "unet host's last words:"
grep -E "frames:|counters:" "$work/unet.log" | sed 's/^/    /' || true
