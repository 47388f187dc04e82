//! The receive path: a frame is parsed in place and each layer hands the next one a
//! sub-slice (DESIGN.md §4); nothing is copied until it reaches the place it must live (a
//! socket buffer, the reassembly pool, the ICMP reply queue).

use core::net::Ipv4Addr;

use unet_core::{Instant, IpProtocol, WireError};
use unet_ethernet::{EtherType, EthernetAddress, Frame};
use unet_ipv4::icmp::Unreachable;
use unet_ipv4::options::{Ipv4Option, Options};
use unet_ipv4::reassembly::Reassembler;
use unet_ipv4::route::is_broadcast_for;

use crate::counters::bump;
use crate::stack::Core;

/// How a datagram was addressed to us (RFC 1122 §3.2.1.3, §3.3.6, RFC 1112 §6.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dst {
    /// Our unicast address.
    Unicast,
    /// Limited broadcast, or our subnet's directed broadcast.
    Broadcast,
    /// A multicast group we belong to (224.0.0.1 always).
    Multicast,
}

/// One received IPv4 datagram, as the protocol handlers see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Datagram<'p> {
    pub repr: unet_ipv4::Repr<'p>,
    /// The whole datagram, header included (for ICMP error quotes).
    pub bytes: &'p [u8],
    pub payload: &'p [u8],
    pub dst: Dst,
    /// The frame was sent to a link-layer broadcast or multicast address (RFC 1122
    /// §3.2.2: no ICMP error about it).
    pub link_multicast: bool,
}

