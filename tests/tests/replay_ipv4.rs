//! Replays of the corpus captures into a unet `Stack` (unet-tests' replay harness): the
//! stack plays the answering side of a capture and its replies are compared with the
//! recorded ones, or checked against the RFCs' rules, and it stays silent when nothing in a
//! capture is addressed to it.
//!
//! The stacks are configured with the capture's own addresses (unet takes the place of a
//! host that was recorded), with RFC 5227 probing off so that the address is usable at once
//! and announced (those announcements are the only frames a stack may send unprompted).

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;
use std::path::Path;

use unet_core::{Duration, FrameMachine, Instant, IpProtocol};
use unet_ethernet::{EtherType, EthernetAddress, Frame, VlanTags};
use unet_ipv4::route::Ipv4Cidr;
use unet_netif::pcap::{CapturedFrame, LinkType};
use unet_stack::{Config, Stack, Storage};
use unet_tests::replay::{replay, Replay, Sent};
use unet_tests::{corpus_dir, corpus_files, file_name, read_frames};

const START: Instant = Instant::from_secs(1_000);
const LINGER: Duration = Duration::from_secs(30);

/// A frame, decoded as far as these checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Msg {
    Arp {
        eth: unet_ethernet::Repr,
        arp: unet_arp::Repr,
    },
    Echo {
        eth: unet_ethernet::Repr,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        request: bool,
        ident: u16,
        seq: u16,
        data: Vec<u8>,
    },
    /// Any other IPv4 datagram (fragments included).
    Ipv4 {
        eth: unet_ethernet::Repr,
        src: Ipv4Addr,
        dst: Ipv4Addr,
        protocol: IpProtocol,
        summary: String,
    },
    Other,
}

fn decode(frame: &[u8]) -> Msg {
    let Ok(f) = Frame::new_checked(frame) else { return Msg::Other };
    let Ok(eth) = unet_ethernet::Repr::parse(&f) else { return Msg::Other };
    let payload = f.payload();
    if eth.ethertype == EtherType::ARP {
        return match unet_arp::Packet::new_checked(payload).and_then(|p| unet_arp::Repr::parse(&p))
        {
            Ok(arp) => Msg::Arp { eth, arp },
            Err(_) => Msg::Other,
        };
    }
    if eth.ethertype != EtherType::IPV4 {
        return Msg::Other;
    }
    let Ok(p) = unet_ipv4::Packet::new_checked(payload) else { return Msg::Other };
    let Ok(ip) = unet_ipv4::Repr::parse(&p) else { return Msg::Other };
    let fragment = ip.more_frags || ip.frag_offset != 0;
    if ip.protocol == IpProtocol::ICMP && !fragment {
        if let Ok(icmp) = unet_ipv4::icmp::Packet::new_checked(p.payload()).and_then(|ip| {
            unet_ipv4::icmp::Repr::parse(&ip).map(|r| (r, format!("{}", ip.msg_type())))
        }) {
            use unet_ipv4::icmp::Repr as R;
            let (request, ident, seq, data) = match icmp.0 {
                R::EchoRequest { ident, seq_no, data } => (true, ident, seq_no, data),
                R::EchoReply { ident, seq_no, data } => (false, ident, seq_no, data),
                other => {
                    return Msg::Ipv4 {
                        eth,
                        src: ip.src,
                        dst: ip.dst,
                        protocol: ip.protocol,
                        summary: format!("ICMP {other:?}"),
                    }
                }
            };
            return Msg::Echo {
                eth,
                src: ip.src,
                dst: ip.dst,
                request,
                ident,
                seq,
                data: data.to_vec(),
            };
        }
    }
    Msg::Ipv4 { eth, src: ip.src, dst: ip.dst, protocol: ip.protocol, summary: format!("{ip}") }
}

/// A host unet stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Identity {
    ip: Ipv4Addr,
    mac: EthernetAddress,
    prefix: u8,
}

fn stack(id: Identity) -> Stack<'static> {
    let cidr = Ipv4Cidr::new(id.ip, id.prefix).unwrap();
    let mut config = Config::new(id.mac).with_ipv4(cidr);
    config.acd = false;
    config.seed = 7;
    Stack::new(config, Storage::with_defaults(), START)
}

