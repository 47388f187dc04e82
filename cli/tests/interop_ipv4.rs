//! `unet host` against the Linux kernel, each test in a fresh network namespace.
//!
//! The namespace holds a TAP device whose kernel side is 192.0.2.1/24; `unet host` runs
//! inside the namespace on that device as 192.0.2.2/24 and the kernel's own tools (ping,
//! arping, socat, python3's sockets) talk to it. Only documentation addresses (RFC 5737)
//! are used, only inside the namespace. The host is stopped with SIGTERM at the end of
//! each test (killed and reaped even when the test panics) and its final counters are
//! read from its log; the namespace is deleted when the test ends, whatever happens.
//!
//! Needs root (CAP_NET_ADMIN) and the peers `scripts/setup --peers` installs; without root
//! each test prints a loud SKIPPED banner (and fails under CI).
#![cfg(target_os = "linux")]

mod host_support;

use std::process::Output;
use std::time::Instant;

use host_support::{Launch, UnetHost, UNET_IP};
use unet_tests::netns::{have_root, Netns};

const UNET_MAC: &str = "02:00:5e:00:02:02";

/// A namespace with `tap0` (kernel side 192.0.2.1/24), IPv6 off so that its router
/// solicitations and MLD reports stay off the wire.
fn namespace(test: &str) -> Netns {
    let ns = Netns::create(test).expect("ip netns add");
    ns.add_tap("tap0", "192.0.2.1/24").expect("TAP device in the namespace");
    let _ = ns.output(&["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"]);
    ns
}

