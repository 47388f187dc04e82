//! Segments in (RFC 9293 §3.10.7): checksum first, then the connection of the 4-tuple,
//! then the listener of the port, else a RST (§3.10.7.1); and ICMP errors about our
//! segments (RFC 1122 §4.2.3.9, RFC 5927) to the connection or listener they concern.

use unet_core::{Instant, WireError};
use unet_ipv4::icmp::ReceivedError;
use unet_tcp::conn::{reset_for, time_wait_reusable, Connection, IcmpError, State};
use unet_tcp::listener::{DropReason, Outcome};
use unet_tcp::{Endpoint, Repr, RingBuffer, Segment, SeqNumber, TcpFlags};
use unet_udp::icmp::IcmpErrorKind;

use super::slot::{ListenerState, Meta, SlotState};
use super::table::{push_tcp_event, Control};
use crate::counters::bump;
use crate::rx::{Datagram, Dst};
use crate::stack::Core;
use crate::Event;

impl Core<'_> {
    pub(crate) fn receive_tcp(&mut self, now: Instant, d: &Datagram<'_>) {
        bump(&mut self.counters.tcp_segments_in);
        let Ok(segment) = Segment::new_checked(d.payload) else {
            return bump(&mut self.counters.tcp_malformed);
        };
        let repr = match Repr::parse(&segment, &d.repr.src, &d.repr.dst) {
            Ok(repr) => repr,
            Err(WireError::BadChecksum) => return bump(&mut self.counters.tcp_bad_checksum),
            Err(_) => return bump(&mut self.counters.tcp_malformed),
        };
        // RFC 1122 §4.2.3.10 / RFC 9293 §3.9.1.1: TCP is unicast; a segment to a broadcast
        // or multicast address is no connection's and gets no RST either.
        if d.dst != Dst::Unicast {
            return bump(&mut self.counters.tcp_not_unicast);
        }
        let payload = segment.payload();
        let local = Endpoint::new(d.repr.dst, repr.dst_port);
        let remote = Endpoint::new(d.repr.src, repr.src_port);
        if let Some(i) = self.tcp.find_conn(local, remote) {
            if !self.reusable_time_wait(i, &repr) {
                return self.tcp_segment_to_connection(now, i, &repr, payload);
            }
            // RFC 6191 / RFC 1122 §4.2.2.13: a new SYN reopens a TIME-WAIT 4-tuple.
            self.tcp.release(i);
        }
        if let Some(li) = self.tcp.find_listener(repr.dst_port) {
            return self.tcp_segment_to_listener(now, li, local, remote, &repr, payload);
        }
        bump(&mut self.counters.tcp_no_socket);
        self.tcp_reset(now, local, remote, &repr);
    }

    fn reusable_time_wait(&self, i: usize, repr: &Repr<'_>) -> bool {
        match self.tcp.slots.get(i).map(|s| &s.state) {
            Some(SlotState::Busy { conn, .. }) => {
                conn.state() == State::TimeWait && time_wait_reusable(conn, repr)
            }
            _ => false,
        }
    }

    fn tcp_segment_to_connection(&mut self, now: Instant, i: usize, repr: &Repr<'_>, data: &[u8]) {
        if let Some(SlotState::Busy { conn, .. }) = self.tcp.slots.get_mut(i).map(|s| &mut s.state)
        {
            if conn.handle_segment(now, repr, data).is_err() {
                // Why is in the connection's counters; what it answers goes out anyway.
                bump(&mut self.counters.tcp_segment_rejected);
            }
        }
        self.tcp.sync(i, now, &mut self.events, &mut self.counters);
    }

    /// RFC 9293 §3.10.7.2 (and the SYN-RECEIVED of half-open entries) in the listener; a
    /// completed handshake becomes a connection at once and its entry stays in the
    /// listener's backlog until `tcp_accept` (module docs of `tcp_sockets`).
    fn tcp_segment_to_listener(
        &mut self,
        now: Instant,
        li: usize,
        local: Endpoint<core::net::Ipv4Addr>,
        remote: Endpoint<core::net::Ipv4Addr>,
        repr: &Repr<'_>,
        data: &[u8],
    ) {
        let f = repr.flags;
        let may_complete =
            f.contains(TcpFlags::ACK) && !f.intersects(TcpFlags::SYN | TcpFlags::RST);
        if may_complete && !self.tcp.can_take_slot() {
            // No slot for the connection: the ACK is dropped (not reset), the half-open
            // entry stays and its SYN-ACK retransmission brings the ACK back later. (The
            // listener's own backlog limit works the same way, inside the listener.)
            return bump(&mut self.counters.tcp_no_connection_slot);
        }
        let Some(ListenerState::Busy { listener }) =
            self.tcp.listeners.get_mut(li).map(|l| &mut l.state)
        else {
            return;
        };
        let outcome = listener.handle_segment(now, local.addr, remote.addr, repr);
        match outcome {
            Ok(Outcome::Reply(r)) => {
                let c = Control { src: r.local, dst: r.remote, repr: r.repr };
                self.tcp.push_control(c, &mut self.counters);
            }
            Ok(Outcome::Established) => {
                // The entry stays in the backlog, which so bounds the connections not yet
                // accepted; `tcp_accept` (or the connection's end) removes it.
                let Some(handshake) = listener.backlog().last().copied() else { return };
                let Some((i, rx, tx)) = self.tcp.take_slot(&mut self.counters) else {
                    // Checked above; should it happen, the handshake is forgotten and the
                    // peer's next segment gets the listener's RST.
                    if let Some(ListenerState::Busy { listener }) =
                        self.tcp.listeners.get_mut(li).map(|l| &mut l.state)
                    {
                        listener.remove(local.addr, remote.addr, remote.port);
                    }
                    return bump(&mut self.counters.tcp_no_connection_slot);
                };
                let config = self.tcp.conn_config();
                let mut conn = Connection::accept_from(
                    now,
                    config,
                    &handshake,
                    RingBuffer::new(rx),
                    RingBuffer::new(tx),
                );
                // The final ACK: its window, and any data it carries.
                if conn.handle_segment(now, repr, data).is_err() {
                    bump(&mut self.counters.tcp_segment_rejected);
                }
                self.tcp.accept_counter = self.tcp.accept_counter.wrapping_add(1);
                let meta = Meta {
                    listener: self.tcp.listener_handle(li).map(|h| (h.index, h.generation)),
                    accept_order: self.tcp.accept_counter,
                    accepted: false,
                    user_closed: false,
                    time_wait_since: None,
                    ending: None,
                    local,
                    remote,
                };
                if let Some(slot) = self.tcp.slots.get_mut(i) {
                    slot.state = SlotState::Busy { conn, meta };
                }
                bump(&mut self.counters.tcp_accepted);
                if let Some(h) = self.tcp.listener_handle(li) {
                    push_tcp_event(&mut self.events, &mut self.counters, Event::TcpAcceptReady(h));
                }
                self.tcp.sync(i, now, &mut self.events, &mut self.counters);
            }
            Ok(Outcome::Dropped(DropReason::BacklogFull)) => {
                bump(&mut self.counters.tcp_accept_backlog_full)
            }
            Ok(Outcome::Dropped(_)) | Err(_) => bump(&mut self.counters.tcp_listener_dropped),
        }
    }

    /// RFC 9293 §3.10.7.1: the RST for a segment no socket wants — never for a RST,
    /// rate-limited (DESIGN.md §7).
    fn tcp_reset(
        &mut self,
        now: Instant,
        local: Endpoint<core::net::Ipv4Addr>,
        remote: Endpoint<core::net::Ipv4Addr>,
        repr: &Repr<'_>,
    ) {
        let Some(rst) = reset_for(repr) else { return };
        if !self.tcp.rst_limit.try_take(now) {
            return bump(&mut self.counters.tcp_rst_rate_limited);
        }
        bump(&mut self.counters.tcp_rsts_sent);
        let c = Control { src: local.addr, dst: remote.addr, repr: rst };
        self.tcp.push_control(c, &mut self.counters);
    }

    /// RFC 1122 §4.2.3.9 / RFC 5927: an ICMP error quoting one of our segments goes to its
    /// connection (which checks the quoted sequence number) or, for a SYN-ACK of a
    /// half-open entry, to the listener. True if someone took it.
    pub(crate) fn tcp_icmp_error(
        &mut self,
        now: Instant,
        kind: IcmpErrorKind,
        e: &ReceivedError,
    ) -> bool {
        let (src_port, dst_port) = e.ports();
        let [_, _, _, _, s0, s1, s2, s3] = e.transport;
        let seq = SeqNumber(u32::from_be_bytes([s0, s1, s2, s3]));
        let error = match kind {
            IcmpErrorKind::MessageTooBig { mtu } => {
                IcmpError::PacketTooBig { mtu: u16::try_from(mtu).unwrap_or(u16::MAX) }
            }
            IcmpErrorKind::PortUnreachable | IcmpErrorKind::ProtocolUnreachable => {
                IcmpError::HardUnreachable
            }
            _ => IcmpError::SoftError,
        };
        let local = Endpoint::new(e.src, src_port);
        let remote = Endpoint::new(e.dst, dst_port);
        if let Some(i) = self.tcp.find_conn(local, remote) {
            if let Some(SlotState::Busy { conn, .. }) =
                self.tcp.slots.get_mut(i).map(|s| &mut s.state)
            {
                if conn.handle_icmp_error(now, error, seq).is_err() {
                    bump(&mut self.counters.tcp_icmp_ignored);
                }
            }
            self.tcp.sync(i, now, &mut self.events, &mut self.counters);
            return true;
        }
        let Some(li) = self.tcp.find_listener(src_port) else { return false };
        if let Some(ListenerState::Busy { listener }) =
            self.tcp.listeners.get_mut(li).map(|l| &mut l.state)
        {
            let hard = error == IcmpError::HardUnreachable;
            if !listener.handle_icmp_error(e.src, e.dst, dst_port, seq, hard) {
                bump(&mut self.counters.tcp_icmp_ignored);
            }
        }
        true
    }
}
