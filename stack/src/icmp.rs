//! ICMP (RFC 792) as a host uses it (RFC 1122 §3.2.2): echo replies, errors about what we
//! received (rate limited, never about errors, broadcasts or fragments), errors about what
//! we sent delivered to the socket they concern, and the `ping` API.

use core::net::Ipv4Addr;

use unet_core::{Instant, IpProtocol};
use unet_ipv4::icmp::{self, Original, ParamProblem, ReceivedError, Unreachable};
use unet_udp::icmp::IcmpErrorKind;

use crate::counters::bump;
use crate::echo_options::{reply_options, OptionError};
use crate::rx::{Datagram, Dst};
use crate::stack::Core;
use crate::Event;

/// How many outgoing ICMP messages (replies, errors, echo requests) wait for
/// `poll_transmit`; their bytes share the ICMP buffer of [`Storage`](crate::Storage).
/// A message that finds the queue full is dropped and counted in
/// [`Counters::icmp_queue_full`](crate::Counters::icmp_queue_full).
pub const ICMP_QUEUE_LEN: usize = 16;

/// How many echo requests sent by [`Stack::ping`](crate::Stack::ping) are remembered to
/// measure the round-trip time; the oldest is forgotten first (its reply then comes without
/// an RTT).
pub const PING_TABLE_LEN: usize = 16;

/// RFC 1122 §3.2.2 / RFC 1812 §4.3.2.3: an error quotes as much of the datagram as keeps
/// the error within 576 bytes (576 − 20 IP − 8 ICMP).
const MAX_QUOTE: usize = 548;

/// What waits in the ICMP queue with each message. The queued bytes are the IP options
/// (`options_len` bytes, padded; only echo replies have any) followed by the ICMP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IcmpOut {
    /// The IP destination: the requester, or the first hop of a reversed source route.
    pub dst: Ipv4Addr,
    pub kind: OutKind,
    pub options_len: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OutKind {
    EchoReply,
    EchoRequest,
    Error,
}

/// An echo request we sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PingSent {
    pub dst: Ipv4Addr,
    pub ident: u16,
    pub seq: u16,
    pub at: Instant,
}

/// Why [`Stack::ping`](crate::Stack::ping) could not send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PingError {
    /// No IPv4 address is configured (or it is still being probed).
    NoAddress,
    /// The destination is unspecified.
    Unaddressable,
    /// The ICMP queue has no room now; poll the transmit path and retry.
    QueueFull,
    /// The payload is longer than an IPv4 datagram can carry.
    TooLong,
}

impl core::fmt::Display for PingError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            PingError::NoAddress => "no IPv4 address configured",
            PingError::Unaddressable => "unspecified destination",
            PingError::QueueFull => "ICMP queue full",
            PingError::TooLong => "payload too long",
        })
    }
}

impl core::error::Error for PingError {}

/// The transport's view of an ICMP error (the mapping documented on [`IcmpErrorKind`]).
pub(crate) fn error_kind(repr: &icmp::Repr<'_>) -> Option<IcmpErrorKind> {
    Some(match *repr {
        icmp::Repr::DstUnreachable { code, next_hop_mtu, .. } => match code {
            Unreachable::NET | Unreachable::NET_UNKNOWN => IcmpErrorKind::NetworkUnreachable,
            Unreachable::HOST | Unreachable::HOST_UNKNOWN => IcmpErrorKind::HostUnreachable,
            Unreachable::PROTOCOL => IcmpErrorKind::ProtocolUnreachable,
            Unreachable::PORT => IcmpErrorKind::PortUnreachable,
            Unreachable::FRAG_NEEDED => {
                IcmpErrorKind::MessageTooBig { mtu: u32::from(next_hop_mtu) }
            }
            Unreachable::NET_PROHIBITED
            | Unreachable::HOST_PROHIBITED
            | Unreachable::ADMIN_PROHIBITED => IcmpErrorKind::AdminProhibited,
            c => IcmpErrorKind::Other { icmp_type: 3, code: c.0 },
        },
        icmp::Repr::TimeExceeded { .. } => IcmpErrorKind::TimeExceeded,
        icmp::Repr::ParamProblem { .. } => IcmpErrorKind::ParameterProblem,
        icmp::Repr::SourceQuench { .. } => IcmpErrorKind::Other { icmp_type: 4, code: 0 },
        _ => return None,
    })
}

