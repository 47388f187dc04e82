//! Draining the sockets' transmit queues into the stack's frames.

use unet_core::{IpAddress, WireError};

use crate::table::{SocketHandle, UdpTable};
use crate::{Packet, Repr, HEADER_LEN};

/// One datagram to send, as [`UdpTable::poll_transmit`] shows it to the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmit<'p, A> {
    /// The socket it comes from.
    pub handle: SocketHandle,
    /// Source address: the socket's bound address, or unspecified for the stack to choose
    /// (RFC 1122 §3.3.4.3: the address of the interface it leaves by).
    pub src_addr: A,
    /// Destination address.
    pub dst_addr: A,
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// IP hop limit (TTL): the socket's setting, `None` for the stack's default. For a
    /// multicast destination it is always set (default 1, RFC 1112 §6.1; 0 means "this
    /// host only").
    pub hop_limit: Option<u8>,
    /// The data.
    pub payload: &'p [u8],
}

impl<A: IpAddress> Transmit<'_, A> {
    /// The UDP header to emit.
    pub fn repr(&self) -> Repr {
        Repr { src_port: self.src_port, dst_port: self.dst_port, payload_len: self.payload.len() }
    }

    /// Bytes of the UDP datagram: header and data.
    pub fn udp_len(&self) -> usize {
        HEADER_LEN + self.payload.len()
    }

    /// Writes the whole UDP datagram at the start of `buf` (the place in the frame right
    /// after the IP header): the data, then the header with its checksum over the
    /// pseudo-header of `src` (the source the stack chose) and the destination. Returns the
    /// datagram's length; [`WireError::BufferTooSmall`] if `buf` is shorter.
    pub fn emit(&self, src: &A, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.udp_len();
        let datagram = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        datagram
            .get_mut(HEADER_LEN..)
            .ok_or(WireError::BufferTooSmall)?
            .copy_from_slice(self.payload);
        self.repr().emit(&mut Packet::new_unchecked(datagram), src, &self.dst_addr)?;
        Ok(len)
    }
}

impl<'a, A: IpAddress> UdpTable<'a, A> {
    /// Offers the next datagram to send to `emit`, taking sockets in turn (round robin, so
    /// one busy socket cannot starve the others).
    ///
    /// If `emit` returns `Ok`, the datagram is dequeued and counted as sent (the stack
    /// counts its own later drops: no route, neighbour queue full). If it returns `Err`
    /// (no room for a frame now), the datagram stays queued and the next call starts at the
    /// next socket. Returns `None` when no socket has anything to send.
    pub fn poll_transmit<R, E>(
        &mut self,
        emit: impl FnOnce(&Transmit<'_, A>) -> Result<R, E>,
    ) -> Option<Result<R, E>> {
        let n = self.sockets.len();
        let start = if self.next_tx < n { self.next_tx } else { 0 };
        let index = (0..n).map(|k| (start + k) % n).find(|&i| {
            self.sockets.get(i).is_some_and(|s| s.as_ref().is_some_and(|s| s.send_queue() > 0))
        })?;
        self.next_tx = index + 1;
        let socket = self.sockets.get_mut(index)?.as_mut()?;
        let Some(local) = socket.local_endpoint() else {
            // Unreachable (sending needs a binding, and close empties the queue), but never
            // leave a datagram that can never go.
            socket.tx_queue().reset();
            return None;
        };
        let (hop_limit, multicast_hop_limit) = (socket.hop_limit(), socket.multicast_hop_limit());
        let tx = socket.tx_queue();
        let (meta, payload) = tx.peek().ok()?;
        let transmit = Transmit {
            handle: SocketHandle(index),
            src_addr: meta.local_addr,
            dst_addr: meta.remote.addr,
            src_port: local.port,
            dst_port: meta.remote.port,
            hop_limit: if is_multicast(&meta.remote.addr) {
                Some(multicast_hop_limit)
            } else {
                hop_limit
            },
            payload,
        };
        let result = emit(&transmit);
        if result.is_ok() {
            let _ = tx.dequeue();
            self.counters.out_datagrams = self.counters.out_datagrams.saturating_add(1);
        }
        Some(result)
    }
}

/// True for a multicast group (not the IPv4 limited broadcast).
fn is_multicast<A: IpAddress>(addr: &A) -> bool {
    match (*addr).into() {
        core::net::IpAddr::V4(a) => a.is_multicast(),
        core::net::IpAddr::V6(a) => a.is_multicast(),
    }
}

#[cfg(test)]
mod tests;