/// A stack with the peers of a capture around it: when the stack asks ARP for an address
/// the capture shows a MAC for, the answer is fed back at once (the recorded host would
/// have given it), so replies waiting for resolution leave.
struct WithPeers {
    stack: Stack<'static>,
    peers: BTreeMap<Ipv4Addr, EthernetAddress>,
    asked: Vec<Ipv4Addr>,
}

impl FrameMachine for WithPeers {
    fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        self.stack.handle_frame(now, frame);
    }
    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        let n = self.stack.poll_transmit(now, buf)?;
        if let Msg::Arp { arp, .. } = decode(&buf[..n]) {
            let ask = arp.target_protocol_addr;
            let peer = self.peers.get(&ask).copied();
            if let (unet_arp::Operation::REQUEST, Some(mac)) = (arp.operation, peer) {
                self.asked.push(ask);
                let reply = unet_arp::Repr {
                    operation: unet_arp::Operation::REPLY,
                    source_hardware_addr: mac,
                    source_protocol_addr: ask,
                    target_hardware_addr: arp.source_hardware_addr,
                    target_protocol_addr: arp.source_protocol_addr,
                };
                self.stack.handle_frame(now, &arp_frame(mac, arp.source_hardware_addr, &reply));
            }
        }
        Some(n)
    }
    fn poll_timeout(&self) -> Option<Instant> {
        self.stack.poll_timeout()
    }
    fn handle_timeout(&mut self, now: Instant) {
        self.stack.handle_timeout(now);
    }
}

fn arp_frame(src: EthernetAddress, dst: EthernetAddress, arp: &unet_arp::Repr) -> Vec<u8> {
    let mut f = vec![0u8; 14 + unet_arp::Repr::PACKET_LEN];
    let eth = unet_ethernet::Repr {
        src_addr: src,
        dst_addr: dst,
        tags: VlanTags::new(),
        ethertype: EtherType::ARP,
    };
    eth.emit(&mut Frame::new_unchecked(&mut f[..])).unwrap();
    arp.emit(&mut unet_arp::Packet::new_unchecked(&mut f[14..])).unwrap();
    f
}

/// Ethernet captures only (the stack speaks Ethernet); frames a file cannot give are
/// reported by the corpus tests, not here.
fn ethernet_frames(path: &Path) -> Option<Vec<CapturedFrame>> {
    let frames = read_frames(path).ok()?;
    frames.iter().all(|f| f.link_type == LinkType::ETHERNET).then_some(frames)
}

/// The frames a stack sent that are its own announcements (RFC 5227 §2.3: ARP requests
/// with sender and target both our address), which it may send unprompted.
fn is_announcement(msg: &Msg, id: Identity) -> bool {
    matches!(msg, Msg::Arp { arp, .. }
        if arp.operation == unet_arp::Operation::REQUEST
            && arp.source_protocol_addr == id.ip
            && arp.target_protocol_addr == id.ip
            && arp.source_hardware_addr == id.mac)
}

/// Runs a capture through a fresh stack for `id`: every frame not sent by `id.mac` is
/// inbound. The stack's start-up announcements are drained first and not returned.
fn run(
    id: Identity,
    frames: &[CapturedFrame],
    peers: BTreeMap<Ipv4Addr, EthernetAddress>,
) -> (WithPeers, Replay) {
    let mut m = WithPeers { stack: stack(id), peers, asked: Vec::new() };
    let mut buf = vec![0u8; 1514];
    while m.stack.poll_transmit(START, &mut buf).is_some() {}
    let r = replay(
        &mut m,
        frames,
        START,
        LINGER,
        |_, f| !matches!(decode(&f.data), Msg::Arp { eth, .. } | Msg::Echo { eth, .. } | Msg::Ipv4 { eth, .. } if eth.src_addr == id.mac),
    );
    (m, r)
}

fn describe(sent: &Sent) -> String {
    format!(
        "after frame {:?} at {}: {:?}",
        sent.after_frame.map(|i| i + 1),
        sent.at,
        decode(&sent.bytes)
    )
}