/// Starts `unet host --tap tap0 --ipv4 192.0.2.2/24 --no-acd …extra` in `ns`, recording
/// its frames if `record`, and waits until it answers ping (at most 10 s).
fn start_host(ns: &Netns, extra: &[&str], record: bool) -> UnetHost {
    let pcap = record.then(|| std::env::temp_dir().join(format!("{}.pcap", ns.name())));
    UnetHost::launch(ns, Launch { mac: UNET_MAC, flags: extra, pcap })
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Runs a python3 script inside the namespace; fails the test if it fails.
fn python(ns: &Netns, script: &str, args: &[&str]) -> String {
    let mut cmd = vec!["python3", "-c", script];
    cmd.extend_from_slice(args);
    let out = ns.output(&cmd).expect("python3");
    assert!(out.status.success(), "python3 failed:\n{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `min/avg/max/mdev` of a ping summary, in ms.
fn rtt(ping: &str) -> [f64; 4] {
    let line = ping.lines().find(|l| l.contains("min/avg/max")).expect("rtt line");
    let nums = line.split('=').nth(1).unwrap().trim().trim_end_matches(" ms");
    let v: Vec<f64> = nums.split('/').map(|x| x.parse().unwrap()).collect();
    [v[0], v[1], v[2], v[3]]
}

fn ping(ns: &Netns, args: &[&str]) -> String {
    let mut cmd = vec!["ping", "-n"];
    cmd.extend_from_slice(args);
    cmd.push(UNET_IP);
    let out = ns.output(&cmd).unwrap();
    let t = text(&out);
    assert!(out.status.success() && t.contains(" 0% packet loss"), "ping {args:?}:\n{t}");
    t
}

/// An IPv4 datagram in an Ethernet frame.
struct Ip<'a> {
    protocol: u8,
    fragment: bool,
    payload: &'a [u8],
}

fn ipv4(frame: &[u8]) -> Option<Ip<'_>> {
    if frame.get(12..14)? != [0x08, 0x00] {
        return None;
    }
    let p = unet_ipv4::Packet::new_checked(frame.get(14..)?).ok()?;
    let r = unet_ipv4::Repr::parse(&p).ok()?;
    let header = p.header_len();
    let payload = frame.get(14 + header..14 + header + r.payload_len)?;
    Some(Ip { protocol: r.protocol.0, fragment: r.more_frags || r.frag_offset != 0, payload })
}

#[test]
fn rfc792_kernel_ping_gets_five_replies() {
    if !have_root("rfc792_kernel_ping_gets_five_replies") {
        return;
    }
    let ns = namespace("ping");
    let host = start_host(&ns, &[], false);
    let out = ping(&ns, &["-c", "5", "-i", "0.2"]);
    assert!(out.contains("5 received"), "{out}");
    let [min, avg, max, mdev] = rtt(&out);
    println!("kernel -> unet host over TAP: rtt min/avg/max/mdev = {min}/{avg}/{max}/{mdev} ms");
    let s = host.stop();
    // The readiness ping and these five.
    assert!(s.counter("tx_echo_replies") >= 6, "{}", s.log);
}

#[test]
fn rfc791_3_2_ping_above_the_mtu_fragments_both_ways() {
    if !have_root("rfc791_3_2_ping_above_the_mtu_fragments_both_ways") {
        return;
    }
    let ns = namespace("frag");
    let host = start_host(&ns, &[], true);
    for size in ["3000", "8000"] {
        let out = ping(&ns, &["-c", "3", "-i", "0.2", "-s", size]);
        assert!(out.contains("3 received"), "{out}");
        // ping checks the echoed data byte for byte and reports "wrong data" otherwise.
        assert!(!out.contains("wrong data"), "{out}");
        let [_, avg, _, _] = rtt(&out);
        println!("ping -s {size}: avg rtt {avg} ms");
    }
    // Each 3008-byte ICMP message is 3 fragments at MTU 1500, each 8008-byte one 6: the
    // kernel's requests and unet's replies alike.
    let (s, frames) = host.stop_with_frames();
    let count = |from_unet: bool| {
        frames
            .iter()
            .filter(|(ours, _)| *ours == from_unet)
            .filter_map(|(_, f)| ipv4(f))
            .filter(|ip| ip.protocol == 1 && ip.fragment)
            .count()
    };
    let (kernel_frags, unet_frags) = (count(false), count(true));
    assert_eq!((kernel_frags, unet_frags), (27, 27), "fragments kernel→unet, unet→kernel");
    assert!(frames.iter().all(|(_, f)| f.len() <= 1514), "a frame above the MTU");
    assert_eq!((s.counter("rx_reassembled"), s.counter("tx_fragmented")), (6, 6), "{}", s.log);
}

#[test]
fn rfc826_arping_gets_replies_with_unets_mac() {
    if !have_root("rfc826_arping_gets_replies_with_unets_mac") {
        return;
    }
    let ns = namespace("arping");
    let host = start_host(&ns, &[], false);
    let out = ns.output(&["arping", "-c", "3", "-I", "tap0", UNET_IP]).unwrap();
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    let replies: Vec<&str> = t.lines().filter(|l| l.contains("reply from")).collect();
    assert_eq!(replies.len(), 3, "{t}");
    for r in replies {
        assert!(r.to_ascii_lowercase().contains(UNET_MAC), "{r}");
    }
    // The kernel's neighbour table learned the same MAC.
    let neigh = ns.run(&["ip", "neigh", "show", UNET_IP, "dev", "tap0"]).unwrap();
    assert!(String::from_utf8_lossy(&neigh.stdout).contains(UNET_MAC), "{}", text(&neigh));
    host.stop();
}

/// Sends each size in argv to 192.0.2.2:7 and checks the echo, byte for byte.
const UDP_ECHO_CLIENT: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2.0)
for size in map(int, sys.argv[1:]):
    data = bytes((i * 7 + size) % 256 for i in range(size))
    for attempt in range(3):
        s.sendto(data, ("192.0.2.2", 7))
        try:
            got, peer = s.recvfrom(70000)
        except socket.timeout:
            continue
        break
    else:
        sys.exit("no echo for %d bytes" % size)
    if got != data or peer != ("192.0.2.2", 7):
        sys.exit("bad echo for %d bytes: %d bytes from %s" % (size, len(got), peer))
    print("echoed", size)
