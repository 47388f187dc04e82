//! The UDP socket table: bounded storage for sockets, bind and connect rules, and the
//! demultiplexing lookup (RFC 768, RFC 1122 §4.1.3.1, RFC 6056).

use core::fmt;

use managed::ManagedSlice;
use rand_core::RngCore;
use unet_core::ports::EphemeralPorts;
use unet_core::IpAddress;

use crate::counters::UdpCounters;
use crate::{Endpoint, UdpError, UdpSocket};

/// Names a socket in a [`UdpTable`]: its slot index. A handle stays valid until the socket
/// is [removed](UdpTable::remove); a slot is reused by the next [`add`](UdpTable::add).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketHandle(pub(crate) usize);

impl SocketHandle {
    /// The slot index.
    pub const fn index(self) -> usize {
        self.0
    }
}

impl fmt::Display for SocketHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "udp#{}", self.0)
    }
}

/// The UDP sockets of one host, in caller storage.
///
/// Capacity: `storage.len()` sockets (a slot is an `Option<UdpSocket>`, `None` when free;
/// suggested: one per UDP service plus the clients you run at once, e.g. 8). When every
/// slot is taken, [`add`](UdpTable::add) refuses with [`UdpError::TableFull`] — except
/// with the `alloc` feature and owned (`Vec`) storage, which grows.
///
/// Lookups scan the slots (O(sockets)): fine for the tens of sockets a unikernel has.
/// Nothing in the table grows with received traffic: datagrams for unknown ports cost
/// a counter increment.
///
/// ```
/// use core::net::Ipv4Addr;
/// use unet_core::rng::SplitMix64;
/// use unet_udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket, UdpTable};
///
/// let (mut rm, mut rd) = ([UdpPacketMetadata::EMPTY; 4], [0u8; 1500]);
/// let (mut tm, mut td) = ([UdpPacketMetadata::EMPTY; 4], [0u8; 1500]);
/// let socket = UdpSocket::new(
///     UdpPacketBuffer::new(&mut rm[..], &mut rd[..]),
///     UdpPacketBuffer::new(&mut tm[..], &mut td[..]),
/// );
/// let mut slots: [Option<UdpSocket<'_, Ipv4Addr>>; 4] = Default::default();
/// let mut table = UdpTable::new(&mut slots[..], &mut SplitMix64::new(1));
/// let h = table.add(socket).unwrap();
/// let local = table.bind(h, Endpoint::any(0)).unwrap();
/// assert!(local.port >= 49152);
/// let peer = Endpoint::new(Ipv4Addr::new(192, 0, 2, 9), 7);
/// table.get_mut(h).unwrap().send_to(b"ping", peer).unwrap();
/// ```
#[derive(Debug)]
pub struct UdpTable<'a, A: IpAddress> {
    pub(crate) sockets: ManagedSlice<'a, Option<UdpSocket<'a, A>>>,
    ports: EphemeralPorts,
    pub(crate) counters: UdpCounters,
    /// Where [`poll_transmit`](UdpTable::poll_transmit) looks first (round robin).
    pub(crate) next_tx: usize,
}

impl<'a, A: IpAddress> UdpTable<'a, A> {
    /// A table over `storage` (its current contents are kept: pass empty slots), with
    /// ephemeral ports per RFC 6056 keyed from `rng` (use real entropy outside tests).
    pub fn new<S>(storage: S, rng: &mut (impl RngCore + ?Sized)) -> UdpTable<'a, A>
    where
        S: Into<ManagedSlice<'a, Option<UdpSocket<'a, A>>>>,
    {
        UdpTable::with_ports(storage, EphemeralPorts::new(rng))
    }

    /// A table with a configured ephemeral port selector (another range, fewer attempts).
    pub fn with_ports<S>(storage: S, ports: EphemeralPorts) -> UdpTable<'a, A>
    where
        S: Into<ManagedSlice<'a, Option<UdpSocket<'a, A>>>>,
    {
        UdpTable { sockets: storage.into(), ports, counters: UdpCounters::default(), next_tx: 0 }
    }

    /// The ephemeral port selector, to change its range or attempt bound.
    pub fn ports_mut(&mut self) -> &mut EphemeralPorts {
        &mut self.ports
    }

    /// The table's counters.
    pub fn counters(&self) -> &UdpCounters {
        &self.counters
    }

    /// Number of slots (free or not).
    pub fn capacity(&self) -> usize {
        self.sockets.len()
    }

    /// Number of sockets in the table.
    pub fn len(&self) -> usize {
        self.sockets.iter().filter(|s| s.is_some()).count()
    }

    /// True when the table holds no socket.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts `socket` in a free slot ([`UdpError::TableFull`] if none).
    pub fn add(&mut self, socket: UdpSocket<'a, A>) -> Result<SocketHandle, UdpError> {
        if let Some(i) = self.sockets.iter().position(|s| s.is_none()) {
            if let Some(slot) = self.sockets.get_mut(i) {
                *slot = Some(socket);
                return Ok(SocketHandle(i));
            }
        }
        #[cfg(feature = "alloc")]
        if let ManagedSlice::Owned(v) = &mut self.sockets {
            v.push(Some(socket));
            return Ok(SocketHandle(v.len() - 1));
        }
        Err(UdpError::TableFull)
    }