#[test]
fn rfc826_arp_replies_match_the_recorded_ones() {
    // tcpdump-dhcp-rfc4388.pcap: 10.40.2.3 (a6:82:…) asks a router, 10.40.1.1
    // (74:83:ef:07:d0:a9), for its address six times, unicast (RFC 1122 §2.3.2.1 refresh)
    // and broadcast; the router's replies are recorded. unet plays the router.
    let frames = read_frames(&corpus_dir().join("tcpdump-dhcp-rfc4388.pcap")).unwrap();
    let id = Identity {
        ip: Ipv4Addr::new(10, 40, 1, 1),
        mac: EthernetAddress([0x74, 0x83, 0xef, 0x07, 0xd0, 0xa9]),
        prefix: 16,
    };
    let (m, r) = run(id, &frames, BTreeMap::new());
    let recorded: Vec<(usize, usize)> = frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match decode(&f.data) {
            Msg::Arp { eth, arp }
                if eth.src_addr == id.mac && arp.operation == unet_arp::Operation::REPLY =>
            {
                Some((i - 1, i))
            }
            _ => None,
        })
        .collect();
    assert_eq!(recorded.len(), 6, "the capture holds six ARP exchanges");
    let mut ours: Vec<&Sent> =
        r.sent.iter().filter(|s| !is_announcement(&decode(&s.bytes), id)).collect();
    for &(request, reply) in &recorded {
        let pos = ours
            .iter()
            .position(|s| s.after_frame == Some(request))
            .unwrap_or_else(|| panic!("no reply to frame {}", request + 1));
        let sent = ours.remove(pos);
        let (Msg::Arp { eth: e1, arp: a1 }, Msg::Arp { eth: e2, arp: a2 }) =
            (decode(&sent.bytes), decode(&frames[reply].data))
        else {
            panic!("not ARP: {}", describe(sent));
        };
        assert_eq!((e1, a1), (e2, a2), "frame {}", reply + 1);
        // Same time as the request: answered at once, as the recorded router did.
        let asked_at = START + Duration::from(frames[request].timestamp - frames[0].timestamp);
        assert_eq!(sent.at, asked_at);
    }
    // The echo requests to 10.30.4.4 and the DHCP relay traffic reach our MAC but not our
    // address: a host does not forward (RFC 1122 §3.3.1) and says nothing.
    assert!(
        ours.is_empty(),
        "unexpected frames: {:#?}",
        ours.iter().map(|s| describe(s)).collect::<Vec<_>>()
    );
    let c = m.stack.counters();
    assert!(c.ipv4_not_for_us >= 20, "{c}");
    assert_eq!((c.tx_icmp_errors, c.tx_echo_replies), (0, 0), "{c}");
}

/// What the capture asks of a host: ARP requests for its address and echo requests to it.
#[derive(Debug, Default)]
struct Asked {
    arp: Vec<usize>,
    echo: Vec<usize>,
    /// Requesters' addresses, to choose a prefix that puts them on-link.
    requesters: BTreeSet<Ipv4Addr>,
}

/// Every (address, MAC) a capture's requests are addressed to, with the requests.
fn identities(frames: &[CapturedFrame]) -> BTreeMap<Ipv4Addr, (Option<EthernetAddress>, Asked)> {
    let mut out: BTreeMap<Ipv4Addr, (Option<EthernetAddress>, Asked)> = BTreeMap::new();
    for (i, f) in frames.iter().enumerate() {
        match decode(&f.data) {
            Msg::Arp { eth, arp }
                if arp.operation == unet_arp::Operation::REQUEST
                    // Probes (sender 0.0.0.0) and announcements (sender = target) are
                    // RFC 5227's business, not a question to answer.
                    && !arp.source_protocol_addr.is_unspecified()
                    && arp.source_protocol_addr != arp.target_protocol_addr
                    && usable_unicast(arp.target_protocol_addr) =>
            {
                let e = out.entry(arp.target_protocol_addr).or_default();
                if eth.dst_addr.is_unicast() {
                    e.0 = Some(eth.dst_addr);
                }
                e.1.arp.push(i);
                e.1.requesters.insert(arp.source_protocol_addr);
            }
            Msg::Arp { eth, arp } if arp.operation == unet_arp::Operation::REPLY => {
                if let Some(e) = out.get_mut(&arp.source_protocol_addr) {
                    e.0 = e.0.or(Some(eth.src_addr));
                }
            }
            Msg::Echo { eth, src, dst, request: true, .. }
                if eth.dst_addr.is_unicast() && usable_unicast(dst) && usable_unicast(src) =>
            {
                let e = out.entry(dst).or_default();
                e.0 = Some(eth.dst_addr);
                e.1.echo.push(i);
                e.1.requesters.insert(src);
            }
            _ => {}
        }
    }
    out
}

fn usable_unicast(a: Ipv4Addr) -> bool {
    !(a.is_unspecified() || a.is_broadcast() || a.is_multicast() || a.is_loopback())
}