impl Core<'_> {
    pub(crate) fn receive_icmp(&mut self, now: Instant, d: &Datagram<'_>) {
        let parsed = icmp::Packet::new_checked(d.payload)
            .and_then(|p| icmp::Repr::parse(&icmp::Packet::new_unchecked(p.into_inner())));
        let Ok(repr) = parsed else {
            return bump(&mut self.counters.icmp_malformed);
        };
        match repr {
            icmp::Repr::EchoRequest { ident, seq_no, data } => {
                self.answer_echo(now, d, ident, seq_no, data);
            }
            icmp::Repr::EchoReply { ident, seq_no, data } => {
                self.echo_reply_received(now, d.repr.src, ident, seq_no, data.len());
            }
            _ => match error_kind(&repr) {
                Some(kind) => self.icmp_error_received(now, kind, &repr),
                None => bump(&mut self.counters.icmp_ignored),
            },
        }
    }

    /// RFC 792 / RFC 1122 §3.2.2.6: the reply carries the request's identifier, sequence
    /// number and data; its source is the address the request was sent to, or ours when
    /// that was a broadcast or multicast. Record Route and Timestamp options come back
    /// updated, a completed source route reversed (see [`crate::echo_options`]).
    fn answer_echo(
        &mut self,
        now: Instant,
        d: &Datagram<'_>,
        ident: u16,
        seq_no: u16,
        data: &[u8],
    ) {
        if d.dst != Dst::Unicast && !self.config.answer_broadcast_echo {
            return bump(&mut self.counters.icmp_broadcast_echo_ignored);
        }
        let Some(our) = self.usable_addr().filter(|_| !d.repr.src.is_unspecified()) else {
            // Nobody to answer, or nothing to answer from.
            return bump(&mut self.counters.icmp_ignored);
        };
        let options = match reply_options(d.repr.options, d.repr.src, our, now) {
            Ok(options) => options,
            Err(OptionError::Problem { pointer }) => {
                bump(&mut self.counters.ipv4_option_error);
                return self.send_param_problem(now, d, pointer);
            }
            Err(OptionError::SourceRouteIncomplete) => {
                return bump(&mut self.counters.ipv4_source_route_failed);
            }
        };
        let dst = match options.first_hop {
            // RFC 791: the first hop of a strict route must be on this network.
            Some((hop, true)) if !self.config.ipv4.is_some_and(|c| c.contains(hop)) => {
                return bump(&mut self.counters.ipv4_source_route_failed);
            }
            Some((hop, _)) => hop,
            None => d.repr.src,
        };
        let reply = icmp::Repr::EchoReply { ident, seq_no, data };
        self.queue_icmp(dst, OutKind::EchoReply, options.as_slice(), &reply);
    }

    fn echo_reply_received(
        &mut self,
        now: Instant,
        from: Ipv4Addr,
        ident: u16,
        seq: u16,
        len: usize,
    ) {
        let sent =
            self.pings.iter().position(|p| p.ident == ident && p.seq == seq && p.dst == from);
        let rtt = sent.and_then(|i| self.pings.get(i)).map(|p| now - p.at);
        if let Some(i) = sent {
            self.pings.swap_remove(i);
        } else if !self.pings.iter().any(|p| p.ident == ident) {
            // Not an answer to any ping of ours (another prober on the host, a spoof).
            return bump(&mut self.counters.icmp_ignored);
        }
        self.push_event(Event::EchoReply { from, ident, seq, rtt, len });
    }

    /// RFC 1122 §3.2.2 / §4.1.3.3: hand an error to the transport whose datagram it quotes.
    fn icmp_error_received(&mut self, now: Instant, kind: IcmpErrorKind, repr: &icmp::Repr<'_>) {
        let Ok(e) = ReceivedError::from_icmp(repr) else {
            return bump(&mut self.counters.icmp_error_unmatched);
        };
        if Some(e.src) != self.config.ipv4.map(|c| c.address()) {
            return bump(&mut self.counters.icmp_error_unmatched);
        }
        let matched = match e.protocol {
            IpProtocol::UDP => self.udp_icmp_error(kind, &e),
            IpProtocol::TCP => self.tcp_icmp_error(now, kind, &e),
            IpProtocol::ICMP => self.ping_icmp_error(kind, &e),
            _ => false,
        };
        if !matched {
            bump(&mut self.counters.icmp_error_unmatched);
        }
    }

    fn ping_icmp_error(&mut self, kind: IcmpErrorKind, e: &ReceivedError) -> bool {
        // The quoted echo request: type 8, code, checksum, identifier, sequence number.
        let [t, _, _, _, i0, i1, s0, s1] = e.transport;
        let (ident, seq) = (u16::from_be_bytes([i0, i1]), u16::from_be_bytes([s0, s1]));
        if t != icmp::Type::ECHO_REQUEST.0
            || !self.pings.iter().any(|p| p.ident == ident && p.dst == e.dst)
        {
            return false;
        }
        self.push_event(Event::EchoError { to: e.dst, ident, seq, kind });
        true
    }

    /// Destination unreachable about `d`, if the rules and the rate limit allow.
    pub(crate) fn send_unreachable(&mut self, now: Instant, d: &Datagram<'_>, code: Unreachable) {
        if !self.may_send_error(d) {
            return bump(&mut self.counters.icmp_error_suppressed);
        }
        let quote = d.bytes.get(..MAX_QUOTE.min(d.bytes.len())).unwrap_or(&[]);
        let repr =
            icmp::Repr::DstUnreachable { code, next_hop_mtu: 0, original: Original::new(quote) };
        self.queue_error(now, d.repr.src, &repr);
    }

    /// Parameter Problem about `d`, pointing at octet `pointer` of its header (RFC 792,
    /// RFC 1122 §3.2.2.5), if the rules and the rate limit allow.
    pub(crate) fn send_param_problem(&mut self, now: Instant, d: &Datagram<'_>, pointer: u8) {
        if !self.may_send_error(d) {
            return bump(&mut self.counters.icmp_error_suppressed);
        }
        let quote = d.bytes.get(..MAX_QUOTE.min(d.bytes.len())).unwrap_or(&[]);
        let original = Original::new(quote);
        let repr = icmp::Repr::ParamProblem { code: ParamProblem::POINTER, pointer, original };
        self.queue_error(now, d.repr.src, &repr);
    }

    /// Time Exceeded, code 1, for a datagram reassembly gave up on (RFC 792, RFC 1122
    /// §3.3.2). `quote` is fragment zero's header and first 8 bytes.
    #[cfg(feature = "ipv4-reassembly")]
    pub(crate) fn send_reassembly_timeout(&mut self, now: Instant, quote: &[u8]) {
        let Ok(ip) = Original::new(quote).ip_header() else { return };
        let src = ip.src_addr();
        if !is_single_host(src) || self.classify(ip.dst_addr()) != Some(Dst::Unicast) {
            return bump(&mut self.counters.icmp_error_suppressed);
        }
        let repr = icmp::Repr::TimeExceeded {
            code: icmp::TimeExceeded::REASSEMBLY,
            original: Original::new(quote),
        };
        self.queue_error(now, src, &repr);
    }

    /// RFC 1122 §3.2.2: never an error about an ICMP error, a datagram to a broadcast or
    /// multicast address (IP or link layer), a non-initial fragment, or from a source that
    /// is not a single host.
    fn may_send_error(&self, d: &Datagram<'_>) -> bool {
        d.dst == Dst::Unicast
            && icmp::may_send_error(&d.repr, d.payload, d.link_multicast, self.config.ipv4).is_ok()
    }

    fn queue_error(&mut self, now: Instant, dst: Ipv4Addr, repr: &icmp::Repr<'_>) {
        // RFC 1812 §4.3.2.8 (and RFC 1122 §3.2.2 "SHOULD" limit): a token bucket.
        if !self.icmp_limit.try_take(now) {
            return bump(&mut self.counters.icmp_rate_limited);
        }
        self.queue_icmp(dst, OutKind::Error, &[], repr);
    }

    /// Writes the IP options and the whole ICMP message into the queue (their one copy
    /// before transmission).
    pub(crate) fn queue_icmp(
        &mut self,
        dst: Ipv4Addr,
        kind: OutKind,
        options: &[u8],
        repr: &icmp::Repr<'_>,
    ) -> bool {
        // Options are at most 40 bytes (the header's room), so this never truncates.
        let options_len = u8::try_from(options.len()).unwrap_or(u8::MAX);
        let len = repr.buffer_len().saturating_add(options.len());
        let Some(buf) = self.icmp_out.push(IcmpOut { dst, kind, options_len }, len) else {
            bump(&mut self.counters.icmp_queue_full);
            return false;
        };
        let (head, message) = buf.split_at_mut(options.len().min(buf.len()));
        head.copy_from_slice(options.get(..head.len()).unwrap_or(&[]));
        if repr.emit(&mut icmp::Packet::new_unchecked(message)).is_err() {
            self.icmp_out.unpush();
            bump(&mut self.counters.icmp_queue_full);
            return false;
        }
        true
    }

    /// Queues an echo request and remembers when it left (for the RTT).
    pub(crate) fn ping(
        &mut self,
        now: Instant,
        dst: Ipv4Addr,
        ident: u16,
        seq: u16,
        payload: &[u8],
    ) -> Result<(), PingError> {
        if self.usable_addr().is_none() && !dst.is_broadcast() {
            return Err(PingError::NoAddress);
        }
        if dst.is_unspecified() {
            return Err(PingError::Unaddressable);
        }
        if payload.len() > 65535 - 28 {
            return Err(PingError::TooLong);
        }
        let req = icmp::Repr::EchoRequest { ident, seq_no: seq, data: payload };
        if !self.queue_icmp(dst, OutKind::EchoRequest, &[], &req) {
            return Err(PingError::QueueFull);
        }
        if self.pings.is_full() {
            self.pings.remove(0);
        }
        let _ = self.pings.push(PingSent { dst, ident, seq, at: now });
        Ok(())
    }
}

/// RFC 1122 §3.2.2 (and §3.2.1.3): a source that names one host — not zero, loopback,
/// broadcast, multicast or class E.
#[cfg(feature = "ipv4-reassembly")]
fn is_single_host(src: Ipv4Addr) -> bool {
    !(src.is_unspecified()
        || src.is_loopback()
        || src.is_broadcast()
        || src.is_multicast()
        || src.octets()[0] >= 240)
}
