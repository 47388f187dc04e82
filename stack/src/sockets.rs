//! UDP on the stack (RFC 768, RFC 1122 §4.1): received datagrams to the socket table,
//! port unreachable when nobody listens, ICMP errors to the socket they concern, socket
//! transmit queues drained into frames, and the socket API.

use core::net::Ipv4Addr;

use unet_core::{Instant, IpProtocol};
use unet_ipv4::icmp::{ReceivedError, Unreachable};
use unet_udp::icmp::IcmpErrorKind;
use unet_udp::{Delivery, Endpoint, UdpError, UdpMetadata, UdpSocket};

pub use unet_udp::SocketHandle;

use crate::counters::bump;
use crate::link::Step;
use crate::rx::{Datagram, Dst};
use crate::stack::Core;
use crate::wire::Ipv4Header;
use crate::{Event, Stack};

impl Core<'_> {
    pub(crate) fn receive_udp(&mut self, now: Instant, d: &Datagram<'_>) {
        let broadcast = d.dst == Dst::Broadcast;
        match self.udp.receive(&d.repr.src, &d.repr.dst, broadcast, d.payload) {
            Delivery::Delivered(h) => {
                bump(&mut self.counters.rx_udp_delivered);
                self.push_event(Event::UdpReadable(h));
            }
            Delivery::Multicast { delivered, dropped } => {
                self.counters.rx_udp_delivered =
                    self.counters.rx_udp_delivered.saturating_add(delivered as u64);
                self.counters.udp_socket_full =
                    self.counters.udp_socket_full.saturating_add(dropped as u64);
            }
            Delivery::NoListener { port_unreachable } => {
                bump(&mut self.counters.udp_no_socket);
                // RFC 1122 §4.1.3.1: SHOULD answer port unreachable (never to broadcast).
                if port_unreachable {
                    self.send_unreachable(now, d, Unreachable::PORT);
                }
            }
            Delivery::BufferFull(_) => bump(&mut self.counters.udp_socket_full),
            Delivery::InvalidSource => bump(&mut self.counters.ipv4_bad_source),
            Delivery::BadChecksum => bump(&mut self.counters.udp_bad_checksum),
            _ => bump(&mut self.counters.udp_malformed),
        }
    }

    /// RFC 1122 §4.1.3.3: an ICMP error quoting one of our datagrams goes to its socket.
    pub(crate) fn udp_icmp_error(&mut self, kind: IcmpErrorKind, e: &ReceivedError) -> bool {
        let (src_port, dst_port) = e.ports();
        let local = Endpoint::new(e.src, src_port);
        let remote = Endpoint::new(e.dst, dst_port);
        match self.udp.handle_icmp_error(local, remote, kind) {
            Some(socket) => {
                self.push_event(Event::UdpError { socket, kind });
                true
            }
            None => false,
        }
    }

    /// The next datagram of the sockets' transmit queues (round robin).
    pub(crate) fn transmit_udp(&mut self, now: Instant, buf: &mut [u8]) -> Step {
        let Some(our) = self.link.usable_addr() else { return Step::Idle };
        let (link, counters, ttl) = (&mut self.link, &mut self.counters, self.config.ttl());
        let mut writable = None;
        let result = self.udp.poll_transmit(|t| {
            let src = if t.src_addr.is_unspecified() { our } else { t.src_addr };
            writable = Some(t.handle);
            // The socket gives multicast its own hop limit (RFC 1112 §6.1: default 1).
            let ttl = t.hop_limit.unwrap_or(ttl);
            if ttl == 0 {
                // Multicast hop limit 0: for this host only. There is no multicast
                // loopback, and RFC 1122 §3.2.1.7 forbids sending TTL 0.
                bump(&mut counters.tx_multicast_host_only);
                return Ok(Step::Progress);
            }
            let header = Ipv4Header {
                src,
                dst: t.dst_addr,
                protocol: IpProtocol::UDP,
                ttl,
                identification: link.next_ident(),
                dont_frag: false,
                more_frags: false,
                frag_offset: 0,
                options: &[],
            };
            bump(&mut counters.tx_udp);
            let step =
                link.send(now, buf, counters, header, t.udp_len(), |b| t.emit(&src, b).map(|_| ()));
            Ok::<Step, ()>(step)
        });
        match result {
            Some(Ok(step)) => {
                if let Some(h) = writable {
                    if self.udp.get(h).is_some_and(|s| s.send_queue() == 0) {
                        self.push_event(Event::UdpWritable(h));
                    }
                }
                match step {
                    Step::Idle => Step::Progress,
                    step => step,
                }
            }
            _ => Step::Idle,
        }
    }
}