/// The longest prefix (at most /24) that puts every requester on-link with `ip`, so the
/// stack answers them directly rather than through a gateway.
fn prefix_for(ip: Ipv4Addr, requesters: &BTreeSet<Ipv4Addr>) -> u8 {
    let common = requesters
        .iter()
        .map(|r| (u32::from(ip) ^ u32::from(*r)).leading_zeros())
        .min()
        .unwrap_or(24);
    common.clamp(1, 24) as u8
}

/// Addresses to MACs, as the capture shows them (ARP senders, IPv4 sources).
fn peers_of(frames: &[CapturedFrame]) -> BTreeMap<Ipv4Addr, EthernetAddress> {
    let mut peers = BTreeMap::new();
    for f in frames {
        match decode(&f.data) {
            Msg::Arp { arp, .. } if usable_unicast(arp.source_protocol_addr) => {
                peers.insert(arp.source_protocol_addr, arp.source_hardware_addr);
            }
            Msg::Echo { eth, src, .. } | Msg::Ipv4 { eth, src, .. } if usable_unicast(src) => {
                peers.entry(src).or_insert(eth.src_addr);
            }
            _ => {}
        }
    }
    peers
}

#[test]
fn rfc826_rfc792_every_request_to_us_in_the_corpus_gets_exactly_one_reply() {
    let mut checked = (0usize, 0usize);
    for path in corpus_files() {
        let Some(frames) = ethernet_frames(&path) else { continue };
        let name = file_name(&path);
        let peers = peers_of(&frames);
        for (ip, (mac, asked)) in identities(&frames) {
            // A host nobody recorded a MAC for gets a locally administered one.
            let mac = mac.unwrap_or(EthernetAddress([0x02, 0x75, 0x6e, 0x65, 0x74, 0x01]));
            let id = Identity { ip, mac, prefix: prefix_for(ip, &asked.requesters) };
            let (m, r) = run(id, &frames, peers.clone());
            let mut sent: Vec<(Msg, &Sent)> = r
                .sent
                .iter()
                .map(|s| (decode(&s.bytes), s))
                .filter(|(msg, _)| !is_announcement(msg, id))
                .collect();
            // RFC 826: one reply per request, to the requester, with our MAC.
            for &i in &asked.arp {
                let Msg::Arp { eth, arp: req } = decode(&frames[i].data) else { unreachable!() };
                let want = unet_arp::Repr {
                    operation: unet_arp::Operation::REPLY,
                    source_hardware_addr: mac,
                    source_protocol_addr: ip,
                    target_hardware_addr: req.source_hardware_addr,
                    target_protocol_addr: req.source_protocol_addr,
                };
                let hits: Vec<usize> = sent
                    .iter()
                    .enumerate()
                    .filter(|(_, (msg, s))| {
                        s.after_frame == Some(i)
                            && matches!(msg, Msg::Arp { eth: e, arp } if *arp == want
                                && e.dst_addr == eth.src_addr && e.src_addr == mac)
                    })
                    .map(|(k, _)| k)
                    .collect();
                assert_eq!(hits.len(), 1, "{name}: ARP request frame {} as {id:?}", i + 1);
                sent.remove(hits[0]);
                checked.0 += 1;
            }
            // RFC 792: one echo reply per request, same identifier, sequence and data, back
            // to the requester's MAC.
            for &i in &asked.echo {
                let Msg::Echo { eth, src, ident, seq, data, .. } = decode(&frames[i].data) else {
                    unreachable!()
                };
                // The first matching reply sent after the request is its answer; any
                // second one is left over and fails the check below.
                let hit = sent.iter().position(|(msg, s)| {
                    s.after_frame.is_some_and(|a| a >= i)
                        && matches!(msg, Msg::Echo { eth: e, src: s2, dst: d2, request: false, ident: id2, seq: sq2, data: d }
                            if *s2 == ip && *d2 == src && *id2 == ident && *sq2 == seq
                                && *d == data && e.dst_addr == eth.src_addr && e.src_addr == mac)
                });
                let listed: Vec<String> = sent.iter().map(|(_, s)| describe(s)).collect();
                let hit = hit.unwrap_or_else(|| {
                    panic!("{name}: echo request frame {} as {id:?} unanswered: {listed:#?}", i + 1)
                });
                sent.remove(hit);
                checked.1 += 1;
            }
            // Resolving the requesters is all else it may do.
            sent.retain(|(msg, _)| {
                !matches!(msg, Msg::Arp { arp, .. } if arp.operation == unet_arp::Operation::REQUEST
                    && m.asked.contains(&arp.target_protocol_addr))
            });
            assert!(
                sent.is_empty(),
                "{name} as {id:?}: unexpected frames {:#?}\ncounters: {}",
                sent.iter().map(|(_, s)| describe(s)).collect::<Vec<_>>(),
                m.stack.counters()
            );
        }
    }
    // tcpdump-dhcp-rfc4388.pcap alone asks six ARP questions and three pings.
    assert!(checked.0 >= 6 && checked.1 >= 3, "checked {checked:?}");
}

