//! Transmit steps for the messages the stack itself originates: ICMP (replies, errors,
//! echo requests) and IGMP reports; and IGMP reception, which only feeds their timers.

use unet_core::{Instant, IpProtocol, WireError};
use unet_ipv4::igmp;

use crate::counters::bump;
use crate::icmp::OutKind;
use crate::link::Step;
use crate::rx::Datagram;
use crate::stack::Core;
use crate::wire::Ipv4Header;
use unet_ipv4::igmp::membership::ROUTER_ALERT;

impl Core<'_> {
    /// The oldest queued ICMP message, written once into the frame (or the fragmentation
    /// buffer) behind its IPv4 header.
    pub(crate) fn transmit_icmp(&mut self, now: Instant, buf: &mut [u8]) -> Step {
        let Some(meta) = self.icmp_out.front().map(|(m, _)| m) else {
            return Step::Idle;
        };
        let Some(src) = self.usable_addr() else {
            // The address went away while the message waited.
            self.icmp_out.pop();
            bump(&mut self.counters.tx_no_route);
            return Step::Progress;
        };
        let queued = self.icmp_out.front().map_or(&[][..], |(_, b)| b);
        let (options, message) = queued.split_at(usize::from(meta.options_len).min(queued.len()));
        let len = message.len();
        let header = Ipv4Header {
            src,
            dst: meta.dst,
            protocol: IpProtocol::ICMP,
            ttl: self.config.ttl(),
            identification: self.link.next_ident(),
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            options,
        };
        let write = |dst: &mut [u8]| {
            dst.get_mut(..message.len()).ok_or(WireError::BufferTooSmall)?.copy_from_slice(message);
            Ok(())
        };
        let step = self.link.send(now, buf, &mut self.counters, header, len, write);
        self.icmp_out.pop();
        match meta.kind {
            OutKind::EchoReply => bump(&mut self.counters.tx_echo_replies),
            OutKind::Error => bump(&mut self.counters.tx_icmp_errors),
            OutKind::EchoRequest => {}
        }
        step
    }

    /// IGMP reports and leaves from the membership machine (RFC 2236 §3): TTL 1 and
    /// Router Alert (RFC 2236 §2, RFC 2113).
    /// Built without the `igmp` feature: nothing (groups are joined at the link only).
    pub(crate) fn transmit_igmp(&mut self, now: Instant, buf: &mut [u8]) -> Step {
        if !cfg!(feature = "igmp") {
            return Step::Idle;
        }
        // Reports wait for a usable address (the machine repeats them anyway).
        let Some(src) = self.usable_addr() else { return Step::Idle };
        let Some((repr, dst)) = self.igmp.poll_transmit(now) else { return Step::Idle };
        let header = Ipv4Header {
            src,
            dst,
            protocol: IpProtocol::IGMP,
            ttl: 1,
            identification: self.link.next_ident(),
            dont_frag: false,
            more_frags: false,
            frag_offset: 0,
            options: &ROUTER_ALERT,
        };
        let len = repr.buffer_len();
        let write = |b: &mut [u8]| repr.emit(&mut igmp::Packet::new_unchecked(b));
        self.link.send(now, buf, &mut self.counters, header, len, write)
    }

    /// IGMP in: queries set report timers, others' reports suppress ours.
    /// Built without the `igmp` feature: every IGMP message is ignored (counted).
    pub(crate) fn receive_igmp(&mut self, now: Instant, d: &Datagram<'_>) {
        if !cfg!(feature = "igmp") {
            return bump(&mut self.counters.igmp_ignored);
        }
        let parsed = igmp::Packet::new_checked(d.payload)
            .and_then(|p| igmp::Repr::parse(&igmp::Packet::new_unchecked(p.into_inner())));
        let Ok(repr) = parsed else {
            return bump(&mut self.counters.igmp_malformed);
        };
        match repr {
            igmp::Repr::Query { .. }
            | igmp::Repr::QueryV3 { .. }
            | igmp::Repr::ReportV1 { .. }
            | igmp::Repr::ReportV2 { .. } => self.igmp.handle_igmp(now, &repr),
            _ => bump(&mut self.counters.igmp_ignored),
        }
    }
}