/// The UDP socket API. Sockets are made by the caller with their own buffers
/// ([`UdpSocket::new`] over [`UdpPacketBuffer`](unet_udp::UdpPacketBuffer)s) and added;
/// with the `alloc` feature `Stack::udp_open` allocates them.
impl<'a> Stack<'a> {
    /// Adds a socket (unbound) and returns its handle; [`UdpError::TableFull`] when every
    /// slot of [`Storage::udp_sockets`](crate::Storage::udp_sockets) is taken.
    pub fn udp_add(&mut self, socket: UdpSocket<'a, Ipv4Addr>) -> Result<SocketHandle, UdpError> {
        self.core.udp.add(socket)
    }

    /// Binds to `port` on every local address (0: an RFC 6056 ephemeral port); returns the
    /// port bound.
    pub fn udp_bind(&mut self, socket: SocketHandle, port: u16) -> Result<u16, UdpError> {
        self.core.udp.bind(socket, Endpoint::any(port)).map(|e| e.port)
    }

    /// Connects: datagrams go to `remote` by default and only datagrams from it are
    /// received. Binds an ephemeral port first if needed.
    pub fn udp_connect(
        &mut self,
        socket: SocketHandle,
        remote: Endpoint<Ipv4Addr>,
    ) -> Result<Endpoint<Ipv4Addr>, UdpError> {
        self.core.udp.connect(socket, remote)
    }

    /// Queues `data` for `remote` (binding an ephemeral port if the socket is unbound).
    /// The datagram leaves on a later `poll_transmit`, fragmented if larger than the MTU.
    pub fn udp_send_to(
        &mut self,
        socket: SocketHandle,
        data: &[u8],
        remote: Endpoint<Ipv4Addr>,
    ) -> Result<(), UdpError> {
        self.core.udp.ensure_bound(socket)?;
        self.udp_socket(socket)?.send_to(data, remote)
    }

    /// Queues `data` for the connected peer.
    pub fn udp_send(&mut self, socket: SocketHandle, data: &[u8]) -> Result<(), UdpError> {
        self.udp_socket(socket)?.send(data)
    }

    /// Copies the next datagram into `buf` (truncated if longer) and returns its length
    /// and addresses; [`UdpError::WouldBlock`] when none waits, or a pending ICMP error
    /// ([`UdpError::Icmp`]) once.
    pub fn udp_recv_from(
        &mut self,
        socket: SocketHandle,
        buf: &mut [u8],
    ) -> Result<(usize, UdpMetadata<Ipv4Addr>), UdpError> {
        self.udp_socket(socket)?.recv_from(buf)
    }

    /// Closes and removes the socket; its handle becomes invalid.
    pub fn udp_close(&mut self, socket: SocketHandle) -> Result<UdpSocket<'a, Ipv4Addr>, UdpError> {
        self.core.udp.remove(socket).ok_or(UdpError::InvalidHandle)
    }

    /// The socket itself, for its zero-copy calls (`send_to_with`, `recv_with`) and options.
    pub fn udp_socket(
        &mut self,
        socket: SocketHandle,
    ) -> Result<&mut UdpSocket<'a, Ipv4Addr>, UdpError> {
        self.core.udp.get_mut(socket).ok_or(UdpError::InvalidHandle)
    }
}

#[cfg(feature = "alloc")]
impl Stack<'static> {
    /// Opens a socket whose queues are allocated: `rx_bytes` and `tx_bytes` of payload,
    /// up to 32 datagrams each.
    pub fn udp_open(&mut self, rx_bytes: usize, tx_bytes: usize) -> Result<SocketHandle, UdpError> {
        use alloc::vec;
        use unet_udp::{UdpPacketBuffer, UdpPacketMetadata};
        let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 32], vec![0u8; rx_bytes]);
        let tx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 32], vec![0u8; tx_bytes]);
        self.udp_add(UdpSocket::new(rx, tx))
    }
}