impl Core<'_> {
    /// Ethernet (IEEE 802.3 / RFC 894): accept, count and hand on.
    pub(crate) fn receive_frame(
        &mut self,
        reassembly: &mut Reassembler<'_>,
        now: Instant,
        frame: &[u8],
    ) {
        bump(&mut self.counters.rx_frames);
        let Ok(frame) = Frame::new_checked(frame) else {
            return bump(&mut self.counters.eth_malformed);
        };
        let dst = frame.dst_addr();
        if !self.accepts_mac(dst) {
            return bump(if dst.is_multicast() {
                &mut self.counters.eth_multicast_not_joined
            } else {
                &mut self.counters.eth_not_for_us
            });
        }
        if frame.src_addr() == self.config.mac {
            return bump(&mut self.counters.eth_own_source);
        }
        if frame.tag_count() != 0 {
            return bump(&mut self.counters.eth_vlan_tagged);
        }
        match frame.ethertype() {
            EtherType::ARP => self.receive_arp(now, frame.payload()),
            EtherType::IPV4 => {
                self.receive_ipv4(reassembly, now, frame.payload(), dst.is_multicast())
            }
            _ => bump(&mut self.counters.eth_unknown_ethertype),
        }
    }

    /// ARP (RFC 826): to the neighbour cache (replies, merges) and to conflict detection.
    fn receive_arp(&mut self, now: Instant, bytes: &[u8]) {
        let parsed = unet_arp::Packet::new_checked(bytes).and_then(|p| unet_arp::Repr::parse(&p));
        let Ok(repr) = parsed else {
            return bump(&mut self.counters.arp_malformed);
        };
        self.link.acd.handle_arp(now, &repr);
        self.link.arp_touched();
        if self.link.cache.handle_arp(now, &repr).is_err() {
            bump(&mut self.counters.arp_rejected);
        }
    }

    /// RFC 1112 §6.4: our MAC, broadcast, and the MACs of the groups we joined.
    fn accepts_mac(&self, dst: EthernetAddress) -> bool {
        if dst == self.config.mac || dst.is_broadcast() {
            return true;
        }
        if !dst.is_multicast() {
            return false;
        }
        let all_hosts =
            EthernetAddress::from_ipv4_multicast(unet_ipv4::igmp::membership::ALL_SYSTEMS);
        dst == all_hosts
            || self.igmp.groups().any(|g| EthernetAddress::from_ipv4_multicast(g) == dst)
    }

    fn receive_ipv4(
        &mut self,
        reassembly: &mut Reassembler<'_>,
        now: Instant,
        bytes: &[u8],
        link_multicast: bool,
    ) {
        let packet = match unet_ipv4::Packet::new_checked(bytes) {
            Ok(p) => p,
            Err(e) => return self.count_ipv4_error(e),
        };
        let repr = match unet_ipv4::Repr::parse(&packet) {
            Ok(r) => r,
            Err(e) => return self.count_ipv4_error(e),
        };
        if !self.valid_source(&repr) {
            return;
        }
        let Some(dst) = self.classify(repr.dst) else {
            return bump(if repr.dst.is_multicast() {
                &mut self.counters.ipv4_multicast_not_joined
            } else {
                &mut self.counters.ipv4_not_for_us
            });
        };
        // RFC 1122 §3.3.6: "A host SHOULD silently discard a datagram that is received via
        // a link-layer broadcast but does not specify an IP multicast or broadcast
        // destination address" (likewise for link-layer multicast).
        if link_multicast && dst == Dst::Unicast {
            return bump(&mut self.counters.ipv4_unicast_in_link_broadcast);
        }
        // Total Length may be shorter than the frame (Ethernet padding): cut there.
        let len = repr.buffer_len().min(packet.as_slice().len());
        let bytes = packet.as_slice().get(..len).unwrap_or(&[]);
        let payload = packet.payload();
        // Options are processed before reassembly (RFC 1122 §3.2.1.8 c): a source route
        // is copied into every fragment.
        if source_route_incomplete(repr.options) {
            bump(&mut self.counters.ipv4_source_route_failed);
            let d = Datagram { repr, bytes, payload, dst, link_multicast };
            return self.send_unreachable(now, &d, Unreachable::SOURCE_ROUTE_FAILED);
        }
        #[cfg(not(feature = "ipv4-reassembly"))]
        if repr.is_fragment() {
            // Built without reassembly: a fragment is dropped (and counted).
            let _ = reassembly;
            return bump(&mut self.counters.ipv4_fragment_dropped);
        }
        #[cfg(feature = "ipv4-reassembly")]
        if repr.is_fragment() {
            // Refusals are counted in the reassembler's statistics.
            if let Ok(Some(done)) = reassembly.handle_fragment(now, &repr, payload) {
                bump(&mut self.counters.rx_reassembled);
                let d = Datagram {
                    repr: done.repr(),
                    bytes: done.datagram(),
                    payload: done.payload(),
                    dst,
                    link_multicast,
                };
                self.deliver(now, &d);
            }
            return;
        }
        let d = Datagram { repr, bytes, payload, dst, link_multicast };
        self.deliver(now, &d);
    }

    fn count_ipv4_error(&mut self, e: WireError) {
        bump(match e {
            WireError::BadVersion => &mut self.counters.ipv4_bad_version,
            WireError::BadChecksum => &mut self.counters.ipv4_bad_checksum,
            _ => &mut self.counters.ipv4_malformed,
        })
    }

    /// RFC 1122 §3.2.1.3: "A host MUST silently discard an incoming datagram containing an
    /// IP source address that is invalid": broadcast (limited or ours), multicast,
    /// loopback ("MUST NOT appear outside a host"), `{0, Host}`, class E — and our own
    /// address, which no other host may use (a spoof, or an address conflict that RFC
    /// 5227 handles through ARP; Linux drops these too). `0.0.0.0` is
    /// what a host uses before it knows its address (§3.2.1.3 a): accepted towards the
    /// limited broadcast (DHCP), link-local multicast and in IGMP, as Linux does.
    fn valid_source(&mut self, repr: &unet_ipv4::Repr<'_>) -> bool {
        let src = repr.src;
        if src.is_unspecified() {
            let dst = repr.dst;
            let link_local_group = dst.octets()[..3] == [224, 0, 0];
            let allowed =
                dst.is_broadcast() || link_local_group || repr.protocol == IpProtocol::IGMP;
            if !allowed {
                bump(&mut self.counters.ipv4_unspecified_source);
            }
            return allowed;
        }
        let invalid = src.is_broadcast()
            || src.is_multicast()
            || src.is_loopback()
            || src.octets()[0] == 0
            || src.octets()[0] >= 240
            || self.is_broadcast(src)
            || Some(src) == self.usable_addr();
        if invalid {
            bump(&mut self.counters.ipv4_bad_source);
        }
        !invalid
    }

    /// Broadcast for our configuration (limited, or our subnet's directed broadcast).
    pub(crate) fn is_broadcast(&self, addr: Ipv4Addr) -> bool {
        addr.is_broadcast() || self.config.ipv4.is_some_and(|c| is_broadcast_for(addr, c))
    }

    /// Is `dst` ours? No forwarding: anything else is "not for us" (RFC 1122 §3.3.1).
    pub(crate) fn classify(&self, dst: Ipv4Addr) -> Option<Dst> {
        if self.usable_addr() == Some(dst) {
            return Some(Dst::Unicast);
        }
        // RFC 1122 §3.3.6: the obsolete all-zeros forms are broadcasts too ({Net, 0} is
        // in `is_broadcast`; 0.0.0.0 here, as a destination only).
        if self.is_broadcast(dst) || dst.is_unspecified() {
            return Some(Dst::Broadcast);
        }
        if dst.is_multicast()
            && (dst == unet_ipv4::igmp::membership::ALL_SYSTEMS || self.igmp.is_member(dst))
        {
            return Some(Dst::Multicast);
        }
        None
    }

    /// Local delivery by protocol (RFC 1122 §3.2.1.8 ... §3.2.2.1).
    fn deliver(&mut self, now: Instant, d: &Datagram<'_>) {
        bump(&mut self.counters.rx_ipv4_delivered);
        match d.repr.protocol {
            IpProtocol::ICMP => self.receive_icmp(now, d),
            IpProtocol::IGMP => self.receive_igmp(now, d),
            IpProtocol::UDP => self.receive_udp(now, d),
            IpProtocol::TCP => self.receive_tcp(now, d),
            _ => {
                bump(&mut self.counters.ipv4_unknown_protocol);
                // RFC 1122 §3.2.2.1: a host SHOULD send protocol unreachable.
                self.send_unreachable(now, d, Unreachable::PROTOCOL);
            }
        }
    }
}

/// A Loose or Strict Source Route whose pointer has not passed its end (RFC 791): the
/// datagram is only passing through this host on its way to a later hop.
fn source_route_incomplete(options: &[u8]) -> bool {
    Options::new(options).map_while(Result::ok).any(|o| match o {
        Ipv4Option::LooseSourceRoute { pointer, route }
        | Ipv4Option::StrictSourceRoute { pointer, route } => {
            usize::from(pointer) <= route.len().saturating_add(3)
        }
        _ => false,
    })
}
