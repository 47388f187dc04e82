//! One UDP socket: its binding, its queues, its options and its error slot
//! (RFC 768, RFC 1122 §4.1.3).
//!
//! A socket lives in a [`UdpTable`](crate::UdpTable), which binds and connects it (those
//! need to see the other sockets); the application sends and receives through
//! [`UdpTable::get_mut`](crate::UdpTable::get_mut). Sending only queues the datagram: the
//! stack drains the queues with [`UdpTable::poll_transmit`](crate::UdpTable::poll_transmit).

use unet_core::IpAddress;

use crate::icmp::{IcmpError, IcmpErrorKind};
use crate::packet_buffer::{BufferError, PacketBuffer, PacketMetadata};
use crate::{Endpoint, UdpError, UdpMetadata, HEADER_LEN};

/// A metadata slot of a UDP socket queue: storage is `[UdpPacketMetadata::EMPTY; N]`.
pub type UdpPacketMetadata<A> = PacketMetadata<UdpMetadata<A>>;

/// A UDP socket queue (receive or transmit).
pub type UdpPacketBuffer<'a, A> = PacketBuffer<'a, UdpMetadata<A>>;

/// The largest UDP payload one IP datagram of this version can carry: 65507 bytes over
/// IPv4 (65535 minus the 20-byte IPv4 and 8-byte UDP headers), 65527 over IPv6 (its
/// Payload Length does not count the IPv6 header; jumbograms are not supported).
pub const fn max_payload_len<A: IpAddress>() -> usize {
    let ip = if A::VERSION == 4 { A::HEADER_LEN } else { 0 };
    u16::MAX as usize - HEADER_LEN - ip
}

/// A UDP socket over IP version `A` (`Ipv4Addr` or `Ipv6Addr`), with queues in caller
/// storage.
///
/// ```
/// use core::net::Ipv4Addr;
/// use unet_udp::{UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
///
/// let (mut rx_meta, mut rx_data) = ([UdpPacketMetadata::EMPTY; 4], [0u8; 2048]);
/// let (mut tx_meta, mut tx_data) = ([UdpPacketMetadata::EMPTY; 4], [0u8; 2048]);
/// let socket: UdpSocket<'_, Ipv4Addr> = UdpSocket::new(
///     UdpPacketBuffer::new(&mut rx_meta[..], &mut rx_data[..]),
///     UdpPacketBuffer::new(&mut tx_meta[..], &mut tx_data[..]),
/// );
/// assert!(!socket.is_bound());
/// ```
#[derive(Debug)]
pub struct UdpSocket<'a, A: IpAddress> {
    local: Option<Endpoint<A>>,
    remote: Option<Endpoint<A>>,
    rx: UdpPacketBuffer<'a, A>,
    tx: UdpPacketBuffer<'a, A>,
    hop_limit: Option<u8>,
    multicast_hop_limit: u8,
    reuse_addr: bool,
    recv_err: bool,
    pending_error: Option<IcmpErrorKind>,
    last_icmp_error: Option<IcmpError<A>>,
    rx_dropped: u64,
    icmp_errors: u64,
}

