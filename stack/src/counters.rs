//! Counters: one for every reason the stack drops (or declines to answer) a packet, plus
//! a few totals (DESIGN.md §7: "malformed input is counted and dropped").
//!
//! Every counter is a saturating `u64`. [`Counters`] prints as `name=value` pairs for
//! the non-zero counters (`{}`), or every counter on its own line (`{:#}`).

use core::fmt;

macro_rules! counters {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Packet totals and drop reasons. Read them with [`Stack::counters`](crate::Stack::counters).
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Counters {
            $($(#[$doc])* pub $name: u64,)*
        }

        impl Counters {
            /// Every counter as `(name, value)`, in declaration order.
            pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
                [$((stringify!($name), self.$name),)*].into_iter()
            }
        }
    };
}

counters! {
    // --- totals ---
    /// Frames handed to [`handle_frame`](unet_core::FrameMachine::handle_frame).
    rx_frames,
    /// Frames written by [`poll_transmit`](unet_core::FrameMachine::poll_transmit).
    tx_frames,
    /// IPv4 datagrams delivered locally (after reassembly).
    rx_ipv4_delivered,
    /// UDP datagrams queued into a socket's receive buffer.
    rx_udp_delivered,
    /// UDP datagrams sent (before fragmentation).
    tx_udp,
    /// ICMP echo replies sent.
    tx_echo_replies,
    /// ICMP error messages sent.
    tx_icmp_errors,
    /// Datagrams sent as more than one fragment.
    tx_fragmented,
    /// Datagrams completed by reassembly.
    rx_reassembled,

    // --- Ethernet ---
    /// Ethernet frame shorter than its header or with an impossible 802.3 length.
    eth_malformed,
    /// Destination MAC is neither ours nor broadcast (nor multicast).
    eth_not_for_us,
    /// Destination MAC is a multicast address of no group we joined (RFC 1112 §6.4).
    eth_multicast_not_joined,
    /// Our own MAC as the source: a looped-back frame.
    eth_own_source,
    /// VLAN-tagged frame (this host is not configured for VLANs).
    eth_vlan_tagged,
    /// EtherType other than IPv4 and ARP (IPv6 included, for now).
    eth_unknown_ethertype,

    // --- ARP ---
    /// ARP packet that is truncated or not Ethernet/IPv4.
    arp_malformed,
    /// ARP packet refused by the neighbour cache (bad sender address, unknown operation).
    arp_rejected,
    /// ARP reply to a request for us dropped because the ARP output queue was full.
    arp_reply_queue_full,
    /// ARP requests held back by the global request rate limit (each is retried).
    arp_requests_rate_limited,
    /// An ARP packet claimed one of our addresses (RFC 5227 conflict).
    arp_conflicts,

    // --- IPv4 ---
    /// IPv4 header truncated, IHL below 5, total length beyond the frame, bad options.
    ipv4_malformed,
    /// Version field other than 4 (RFC 791 §3.1).
    ipv4_bad_version,
    /// Header checksum mismatch (RFC 791 §3.1, RFC 1122 §3.2.1.2).
    ipv4_bad_checksum,
    /// Source address is broadcast, multicast, loopback, `{0, Host}`, class E or our own
    /// (RFC 1122 §3.2.1.3: silently discarded).
    ipv4_bad_source,
    /// Destination is none of ours: this host does not forward (RFC 1122 §3.3.1).
    ipv4_not_for_us,
    /// Destination is a multicast group we did not join (its MAC is shared with a joined
    /// group's: 32 groups map to each MAC, RFC 1112 §6.4).
    ipv4_multicast_not_joined,
    /// Unicast IP destination in a link-layer broadcast or multicast frame (RFC 1122
    /// §3.3.6: "SHOULD silently discard").
    ipv4_unicast_in_link_broadcast,
    /// Source address 0.0.0.0 outside the cases it is allowed: a host learning its address
    /// may use it (RFC 1122 §3.2.1.3 a), so it is accepted only towards the limited
    /// broadcast (DHCP), link-local multicast, or in IGMP (RFC 3376 §4.2.13), as Linux does.
    ipv4_unspecified_source,
    /// An option in error (room for part of an entry only, a timestamp overflow count
    /// overflowing; RFC 791): the datagram is discarded, answered with Parameter Problem.
    ipv4_option_error,
    /// A source-routed datagram this host cannot serve: its route is not complete (this
    /// host does not forward; answered with "source route failed", RFC 1122 §3.3.5), or the
    /// reversed strict route of an echo reply starts off-link.
    ipv4_source_route_failed,
    /// Fragment refused or discarded by reassembly (pool full, overlap, too big,
    /// timeout); see the reassembly counters for detail.
    ipv4_fragment_dropped,
    /// Reassembly gave up on a datagram when its timer expired (RFC 791 §3.2,
    /// RFC 1122 §3.3.2).
    ipv4_reassembly_timeouts,
    /// Payload protocol we do not speak (answered with protocol unreachable when the
    /// rules allow, RFC 1122 §3.2.2.1).
    ipv4_unknown_protocol,

    // --- ICMP ---
    /// ICMP message with a bad checksum or a malformed body.
    icmp_malformed,
    /// Echo request to a broadcast or multicast address, ignored as RFC 1122 §3.2.2.6
    /// permits (see `Config::answer_broadcast_echo`).
    icmp_broadcast_echo_ignored,
    /// ICMP message of a type the host does not act upon (timestamp, redirect, router
    /// discovery…), or an echo reply nobody asked for.
    icmp_ignored,
    /// ICMP error that quotes no datagram of ours a socket could be told about.
    icmp_error_unmatched,
    /// ICMP error not sent because the rate limiter said no (RFC 1812 §4.3.2.8).
    icmp_rate_limited,
    /// ICMP error not sent because RFC 1122 §3.2.2 forbids it (about an ICMP error,
    /// a broadcast/multicast datagram or source, a non-first fragment).
    icmp_error_suppressed,
    /// ICMP reply or error not sent because the reply queue was full.
    icmp_queue_full,

    // --- IGMP ---
    /// IGMP message with a bad checksum or malformed body.
    igmp_malformed,
    /// IGMP message a host does not act upon (leave, version 3 report, DVMRP…; every
    /// message when built without the `igmp` feature).
    igmp_ignored,

    // --- UDP ---
    /// UDP datagram truncated, or its length field disagrees with the IP payload.
    udp_malformed,
    /// UDP checksum mismatch (RFC 1122 §4.1.3.4).
    udp_bad_checksum,
    /// No socket for the destination port (answered with port unreachable when the
    /// rules allow, RFC 1122 §4.1.3.1).
    udp_no_socket,
    /// The socket's receive buffer was full.
    udp_socket_full,

    // --- TCP ---
    /// TCP segments received (before any check).
    tcp_segments_in,
    /// TCP segments sent (connections, listeners and the stack's RSTs).
    tcp_segments_out,
    /// RSTs sent for segments that reached no socket (RFC 9293 §3.10.7.1).
    tcp_rsts_sent,
    /// Connections opened by `tcp_connect`.
    tcp_connects,
    /// Connections made by listeners (handshakes completed).
    tcp_accepted,
    /// TIME-WAIT connections whose slot was taken by a new connection because every slot
    /// was busy (the oldest TIME-WAIT first).
    tcp_time_wait_recycled,
    /// TCP segment shorter than its header or with bad options.
    tcp_malformed,
    /// TCP checksum mismatch (RFC 9293 §3.1): dropped before anything else looks at it.
    tcp_bad_checksum,
    /// TCP segment to a broadcast or multicast address (RFC 1122 §4.2.3.10: TCP is
    /// unicast; no RST either).
    tcp_not_unicast,
    /// TCP segment for no connection and no listener (answered with a RST unless it is
    /// one, RFC 9293 §3.10.7.1). A connection that is CLOSED but whose handle the
    /// application still holds counts as none: after the peer's abort, the RSTs answering
    /// our segments that were still in flight land here.
    tcp_no_socket,
    /// RST for a segment to no socket not sent: the rate limit said no.
    tcp_rst_rate_limited,
    /// A connection's segment it did not accept (unacceptable, PAWS, challenge ACK…: the
    /// connection's own counters say which). A few are normal on a healthy connection,
    /// each answered as RFC 9293 §3.10.7.4 says: a duplicate of data already received
    /// (after a lost ACK, a spurious retransmission, or RFC 6675's rescue retransmission:
    /// a duplicate ACK with a D-SACK, RFC 2883), the peer's FIN again in TIME-WAIT (our
    /// ACK of it was lost: ACKed again), and after the peer closes at once, its RSTs that
    /// answer our segments sent before its FIN arrived (their sequence number is the
    /// FIN's, RCV.NXT - 1, outside the window: dropped, RFC 5961 §3.2; Linux's RST
    /// answering our ACK of the FIN carries RCV.NXT and ends the connection).
    tcp_segment_rejected,
    /// Segment to a listening port the listener dropped (RST to it, no SYN nor ACK, SYN
    /// queue full without cookies, its rate limits…: the listener's counters say which).
    tcp_listener_dropped,
    /// Handshake-completing ACK dropped: no connection slot free (nor in TIME-WAIT).
    tcp_no_connection_slot,
    /// Handshake-completing ACK dropped: the listener's accept backlog is full.
    tcp_accept_backlog_full,
    /// A segment the stack had to send (RST, SYN-ACK, listener ACK) found its queue full.
    tcp_control_queue_full,
    /// ICMP error about a TCP segment ignored after RFC 5927's checks (its sequence
    /// number is not in flight, or no half-open entry has it).
    tcp_icmp_ignored,

    // --- transmit ---
    /// Outgoing packet dropped because its next hop did not answer ARP.
    tx_neighbor_failed,
    /// Outgoing packet dropped from the queue of packets waiting for ARP: longer than its
    /// pool, pushed out by newer packets (RFC 1122 §2.3.2.2 keeps the latest), or waited
    /// too long (see [`unet_arp::PendingQueue`]).
    tx_pending_dropped,
    /// Outgoing datagram dropped: every neighbour cache slot is busy resolving.
    tx_neighbor_table_full,
    /// Outgoing datagram dropped: no IPv4 address configured, or no route (off-link
    /// destination and no gateway).
    tx_no_route,
    /// Outgoing datagram too big to fragment (beyond the fragmentation buffer or 65535).
    tx_too_big,
    /// `poll_transmit` was given a buffer too small for the next frame; it was dropped.
    tx_buffer_too_small,
    /// Multicast datagram from a socket whose multicast hop limit is 0 (this host only):
    /// not sent (RFC 1122 §3.2.1.7: never TTL 0) and not looped back.
    tx_multicast_host_only,

    // --- events ---
    /// Events discarded because the application did not drain `poll_event` (oldest
    /// dropped first).
    events_dropped,
}