"#;

#[test]
fn rfc768_udp_echo_with_socat_and_above_the_mtu() {
    if !have_root("rfc768_udp_echo_with_socat_and_above_the_mtu") {
        return;
    }
    let ns = namespace("udpecho");
    let host = start_host(&ns, &["--udp-echo", "7"], true);
    let out = ns.output(&["sh", "-c", "echo hello | socat -t 1 - UDP:192.0.2.2:7"]).unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n", "{}", text(&out));
    // 1472 fills one frame; 1473 is the first fragmented size; 65507 the largest UDP
    // datagram IPv4 can carry (RFC 791 total length 65535).
    let sizes = ["0", "1", "100", "1472", "1473", "3000", "8000", "20000", "65507"];
    let out = python(&ns, UDP_ECHO_CLIENT, &sizes);
    assert_eq!(out.lines().count(), sizes.len(), "{out}");
    let (s, frames) = host.stop_with_frames();
    let unet_udp_frags = frames
        .iter()
        .filter(|(ours, _)| *ours)
        .filter_map(|(_, f)| ipv4(f))
        .filter(|ip| ip.protocol == 17 && ip.fragment)
        .count();
    assert!(unet_udp_frags >= 2 + 3 + 6 + 14 + 45, "unet sent {unet_udp_frags} UDP fragments");
    assert_eq!(s.counter("udp_bad_checksum"), 0, "{}", s.log);
    assert_eq!(s.counter("rx_udp_delivered"), 1 + sizes.len() as u64, "{}", s.log);
}

/// A connected socket to a closed port: the port unreachable unet sends must surface as
/// ECONNREFUSED. The same to the subnet broadcast must not (no ICMP error about a
/// broadcast, RFC 1122 §4.1.3.1).
const PORT_UNREACHABLE_CLIENT: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2.0)
s.connect(("192.0.2.2", 9))
s.send(b"anyone on the discard port?")
try:
    s.recv(100)
    sys.exit("an answer from a closed port")
except ConnectionRefusedError:
    print("unicast: refused")
except socket.timeout:
    sys.exit("unicast: no port unreachable")
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
b.settimeout(1.0)
b.connect(("192.0.2.255", 9))
b.send(b"broadcast to a closed port")
try:
    b.recv(100)
    sys.exit("broadcast: answered")
except ConnectionRefusedError:
    sys.exit("broadcast: refused (ICMP error about a broadcast)")
except socket.timeout:
    print("broadcast: silence")
"#;

#[test]
fn rfc1122_4_1_3_1_kernel_socket_sees_port_unreachable_but_not_for_broadcast() {
    if !have_root("rfc1122_4_1_3_1_kernel_socket_sees_port_unreachable_but_not_for_broadcast") {
        return;
    }
    let ns = namespace("portunr");
    let host = start_host(&ns, &[], true);
    let out = python(&ns, PORT_UNREACHABLE_CLIENT, &[]);
    assert_eq!(out, "unicast: refused\nbroadcast: silence\n");
    // The capture agrees: one ICMP error from unet, about the unicast datagram.
    let (s, frames) = host.stop_with_frames();
    let errors: Vec<std::net::Ipv4Addr> = frames
        .iter()
        .filter(|(ours, _)| *ours)
        .filter_map(|(_, f)| ipv4(f))
        .filter(|ip| ip.protocol == 1 && ip.payload.first() == Some(&3))
        // The quoted header's destination: bytes 8 + 16..20 of the ICMP message.
        .filter_map(|ip| {
            ip.payload.get(24..28).map(|d| std::net::Ipv4Addr::new(d[0], d[1], d[2], d[3]))
        })
        .collect();
    assert_eq!(errors, vec![std::net::Ipv4Addr::new(192, 0, 2, 2)]);
    assert_eq!(s.counter("udp_no_socket"), 2, "{}", s.log);
    assert_eq!(s.counter("tx_icmp_errors"), 1, "{}", s.log);
}