/// An address of the capture's first IPv4 /24 that nothing in the capture uses.
fn bystander(frames: &[CapturedFrame]) -> Option<Ipv4Addr> {
    let mut used = BTreeSet::new();
    let mut net = None;
    for f in frames {
        let (a, b) = match decode(&f.data) {
            Msg::Arp { arp, .. } => (arp.source_protocol_addr, arp.target_protocol_addr),
            Msg::Echo { src, dst, .. } | Msg::Ipv4 { src, dst, .. } => (src, dst),
            Msg::Other => continue,
        };
        for x in [a, b] {
            used.insert(x);
            if net.is_none() && usable_unicast(x) {
                net = Some(u32::from(x) & 0xffff_ff00);
            }
        }
    }
    let net = net?;
    (1..255u32).rev().map(|h| Ipv4Addr::from(net | h)).find(|a| !used.contains(a))
}

#[test]
fn rfc1122_stack_stays_silent_on_traffic_not_addressed_to_it() {
    // A bystander on each capture's subnet (so its directed broadcasts are "ours"), with a
    // MAC nobody uses: it hears ARP for others, broadcasts to closed ports (DHCP), IGMP
    // queries for groups it is not in, others' unicast flooded to it — and answers none
    // (RFC 1122 §3.2.2: no ICMP error about a broadcast; §3.3.1: no forwarding).
    let mac = EthernetAddress([0x02, 0x75, 0x6e, 0x65, 0x74, 0x02]);
    let mut files = 0;
    for path in corpus_files() {
        let Some(frames) = ethernet_frames(&path) else { continue };
        let Some(ip) = bystander(&frames) else { continue };
        let id = Identity { ip, mac, prefix: 24 };
        // Every frame, including those not sent to its MAC (as on a hub or a mirror port).
        let mut m = WithPeers { stack: stack(id), peers: BTreeMap::new(), asked: Vec::new() };
        let mut buf = vec![0u8; 1514];
        while m.stack.poll_transmit(START, &mut buf).is_some() {}
        let r = replay(&mut m, &frames, START, LINGER, |_, _| true);
        let noise: Vec<String> = r
            .sent
            .iter()
            .filter(|s| !is_announcement(&decode(&s.bytes), id))
            .map(describe)
            .collect();
        let name = file_name(&path);
        assert!(noise.is_empty(), "{name} as {ip}: {noise:#?}\n{}", m.stack.counters());
        let c = m.stack.counters();
        assert_eq!(c.rx_frames, frames.len() as u64, "{name}");
        assert_eq!((c.tx_echo_replies, c.tx_icmp_errors), (0, 0), "{name}: {c}");
        files += 1;
    }
    assert!(files >= 12, "only {files} Ethernet captures replayed");
}