impl Counters {
    /// Sum of every drop counter (every field except the totals at the top).
    pub fn dropped(&self) -> u64 {
        self.iter()
            .filter(|(name, _)| !is_total(name))
            .fold(0u64, |acc, (_, v)| acc.saturating_add(v))
    }
}

fn is_total(name: &str) -> bool {
    matches!(
        name,
        "rx_frames"
            | "tx_frames"
            | "rx_ipv4_delivered"
            | "rx_udp_delivered"
            | "tx_udp"
            | "tx_echo_replies"
            | "tx_icmp_errors"
            | "tx_fragmented"
            | "rx_reassembled"
            | "tcp_segments_in"
            | "tcp_segments_out"
            | "tcp_rsts_sent"
            | "tcp_connects"
            | "tcp_accepted"
            | "tcp_time_wait_recycled"
    )
}

/// Adds one, saturating.
pub(crate) fn bump(c: &mut u64) {
    *c = c.saturating_add(1);
}

/// `rx_frames=12 tx_frames=9 eth_not_for_us=3` (non-zero counters only), or with `{:#}`
/// every counter, one `name value` per line.
impl fmt::Display for Counters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            for (name, value) in self.iter() {
                writeln!(f, "{name:<28} {value}")?;
            }
            return Ok(());
        }
        let mut first = true;
        for (name, value) in self.iter().filter(|(_, v)| *v != 0) {
            if !first {
                f.write_str(" ")?;
            }
            first = false;
            write!(f, "{name}={value}")?;
        }
        if first {
            f.write_str("(all zero)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;

    #[test]
    fn display_lists_non_zero_counters() {
        let mut c = Counters::default();
        assert_eq!(format!("{c}"), "(all zero)");
        c.rx_frames = 3;
        c.eth_not_for_us = 2;
        bump(&mut c.udp_no_socket);
        assert_eq!(format!("{c}"), "rx_frames=3 eth_not_for_us=2 udp_no_socket=1");
        assert_eq!(c.dropped(), 3);
        let all = format!("{c:#}");
        assert_eq!(all.lines().count(), c.iter().count());
        assert!(all.contains("ipv4_bad_checksum            0"));
    }

    #[test]
    fn bump_saturates() {
        let mut v = u64::MAX;
        bump(&mut v);
        assert_eq!(v, u64::MAX);
    }
}