/// Floods from the kernel side, bounded in count, all to 192.0.2.2 on tap0:
/// UDP datagrams to thousands of closed ports, first and last fragments of thousands of
/// datagrams (raw socket), ARP requests for thousands of other addresses and from
/// thousands of made-up senders (packet socket).
const FLOOD: &str = r#"
import socket, struct, sys, time

def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

started = time.time()
# 1. UDP to 5000 closed ports.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in range(20000, 25000):
    try:
        u.sendto(b"knock knock", ("192.0.2.2", port))
    except OSError:
        pass  # an ICMP error from an earlier datagram surfacing: expected
# 2. 3000 first fragments and 1000 last fragments of UDP datagrams, each a new id.
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
src, dst = socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2")
for ident in range(4000):
    first = ident < 3000
    payload = bytes(1000) if first else bytes(200)
    flags = 0x2000 if first else 125  # MF, or offset 1000 bytes without MF
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, 17, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    r.sendto(hdr + payload, ("192.0.2.2", 0))
# 3. ARP: 2000 requests for addresses that are not unet's, 2000 for unet's from
# made-up senders (192.0.2.3-.202, ten MACs each).
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
p.bind(("tap0", 0))
kmac = open("/sys/class/net/tap0/address").read().strip()
kmac = bytes(int(x, 16) for x in kmac.split(":"))
def arp(sha, spa, tpa):
    eth = b"\xff" * 6 + sha + b"\x08\x06"
    return eth + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, sha, spa, bytes(6), tpa)
for i in range(2000):
    tpa = bytes([198, 51, 100, i % 250 + 1]) if i < 1000 else bytes([203, 0, 113, i % 250 + 1])
    p.send(arp(kmac, src, tpa))
for i in range(2000):
    sha = bytes([0x02, 0x66, 0, 0, i >> 8, i & 0xff])
    p.send(arp(sha, bytes([192, 0, 2, 3 + i % 200]), dst))
print("%.2f" % (time.time() - started))
"#;