impl<'a, A: IpAddress> UdpSocket<'a, A> {
    /// An unbound socket receiving into `rx` and sending from `tx`.
    pub fn new(rx: UdpPacketBuffer<'a, A>, tx: UdpPacketBuffer<'a, A>) -> UdpSocket<'a, A> {
        UdpSocket {
            local: None,
            remote: None,
            rx,
            tx,
            hop_limit: None,
            // RFC 1112 §6.1: multicast datagrams default to a TTL of 1 (this link only).
            multicast_hop_limit: 1,
            reuse_addr: false,
            recv_err: false,
            pending_error: None,
            last_icmp_error: None,
            rx_dropped: 0,
            icmp_errors: 0,
        }
    }

    /// The local endpoint, once bound (the address may be the wildcard).
    pub fn local_endpoint(&self) -> Option<Endpoint<A>> {
        self.local
    }

    /// The remote endpoint, once connected.
    pub fn remote_endpoint(&self) -> Option<Endpoint<A>> {
        self.remote
    }

    /// True once bound (explicitly, or by `connect`).
    pub fn is_bound(&self) -> bool {
        self.local.is_some()
    }

    /// True once connected.
    pub fn is_connected(&self) -> bool {
        self.remote.is_some()
    }

    /// Allows other sockets that also allow it to bind the same address and port
    /// (`SO_REUSEADDR`-like; takes effect at the next bind). Off by default.
    pub fn set_reuse_addr(&mut self, reuse: bool) {
        self.reuse_addr = reuse;
    }

    /// Whether address sharing was requested.
    pub fn reuse_addr(&self) -> bool {
        self.reuse_addr
    }

    /// Sets the IP hop limit (TTL) of unicast datagrams sent from now on; `None` leaves it
    /// to the stack's default. 0 is refused ([`UdpError::InvalidHopLimit`]).
    pub fn set_hop_limit(&mut self, hop_limit: Option<u8>) -> Result<(), UdpError> {
        if hop_limit == Some(0) {
            return Err(UdpError::InvalidHopLimit);
        }
        self.hop_limit = hop_limit;
        Ok(())
    }

    /// The hop limit set with [`set_hop_limit`](UdpSocket::set_hop_limit).
    pub fn hop_limit(&self) -> Option<u8> {
        self.hop_limit
    }

    /// Sets the hop limit of datagrams sent to multicast groups (default 1, RFC 1112 §6.1;
    /// 0 keeps them on this host, which the stack may loop back or drop).
    pub fn set_multicast_hop_limit(&mut self, hop_limit: u8) {
        self.multicast_hop_limit = hop_limit;
    }

    /// The multicast hop limit.
    pub fn multicast_hop_limit(&self) -> u8 {
        self.multicast_hop_limit
    }

    /// Reports every ICMP error as a pending error (like Linux `IP_RECVERR`), instead of
    /// only hard errors on a connected socket (the default, Linux's). See
    /// [`take_error`](UdpSocket::take_error).
    pub fn set_recv_err(&mut self, on: bool) {
        self.recv_err = on;
    }

    /// Takes the pending error, if any (like `SO_ERROR`). A pending error is also returned,
    /// once, by the next send or receive call.
    ///
    /// RFC 1122 §4.1.3.3: UDP MUST pass every ICMP error it receives to the application.
    /// Every error routed to this socket is kept in
    /// [`last_icmp_error`](UdpSocket::last_icmp_error); it becomes *pending* (fails the
    /// next call) if the socket is connected and the error is hard
    /// ([`IcmpErrorKind::is_hard`]), or if [`set_recv_err`](UdpSocket::set_recv_err) is on —
    /// so that one client's unreachable port does not fail a server's unconnected socket.
    pub fn take_error(&mut self) -> Option<IcmpErrorKind> {
        self.pending_error.take()
    }

    /// The last ICMP error routed to this socket, pending or not, with the endpoint it
    /// concerned.
    pub fn last_icmp_error(&self) -> Option<IcmpError<A>> {
        self.last_icmp_error
    }

    /// ICMP errors routed to this socket so far.
    pub fn icmp_errors(&self) -> u64 {
        self.icmp_errors
    }

    /// Datagrams for this socket dropped because its receive queue was full.
    pub fn rx_dropped(&self) -> u64 {
        self.rx_dropped
    }

    /// True if a datagram of `len` bytes can be queued for sending now.
    pub fn can_send(&self, len: usize) -> bool {
        self.tx.can_enqueue(len)
    }

    /// True if a datagram is waiting to be received.
    pub fn can_recv(&self) -> bool {
        !self.rx.is_empty()
    }

    /// Datagrams queued for sending.
    pub fn send_queue(&self) -> usize {
        self.tx.len()
    }

    /// Datagrams waiting to be received.
    pub fn recv_queue(&self) -> usize {
        self.rx.len()
    }

    /// Size of the next datagram to receive.
    pub fn peek_size(&self) -> Option<usize> {
        self.rx.peek_size()
    }

    fn check_send(&mut self, len: usize, remote: &Endpoint<A>) -> Result<UdpMetadata<A>, UdpError> {
        if let Some(kind) = self.pending_error.take() {
            return Err(UdpError::Icmp(kind));
        }
        let local = self.local.ok_or(UdpError::Unbound)?;
        if !remote.is_specified() {
            return Err(UdpError::Unaddressable);
        }
        if len > max_payload_len::<A>() {
            return Err(UdpError::MessageTooLong);
        }
        Ok(UdpMetadata { remote: *remote, local_addr: local.addr })
    }

    /// Queues `data` for `remote` (allowed on a connected socket too, as on Linux).
    pub fn send_to(&mut self, data: &[u8], remote: Endpoint<A>) -> Result<(), UdpError> {
        let meta = self.check_send(data.len(), &remote)?;
        self.tx.enqueue(data.len(), meta)?.copy_from_slice(data);
        Ok(())
    }

    /// Queues `data` for the connected remote ([`UdpError::NotConnected`] if none).
    pub fn send(&mut self, data: &[u8]) -> Result<(), UdpError> {
        let remote = self.remote.ok_or(UdpError::NotConnected)?;
        self.send_to(data, remote)
    }

    /// Zero-copy send: reserves `max_len` bytes in the transmit queue, lets `fill` write
    /// the datagram there and return its length (clamped to `max_len`), and queues that
    /// many bytes for `remote`. Returns the length.
    pub fn send_to_with(
        &mut self,
        max_len: usize,
        remote: Endpoint<A>,
        fill: impl FnOnce(&mut [u8]) -> usize,
    ) -> Result<usize, UdpError> {
        let meta = self.check_send(max_len, &remote)?;
        Ok(self.tx.enqueue_with(max_len, meta, fill)?)
    }

    /// [`send_to_with`](UdpSocket::send_to_with) to the connected remote.
    pub fn send_with(
        &mut self,
        max_len: usize,
        fill: impl FnOnce(&mut [u8]) -> usize,
    ) -> Result<usize, UdpError> {
        let remote = self.remote.ok_or(UdpError::NotConnected)?;
        self.send_to_with(max_len, remote, fill)
    }

    /// Receives the next datagram into `buf`: returns the bytes copied and where it came
    /// from. As POSIX `recvfrom` without `MSG_TRUNC`, a datagram longer than `buf` is
    /// truncated and its rest discarded (check [`peek_size`](UdpSocket::peek_size) first).
    pub fn recv_from(&mut self, buf: &mut [u8]) -> Result<(usize, UdpMetadata<A>), UdpError> {
        self.recv_with(|data, meta| {
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            (n, *meta)
        })
    }

    /// [`recv_from`](UdpSocket::recv_from) without the metadata.
    pub fn recv(&mut self, buf: &mut [u8]) -> Result<usize, UdpError> {
        self.recv_from(buf).map(|(n, _)| n)
    }

    /// Zero-copy receive: `read` sees the next datagram in place, then it is dequeued.
    pub fn recv_with<R>(
        &mut self,
        read: impl FnOnce(&[u8], &UdpMetadata<A>) -> R,
    ) -> Result<R, UdpError> {
        if let Some(kind) = self.pending_error.take() {
            return Err(UdpError::Icmp(kind));
        }
        let (meta, data) = self.rx.dequeue()?;
        Ok(read(data, &meta))
    }

    /// Closes the socket: unbinds and disconnects it, drops both queues and any error, and
    /// restores the default options. Its table slot stays, ready for a new bind.
    pub fn close(&mut self) {
        self.local = None;
        self.remote = None;
        self.rx.reset();
        self.tx.reset();
        self.hop_limit = None;
        self.multicast_hop_limit = 1;
        self.reuse_addr = false;
        self.recv_err = false;
        self.pending_error = None;
        self.last_icmp_error = None;
    }

    // --- for the table ---

    pub(crate) fn set_local(&mut self, local: Endpoint<A>) {
        self.local = Some(local);
    }

    pub(crate) fn set_remote(&mut self, remote: Option<Endpoint<A>>) {
        self.remote = remote;
    }

    /// How well this socket matches a datagram from `src`:`src_port` to `dst`:`dst_port`:
    /// `None` if not at all; otherwise +2 if connected (to that source), +1 if bound to
    /// that very address rather than the wildcard. The table delivers to the best score.
    pub(crate) fn match_score(&self, dst: &A, dst_port: u16, src: &A, src_port: u16) -> Option<u8> {
        let local = self.local?;
        if local.port != dst_port {
            return None;
        }
        let mut score = 0;
        if !local.is_any_addr() {
            if local.addr != *dst {
                return None;
            }
            score += 1;
        }
        if let Some(remote) = self.remote {
            if remote.addr != *src || remote.port != src_port {
                return None;
            }
            score += 2;
        }
        Some(score)
    }

    /// Queues a received datagram; on a full queue counts the drop.
    pub(crate) fn deliver(
        &mut self,
        meta: UdpMetadata<A>,
        payload: &[u8],
    ) -> Result<(), BufferError> {
        match self.rx.enqueue(payload.len(), meta) {
            Ok(buf) => {
                buf.copy_from_slice(payload);
                Ok(())
            }
            Err(e) => {
                self.rx_dropped = self.rx_dropped.saturating_add(1);
                Err(e)
            }
        }
    }

    /// Records an ICMP error (see [`take_error`](UdpSocket::take_error)); returns true if it
    /// became pending.
    pub(crate) fn icmp_error(&mut self, err: IcmpError<A>) -> bool {
        self.icmp_errors = self.icmp_errors.saturating_add(1);
        self.last_icmp_error = Some(err);
        let pending = self.recv_err || (self.remote.is_some() && err.kind.is_hard());
        if pending {
            self.pending_error = Some(err.kind);
        }
        pending
    }

    pub(crate) fn tx_queue(&mut self) -> &mut UdpPacketBuffer<'a, A> {
        &mut self.tx
    }
}

#[cfg(test)]
mod tests;
