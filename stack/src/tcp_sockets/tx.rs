//! Segments out: first what the stack answers itself (RSTs, listeners' SYN-ACKs and
//! ACKs), then the listeners' SYN-ACK retransmissions, then one segment per connection in
//! turn (round robin, so no connection starves the others).
//!
//! Zero copy (DESIGN.md §4): a connection's data is written once, from its send buffer
//! straight into the frame behind room for the headers
//! ([`Connection::emit`](unet_tcp::Connection::emit): data, TCP header, checksum), then the
//! IPv4 and Ethernet headers are prepended. A next hop not yet resolved queues the
//! datagram for ARP as UDP's do.

use core::net::Ipv4Addr;

use unet_core::{Instant, IpProtocol};
use unet_tcp::Segment;

use super::slot::{ListenerState, SlotState};
use super::table::Control;
use crate::counters::bump;
use crate::link::Step;
use crate::stack::Core;
use crate::wire::Ipv4Header;

impl Core<'_> {
    pub(crate) fn transmit_tcp(&mut self, now: Instant, buf: &mut [u8]) -> Step {
        let Some(our) = self.link.usable_addr() else { return Step::Idle };
        if let Some(c) = self.tcp.control.pop_front() {
            return self.send_control(now, buf, our, c);
        }
        let reply = self.tcp.listeners.iter_mut().find_map(|l| match &mut l.state {
            ListenerState::Busy { listener } => listener.poll_transmit(now),
            _ => None,
        });
        if let Some(r) = reply {
            return self.send_control(
                now,
                buf,
                our,
                Control { src: r.local, dst: r.remote, repr: r.repr },
            );
        }
        let n = self.tcp.slots.len();
        // Round robin from the cursor, without a division per slot (it showed in profiles).
        let mut i = if self.tcp.cursor < n { self.tcp.cursor } else { 0 };
        for _ in 0..n {
            let this = i;
            i = if i + 1 == n { 0 } else { i + 1 };
            let Some(SlotState::Busy { conn, .. }) =
                self.tcp.slots.get_mut(this).map(|s| &mut s.state)
            else {
                continue;
            };
            let Some(t) = conn.poll_transmit(now) else { continue };
            self.tcp.cursor = i;
            let i = this;
            let step = if t.src != our {
                // Our address changed under the connection: nothing can reach it.
                bump(&mut self.counters.tx_no_route);
                Step::Progress
            } else {
                bump(&mut self.counters.tcp_segments_out);
                let header = tcp_header(t.src, t.dst, self.config.ttl(), self.link.next_ident());
                let (link, counters) = (&mut self.link, &mut self.counters);
                link.send(now, buf, counters, header, t.len(), |b| conn.emit(&t, b).map(|_| ()))
            };
            self.tcp.sync(i, now, &mut self.events, &mut self.counters);
            return match step {
                Step::Idle => Step::Progress,
                step => step,
            };
        }
        Step::Idle
    }

    fn send_control(
        &mut self,
        now: Instant,
        buf: &mut [u8],
        our: Ipv4Addr,
        c: Control<Ipv4Addr>,
    ) -> Step {
        if c.src != our {
            bump(&mut self.counters.tx_no_route);
            return Step::Progress;
        }
        bump(&mut self.counters.tcp_segments_out);
        let header = tcp_header(c.src, c.dst, self.config.ttl(), self.link.next_ident());
        let write = |b: &mut [u8]| c.repr.emit(&mut Segment::new_unchecked(b), &c.src, &c.dst);
        match self.link.send(now, buf, &mut self.counters, header, c.repr.buffer_len(), write) {
            Step::Idle => Step::Progress,
            step => step,
        }
    }
}

/// The IPv4 header of a TCP segment: Don't Fragment set, for path MTU discovery (RFC 1191
/// §3; RFC 9293 §3.7.2: segments are sized to the path MTU, never fragmented).
fn tcp_header(src: Ipv4Addr, dst: Ipv4Addr, ttl: u8, identification: u16) -> Ipv4Header<'static> {
    Ipv4Header {
        src,
        dst,
        protocol: IpProtocol::TCP,
        ttl,
        identification,
        dont_frag: true,
        more_frags: false,
        frag_offset: 0,
        options: &[],
    }
}