#[test]
fn floods_of_ports_fragments_arp_and_pings_leave_unet_host_working() {
    if !have_root("floods_of_ports_fragments_arp_and_pings_leave_unet_host_working") {
        return;
    }
    let ns = namespace("flood");
    // A queue deep enough for the whole flood, so what unet sees is what was sent (the
    // default 1000 frames would make the kernel drop most of it before unet reads it).
    ns.run(&["ip", "link", "set", "tap0", "txqueuelen", "50000"]).unwrap();
    let host = start_host(&ns, &["--udp-echo", "7"], false);
    let rss_before = host.rss_kib();
    let started = Instant::now();
    let secs = python(&ns, FLOOD, &[]);
    // And a ping flood: 2000 requests as fast as replies come (bounded by -w).
    let flood = ns.output(&["ping", "-n", "-q", "-f", "-c", "2000", "-w", "20", UNET_IP]).unwrap();
    let flood = text(&flood);
    let elapsed = started.elapsed();
    println!(
        "floods sent in {}s (python) / {:.1}s total; ping -f: {}",
        secs.trim(),
        elapsed.as_secs_f64(),
        flood.lines().find(|l| l.contains("packet loss")).unwrap_or("?")
    );
    // Still answering, with the same bytes.
    let out = ping(&ns, &["-c", "3", "-i", "0.2"]);
    assert!(out.contains("3 received"), "{out}");
    let out = python(&ns, UDP_ECHO_CLIENT, &["5", "3000"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    let rss_after = host.rss_kib();
    let s = host.stop();
    let kernel_dropped: u64 = String::from_utf8_lossy(
        &ns.run(&["cat", "/sys/class/net/tap0/statistics/tx_dropped"]).unwrap().stdout,
    )
    .trim()
    .parse()
    .unwrap();
    println!("unet host counters after the floods: {:?}", s.counters);
    println!("frames the kernel dropped before unet could read them: {kernel_dropped}");
    // Memory is the stack's fixed storage: the floods may not grow it.
    assert!(rss_after <= rss_before + 1024, "RSS grew from {rss_before} KiB to {rss_after} KiB");
    // Every flooded datagram to a closed port was counted; the ICMP errors answering
    // them were held to the rate limit (burst 10, then one per 100 ms).
    assert!(s.counter("udp_no_socket") + kernel_dropped >= 5000, "{}", s.log);
    let limit = 10 + (elapsed.as_millis() as u64 + 2_000) / 100;
    assert!(
        s.counter("tx_icmp_errors") <= limit,
        "{} errors > {limit}",
        s.counter("tx_icmp_errors")
    );
    assert!(s.counter("icmp_rate_limited") >= 1000, "{}", s.log);
    // Unfinished datagrams were dropped (pool, slots, timeouts), never completed.
    assert!(
        s.counter("ipv4_fragment_dropped") + s.counter("ipv4_reassembly_timeouts") >= 1000,
        "{}",
        s.log
    );
    assert_eq!(s.counter("rx_reassembled"), 1, "only the 3000-byte echo request: {}", s.log);
}

/// Bursts the kernel answers in full: 64 echo requests in flight (`ping -l 64`), 64 UDP
/// datagrams to the echo port, 64 ARP requests for unet's address from 64 senders — all
/// arriving within one wake-up of the host's runner (it reads up to 64 frames at once).
const BURSTS: &str = r#"
import socket, struct, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(0.5)
for i in range(64):
    u.sendto(b"%d" % i, ("192.0.2.2", 7))
got = 0
try:
    while True:
        u.recv(100)
        got += 1
except socket.timeout:
    pass
print("udp", got)
p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
p.bind(("tap0", 0))
frames = []
for i in range(64):
    sha = bytes([0x02, 0x66, 0, 0, 1, i])
    eth = b"\xff" * 6 + sha + b"\x08\x06"
    frames.append(eth + struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, sha,
        bytes([192, 0, 2, 100 + i]), bytes(6), socket.inet_aton("192.0.2.2")))
for f in frames:
    p.send(f)
replies = set()
deadline = time.time() + 1.0
p.settimeout(0.2)
while time.time() < deadline:
    try:
        f = p.recv(100)
    except socket.timeout:
        continue
    if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x02":
        replies.add(f[32:38])
print("arp", len(replies))
"#;

#[test]
fn bursts_of_64_requests_are_all_answered_as_the_kernel_does() {
    if !have_root("bursts_of_64_requests_are_all_answered_as_the_kernel_does") {
        return;
    }
    let ns = namespace("bursts");
    let host = start_host(&ns, &["--udp-echo", "7"], false);
    let out = ns.output(&["ping", "-n", "-q", "-c", "64", "-l", "64", "-W", "1", UNET_IP]).unwrap();
    let pings = text(&out);
    let out = python(&ns, BURSTS, &[]);
    let s = host.stop();
    let received = pings.lines().find(|l| l.contains("received")).unwrap_or("?");
    assert_eq!(
        (received.contains(" 64 received"), out.as_str()),
        (true, "udp 64\narp 64\n"),
        "{received}\n{}",
        s.log
    );
}

#[test]
fn rfc791_largest_ping_answered_as_the_kernel_does() {
    if !have_root("rfc791_largest_ping_answered_as_the_kernel_does") {
        return;
    }
    let ns = namespace("bigping");
    let host = start_host(&ns, &[], false);
    let out = ns.output(&["ping", "-n", "-c", "1", "-W", "2", "-s", "65507", UNET_IP]).unwrap();
    let s = host.stop();
    assert!(text(&out).contains("1 received"), "{}\n{}", text(&out), s.log);
}