/// The IGMP message in `frame`, if it is one.
fn igmp<R>(frame: &[u8], f: impl FnOnce(unet_ipv4::igmp::Repr<'_>) -> Option<R>) -> Option<R> {
    let eth = Frame::new_checked(frame).ok()?;
    let p = unet_ipv4::Packet::new_checked(eth.payload()).ok()?;
    let ip = unet_ipv4::Repr::parse(&p).ok()?;
    if ip.protocol != IpProtocol::IGMP {
        return None;
    }
    let igmp = unet_ipv4::igmp::Packet::new_checked(p.payload()).ok()?;
    f(unet_ipv4::igmp::Repr::parse(&igmp).ok()?)
}

/// The group of an IGMPv2 report.
fn igmp_report(frame: &[u8]) -> Option<Ipv4Addr> {
    igmp(frame, |r| match r {
        unet_ipv4::igmp::Repr::ReportV2 { group_addr } => Some(group_addr),
        _ => None,
    })
}

/// The group (unspecified for a General Query) and Max Resp Time of a version 2 query.
fn igmp_query(frame: &[u8]) -> Option<(Ipv4Addr, Duration)> {
    igmp(frame, |r| match r {
        unet_ipv4::igmp::Repr::Query { max_resp_code, group_addr } if max_resp_code > 0 => {
            Some((group_addr, Duration::from_millis(u64::from(max_resp_code) * 100)))
        }
        _ => None,
    })
}

#[test]
fn rfc2236_3_general_query_answered_once_per_group_unless_suppressed() {
    // tcpdump-IGMP_V2.pcap: two general queries two minutes apart (max resp time 10 s),
    // each followed by other hosts' reports for 239.255.255.250 and 225.10.10.10, and
    // group-specific queries (1 s) for 225.1.1.3 and 225.1.1.4. A member of
    // 239.255.255.250, 225.10.10.10 and 225.1.1.4 must report each group a query asks
    // about once at a random delay within its max resp time, unless it heard another
    // member's report for it first (then not at all), whatever its random draws.
    let path = corpus_dir().join("tcpdump-IGMP_V2.pcap");
    let frames = read_frames(&path).unwrap();
    let at = |f: &CapturedFrame| START + Duration::from(f.timestamp - frames[0].timestamp);
    let queries: Vec<(Ipv4Addr, Instant, Instant)> = frames
        .iter()
        .filter_map(|f| igmp_query(&f.data).map(|(g, max)| (g, at(f), at(f) + max)))
        .collect();
    assert_eq!(queries.len(), 4);
    let asks = |q: Ipv4Addr, g: Ipv4Addr| q.is_unspecified() || q == g;
    let others: Vec<(Ipv4Addr, Instant)> =
        frames.iter().filter_map(|f| igmp_report(&f.data).map(|g| (g, at(f)))).collect();
    let groups = [
        Ipv4Addr::new(239, 255, 255, 250),
        Ipv4Addr::new(225, 10, 10, 10),
        Ipv4Addr::new(225, 1, 1, 4),
    ];
    for seed in 1..=20u64 {
        let id = Identity {
            ip: Ipv4Addr::new(192, 168, 1, 200),
            mac: EthernetAddress([0x02, 0x75, 0x6e, 0x65, 0x74, 0x03]),
            prefix: 24,
        };
        let mut config = Config::new(id.mac).with_ipv4(Ipv4Cidr::new(id.ip, id.prefix).unwrap());
        config.acd = false;
        config.seed = seed;
        // Joined a minute before the capture starts, so the unsolicited reports of the
        // joins (RFC 2236 §3) are over when the first query comes.
        let joined = START - Duration::from_secs(60);
        let mut s = Stack::new(config, Storage::with_defaults(), joined);
        for g in groups {
            s.join_multicast(joined, g).unwrap();
        }
        let r = replay(&mut s, &frames, START, LINGER, |_, _| true);
        let reports: Vec<(Ipv4Addr, Instant)> = r
            .sent
            .iter()
            .filter(|x| x.after_frame.is_some())
            .filter_map(|x| igmp_report(&x.bytes).map(|g| (g, x.at)))
            .collect();
        // Queries are the only reason to report once the joins are over.
        let in_windows = reports
            .iter()
            .filter(|(g, t)| queries.iter().any(|(qg, q, w)| asks(*qg, *g) && t >= q && t <= w));
        assert_eq!(in_windows.count(), reports.len(), "seed {seed}: {reports:?}");
        for &(asked, query, window) in &queries {
            for g in groups.into_iter().filter(|g| asks(asked, *g)) {
                let ours: Vec<Instant> = reports
                    .iter()
                    .filter(|(rg, t)| *rg == g && *t >= query && *t <= window)
                    .map(|(_, t)| *t)
                    .collect();
                let heard = others
                    .iter()
                    .find(|(og, t)| *og == g && *t >= query && *t <= window)
                    .map(|(_, t)| *t);
                match (heard, ours.as_slice()) {
                    (None, [_]) | (Some(_), []) => {}
                    (Some(other), [t]) => {
                        assert!(t <= &other, "seed {seed} {g}: ours at {t}, theirs at {other}")
                    }
                    _ => panic!("seed {seed} {g} after the query at {query}: ours at {ours:?}, another member's at {heard:?}"),
                }
            }
        }
    }
}
