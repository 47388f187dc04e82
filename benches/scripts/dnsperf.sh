#!/usr/bin/env bash
# dnsperf against unet (`unet dns-server`, kernel sockets; and on a TAP device), NSD and
# Knot serving the same zone, in one run on this machine, "per core": each server pinned
# to one CPU (taskset; NSD server-count 1, Knot one UDP and one TCP worker, unet one
# thread per transport), dnsperf on another. Over UDP and over TCP (-m tcp).
#
# The zone is tests/zones/gen_large.py's `large.example.` (10 000 hosts by default) and
# its query file: 60% hits, 10% CNAME, 10% NXDOMAIN, 10% NODATA, 5% wildcard, 5%
# referrals. Prints a markdown table on stdout (nothing else): queries/s, average latency
# and its standard deviation and the maximum (this dnsperf, 2.10, has no latency
# histogram, so no percentiles), and the unet/NSD and unet/Knot throughput ratios of the
# same run. Logs go to stderr. Needs root (a namespace with documentation addresses:
# 192.0.2.53 Knot, .54 NSD, .55 unet on lo; unet's TAP at 192.0.2.2 behind tap0), knotd,
# nsd, dnsperf. Builds unet --release unless UNET=path is given. 10 dnsperf clients by
# default: unet on TAP has 16 TCP connection slots (the stack's default storage).
#
#   benches/scripts/dnsperf.sh [--secs T] [--clients C] [--names N] [--no-tap] [--no-unet]
set -euo pipefail

secs=5
clients=10
names=10000
tap=1
unet=1
while [ $# -gt 0 ]; do
  case "$1" in
    --secs) secs="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --names) names="$2"; shift 2 ;;
    --no-tap) tap=0; shift ;;
    --no-unet) unet=0; tap=0; shift ;;
    *) echo "dnsperf.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

me=dnsperf.sh
tool_hint="apt-get install knot nsd dnsperf"
source "$(dirname "$0")/lib.sh"
require ip knotd nsd dnsperf taskset python3

if [ "$unet" = 1 ] && [ -z "${UNET:-}" ]; then
  log "building unet (release)"
  build_release -p unet --bin unet
  UNET="$target/release/unet"
fi

bench_namespaces unet-dnsperf
ns="$ns_tap"
tap_ns "$ns"
for a in 192.0.2.53 192.0.2.54 192.0.2.55; do ip -n "$ns" addr add "$a/32" dev lo; done

ncpu=$(nproc)
server_cpu=$((ncpu > 1 ? 1 : 0))
client_cpu=0
log "servers on CPU $server_cpu, dnsperf on CPU $client_cpu ($ncpu CPUs); load: $(cut -d' ' -f1-3 /proc/loadavg)"

zones="$work/zones"
mkdir -p "$zones"
python3 "$root/tests/zones/gen_large.py" "$names" "$zones/large.example.zone" "$work/queries"

conf() { # template dir addr -> filled config on stdout
  sed -e "s|@DIR@|$2|g" -e "s|@ZONES@|$zones|g" -e "s|@ADDR@|$3|g" -e "s|@PORT@|53|g" \
      -e "s|^@ZONE_LIST_KNOT@|  - domain: large.example.\n    file: large.example.zone|" \
      -e "s|^@ZONE_LIST_NSD@|zone:\n    name: large.example.\n    zonefile: large.example.zone|" \
      "$root/tests/zones/$1"
}
mkdir -p "$work/knot" "$work/nsd"
conf knot.conf.in "$work/knot" 192.0.2.53 >"$work/knot/knot.conf"
conf nsd.conf.in "$work/nsd" 192.0.2.54 >"$work/nsd/nsd.conf"

