//! Received datagrams and ICMP errors to their sockets (RFC 768, RFC 1122 §4.1.3).

use unet_core::IpAddress;

use crate::icmp::{IcmpError, IcmpErrorKind};
use crate::table::{SocketHandle, UdpTable};
use crate::{Endpoint, Packet, Repr, UdpMetadata};

/// What became of a received datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Delivery {
    /// Queued on this socket (unicast).
    Delivered(SocketHandle),
    /// A broadcast or multicast datagram, queued on `delivered` sockets and missed by
    /// `dropped` sockets whose queues were full (at least one of the two is non-zero).
    Multicast {
        /// Sockets that queued it.
        delivered: usize,
        /// Matching sockets whose receive queue was full.
        dropped: usize,
    },
    /// No socket listens on the destination port. The stack SHOULD answer with ICMP Port
    /// Unreachable (RFC 1122 §4.1.3.1) when `port_unreachable` is true; it is false for a
    /// broadcast or multicast destination, which must never be answered with an ICMP error
    /// (RFC 1122 §3.2.2). The stack still applies its own rules (source address, rate limit).
    NoListener {
        /// Whether an ICMP Port Unreachable may be sent.
        port_unreachable: bool,
    },
    /// The socket's receive queue was full: dropped and counted.
    BufferFull(SocketHandle),
    /// The source address is broadcast or multicast: discarded (RFC 1122 §4.1.3.6).
    InvalidSource,
    /// The checksum did not verify: silently discarded (RFC 1122 §4.1.3.4).
    BadChecksum,
    /// Too short for the UDP header or its Length field.
    Malformed,
}

impl<'a, A: IpAddress> UdpTable<'a, A> {
    /// Takes a UDP datagram (`bytes`: header and data, possibly followed by padding) that IP
    /// delivered from `src` to `dst`: checks its lengths and its checksum (RFC 768; a zero
    /// checksum is accepted over IPv4 only), then [`process`](UdpTable::process)es it.
    ///
    /// `broadcast` tells that `dst` is a broadcast address of ours (limited or directed),
    /// which only the IP layer knows; multicast and the limited broadcast are recognised
    /// here as well.
    pub fn receive(&mut self, src: &A, dst: &A, broadcast: bool, bytes: &[u8]) -> Delivery {
        let Ok(packet) = Packet::new_checked(bytes) else {
            self.counters.malformed = self.counters.malformed.saturating_add(1);
            return Delivery::Malformed;
        };
        let Ok(repr) = Repr::parse(&packet, src, dst) else {
            self.counters.checksum_errors = self.counters.checksum_errors.saturating_add(1);
            return Delivery::BadChecksum;
        };
        self.process(src, dst, broadcast, &repr, packet.payload())
    }

    /// Delivers a datagram already parsed (and checksum-verified, or offloaded) by the
    /// caller: `payload` is its data.
    ///
    /// Unicast goes to the one best socket of [`lookup`](UdpTable::lookup); a broadcast or
    /// multicast datagram is queued on *every* matching socket (each bound to the port with
    /// the wildcard address or `dst` itself, and not connected elsewhere), as Linux does.
    pub fn process(
        &mut self,
        src: &A,
        dst: &A,
        broadcast: bool,
        repr: &Repr,
        payload: &[u8],
    ) -> Delivery {
        if src.is_multicast_or_broadcast() {
            self.counters.invalid_source = self.counters.invalid_source.saturating_add(1);
            return Delivery::InvalidSource;
        }
        let meta = UdpMetadata { remote: Endpoint::new(*src, repr.src_port), local_addr: *dst };
        if broadcast || dst.is_multicast_or_broadcast() {
            let (mut delivered, mut dropped) = (0usize, 0usize);
            for socket in self.sockets.iter_mut().flatten() {
                if socket.match_score(dst, repr.dst_port, src, repr.src_port).is_some() {
                    match socket.deliver(meta, payload) {
                        Ok(()) => delivered += 1,
                        Err(_) => dropped += 1,
                    }
                }
            }
            let c = &mut self.counters;
            c.rx_buffer_full = c.rx_buffer_full.saturating_add(dropped as u64);
            if delivered > 0 {
                c.in_datagrams = c.in_datagrams.saturating_add(1);
            }
            if delivered == 0 && dropped == 0 {
                c.no_ports = c.no_ports.saturating_add(1);
                return Delivery::NoListener { port_unreachable: false };
            }
            return Delivery::Multicast { delivered, dropped };
        }
        let Some(handle) = self.lookup(dst, repr.dst_port, src, repr.src_port) else {
            self.counters.no_ports = self.counters.no_ports.saturating_add(1);
            return Delivery::NoListener { port_unreachable: true };
        };
        let delivered = self.get_mut(handle).map(|s| s.deliver(meta, payload).is_ok());
        if delivered == Some(true) {
            self.counters.in_datagrams = self.counters.in_datagrams.saturating_add(1);
            Delivery::Delivered(handle)
        } else {
            self.counters.rx_buffer_full = self.counters.rx_buffer_full.saturating_add(1);
            Delivery::BufferFull(handle)
        }
    }

    /// Routes an ICMP error about a datagram we sent from `local` to `remote` (the
    /// addresses and ports quoted in the error) to the socket that sent it: the one a reply
    /// from `remote` to `local` would reach. Returns that socket, or `None` (counted) if no
    /// socket claims it.
    ///
    /// RFC 1122 §4.1.3.3: "UDP MUST pass to the application layer all ICMP error messages
    /// that it receives from the IP layer." See [`UdpSocket::take_error`](crate::UdpSocket::take_error)
    /// for when the error fails the socket's next call.
    pub fn handle_icmp_error(
        &mut self,
        local: Endpoint<A>,
        remote: Endpoint<A>,
        kind: IcmpErrorKind,
    ) -> Option<SocketHandle> {
        let found = self
            .lookup(&local.addr, local.port, &remote.addr, remote.port)
            .and_then(|h| Some((h, self.get_mut(h)?)));
        match found {
            Some((handle, socket)) => {
                socket.icmp_error(IcmpError { kind, remote });
                self.counters.icmp_errors_delivered =
                    self.counters.icmp_errors_delivered.saturating_add(1);
                Some(handle)
            }
            None => {
                self.counters.icmp_errors_no_socket =
                    self.counters.icmp_errors_no_socket.saturating_add(1);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests;