    /// Takes a socket out of the table (its slot becomes free), giving back its storage.
    pub fn remove(&mut self, handle: SocketHandle) -> Option<UdpSocket<'a, A>> {
        self.sockets.get_mut(handle.0)?.take()
    }

    /// The socket named by `handle`.
    pub fn get(&self, handle: SocketHandle) -> Option<&UdpSocket<'a, A>> {
        self.sockets.get(handle.0)?.as_ref()
    }

    /// The socket named by `handle`, to send, receive and set options.
    pub fn get_mut(&mut self, handle: SocketHandle) -> Option<&mut UdpSocket<'a, A>> {
        self.sockets.get_mut(handle.0)?.as_mut()
    }

    /// Every socket with its handle.
    pub fn iter(&self) -> impl Iterator<Item = (SocketHandle, &UdpSocket<'a, A>)> {
        self.sockets.iter().enumerate().filter_map(|(i, s)| Some((SocketHandle(i), s.as_ref()?)))
    }

    fn socket_mut(&mut self, handle: SocketHandle) -> Result<&mut UdpSocket<'a, A>, UdpError> {
        self.get_mut(handle).ok_or(UdpError::InvalidHandle)
    }

    /// Picks an ephemeral port no socket is bound to (RFC 6056 §3.3.4 over the tuple).
    fn ephemeral(&mut self, local: &A, remote: &Endpoint<A>) -> Result<u16, UdpError> {
        let sockets = &self.sockets;
        let in_use = |port: u16| {
            sockets.iter().flatten().any(|s| s.local_endpoint().is_some_and(|l| l.port == port))
        };
        Ok(self.ports.select(local, &remote.addr, remote.port, in_use)?)
    }

    /// Binds the socket to `local` and returns the endpoint actually bound.
    ///
    /// The unspecified address binds every local address (the stack checks that a specific
    /// address is one of its own). Port 0 picks an ephemeral port (RFC 6056) that no other
    /// socket is bound to. An explicit port conflicts with another socket bound to the same
    /// port when either address is the wildcard or both are equal, unless both sockets
    /// [allow sharing](UdpSocket::set_reuse_addr): [`UdpError::AddrInUse`]. A socket binds
    /// once ([`UdpError::AlreadyBound`]; close it to bind again).
    pub fn bind(
        &mut self,
        handle: SocketHandle,
        local: Endpoint<A>,
    ) -> Result<Endpoint<A>, UdpError> {
        let socket = self.socket_mut(handle)?;
        if socket.is_bound() {
            return Err(UdpError::AlreadyBound);
        }
        let reuse = socket.reuse_addr();
        let port = if local.port == 0 {
            self.ephemeral(&local.addr, &Endpoint::any(0))?
        } else {
            let clash = self.iter().any(|(h, s)| {
                h != handle
                    && s.local_endpoint().is_some_and(|l| {
                        l.port == local.port
                            && (l.is_any_addr() || local.is_any_addr() || l.addr == local.addr)
                            && !(reuse && s.reuse_addr())
                    })
            });
            if clash {
                return Err(UdpError::AddrInUse);
            }
            local.port
        };
        let bound = Endpoint::new(local.addr, port);
        self.socket_mut(handle)?.set_local(bound);
        Ok(bound)
    }

    /// Connects the socket to `remote`: from now on only datagrams from `remote` are
    /// delivered to it, [`send`](UdpSocket::send) goes there, and hard ICMP errors about it
    /// are reported (RFC 1122 §4.1.3.3). An unbound socket is first bound to the wildcard
    /// address and an ephemeral port chosen for this remote (RFC 6056). Connecting again
    /// changes the remote. Returns the local endpoint.
    pub fn connect(
        &mut self,
        handle: SocketHandle,
        remote: Endpoint<A>,
    ) -> Result<Endpoint<A>, UdpError> {
        if !remote.is_specified() {
            return Err(UdpError::Unaddressable);
        }
        let local = match self.socket_mut(handle)?.local_endpoint() {
            Some(local) => local,
            None => {
                let port = self.ephemeral(&A::UNSPECIFIED, &remote)?;
                Endpoint::any(port)
            }
        };
        let socket = self.socket_mut(handle)?;
        socket.set_local(local);
        socket.set_remote(Some(remote));
        Ok(local)
    }

    /// Dissolves the association made by [`connect`](UdpTable::connect) (the binding
    /// stays), like `connect` with `AF_UNSPEC`.
    pub fn disconnect(&mut self, handle: SocketHandle) -> Result<(), UdpError> {
        self.socket_mut(handle)?.set_remote(None);
        Ok(())
    }

    /// Binds the socket to the wildcard address and an ephemeral port if it is not bound
    /// yet (what POSIX `sendto` does on an unbound socket); returns its local endpoint.
    pub fn ensure_bound(&mut self, handle: SocketHandle) -> Result<Endpoint<A>, UdpError> {
        match self.socket_mut(handle)?.local_endpoint() {
            Some(local) => Ok(local),
            None => self.bind(handle, Endpoint::any(0)),
        }
    }

    /// The socket a unicast datagram from `src`:`src_port` to `dst`:`dst_port` goes to.
    ///
    /// The most specific match wins: a socket connected to that source (+2) over one that
    /// is not, and one bound to `dst` itself (+1) over a wildcard bind. Among equals (sockets
    /// sharing an address), the lowest slot wins.
    pub fn lookup(&self, dst: &A, dst_port: u16, src: &A, src_port: u16) -> Option<SocketHandle> {
        let mut best: Option<(u8, SocketHandle)> = None;
        for (h, s) in self.iter() {
            if let Some(score) = s.match_score(dst, dst_port, src, src_port) {
                if best.is_none_or(|(b, _)| score > b) {
                    best = Some((score, h));
                }
            }
        }
        best.map(|(_, h)| h)
    }
}

#[cfg(test)]
mod tests;