# In subshells, so that they are not this shell's jobs.
(ip netns exec "$ns" taskset -c "$server_cpu" knotd -c "$work/knot/knot.conf" 2>"$work/knot.log" &)
(ip netns exec "$ns" taskset -c "$server_cpu" nsd -d -c "$work/nsd/nsd.conf" 2>"$work/nsd.log" &)
servers="knot:192.0.2.53 nsd:192.0.2.54"
if [ "$unet" = 1 ]; then
  (ip netns exec "$ns" taskset -c "$server_cpu" "$UNET" dns-server \
     --zone "$zones/large.example.zone" --origin large.example. --listen 192.0.2.55:53 \
     2>"$work/unet.log" &)
  servers="$servers unet:192.0.2.55"
fi
if [ "$tap" = 1 ]; then
  (ip netns exec "$ns" taskset -c "$server_cpu" "$UNET" dns-server \
     --zone "$zones/large.example.zone" --origin large.example. \
     --tap tap0 --ipv4 192.0.2.2/24 2>"$work/unet-tap.log" &)
  servers="$servers unet-tap:192.0.2.2"
fi

for s in $servers; do
  addr=${s#*:}
  for _ in $(seq 100); do
    ip netns exec "$ns" dig +short +norec +time=1 +tries=1 SOA large.example. "@$addr" 2>/dev/null \
      | grep -q hostmaster && break
    sleep 0.1
  done
  ip netns exec "$ns" dig +short +norec +time=1 +tries=1 SOA large.example. "@$addr" | grep -q hostmaster \
    || { log "${s%%:*} does not answer at $addr"; cat "$work"/*.log >&2; exit 1; }
done

# One dnsperf cell: prints "qps avg_ms sd_ms max_ms lost".
cell() { # addr mode
  local out
  out=$(ip netns exec "$ns" taskset -c "$client_cpu" dnsperf -s "$1" -m "$2" -d "$work/queries" \
        -l "$secs" -c "$clients" -q 200 -t 2 2>&1) || { log "dnsperf failed: $out"; echo "0 0 0 0 0"; return; }
  echo "$out" | grep -E '^ *(Queries sent|Queries lost|Queries per second|Average Latency|Latency StdDev|Connection)' >&2 || true
  local qps avg sd max lost
  qps=$(echo "$out" | sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' | head -1)
  avg=$(echo "$out" | sed -n 's/^ *Average Latency (s): *\([0-9.]*\).*/\1/p' | head -1)
  max=$(echo "$out" | sed -n 's/^ *Average Latency (s):.*max \([0-9.]*\).*/\1/p' | head -1)
  sd=$(echo "$out" | sed -n 's/^ *Latency StdDev (s): *\([0-9.]*\).*/\1/p' | head -1)
  lost=$(echo "$out" | sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' | head -1)
  awk -v q="${qps:-0}" -v a="${avg:-0}" -v s="${sd:-0}" -v m="${max:-0}" -v l="${lost:-0}" \
    'BEGIN { printf "%.0f %.3f %.3f %.3f %d\n", q, a*1000, s*1000, m*1000, l }'
}

declare -A res
for mode in udp tcp; do
  for s in $servers; do
    name=${s%%:*}
    log "$name over $mode, ${secs}s, $clients clients"
    res[$name.$mode]=$(cell "${s#*:}" "$mode")
  done
done

echo "| server | transport | queries/s | avg latency (ms) | stddev (ms) | max (ms) | lost | unet/NSD | unet/Knot |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for mode in udp tcp; do
  for s in $servers; do
    name=${s%%:*}
    read -r qps avg sd max lost <<<"${res[$name.$mode]}"
    ratios="| |"
    case "$name" in unet*)
      read -r nq _ <<<"${res[nsd.$mode]}"
      read -r kq _ <<<"${res[knot.$mode]}"
      ratios=$(awk -v u="$qps" -v n="$nq" -v k="$kq" \
        'BEGIN { printf "| %s | %s", (n>0 ? sprintf("%.2f", u/n) : "-"), (k>0 ? sprintf("%.2f", u/k) : "-") }')
      ;;
    esac
    echo "| $name | $mode | $qps | $avg | $sd | $max | $lost $ratios |"
  done
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
