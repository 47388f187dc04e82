//! The storage of one connection and of one listener, given by the application in
//! [`Storage`](crate::Storage), and what the table keeps in it while it is used.

use core::fmt;
use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_core::{Instant, IpAddress};
use unet_tcp::listener::{HalfOpen, Handshake, Listener};
use unet_tcp::Connection;

use super::TcpError;

/// One connection slot: the receive and send buffers of one connection (RFC 9293 §3.8:
/// they bound the receive window, and the send buffer is also the retransmission queue).
///
/// Suggested sizes: 64 KiB each for bulk transfers (Storage's defaults), 4–8 KiB on a
/// microcontroller (at least 4 MSS for the congestion window to grow).
///
/// **Reuse.** When the slot is released its connection gives the buffers back
/// ([`Connection::into_buffers`]) and the slot serves the next connection with them: a
/// slot lasts for any number of connections, borrowed storage and no allocator needed.
pub struct TcpSlot<'a, A: IpAddress = Ipv4Addr> {
    pub(crate) generation: u16,
    pub(crate) rx_capacity: usize,
    pub(crate) tx_capacity: usize,
    pub(crate) state: SlotState<'a, A>,
}

// The slot is sized for its connection either way; there is no allocator to box it.
#[allow(clippy::large_enum_variant)]
pub(crate) enum SlotState<'a, A: IpAddress> {
    Free { rx: ManagedSlice<'a, u8>, tx: ManagedSlice<'a, u8> },
    Busy { conn: Connection<'a, A>, meta: Meta<A> },
}

impl<'a, A: IpAddress> SlotState<'a, A> {
    /// What a slot holds for a moment while its buffers move (never seen outside the
    /// function that takes them).
    pub(crate) fn moving() -> SlotState<'a, A> {
        SlotState::Free { rx: ManagedSlice::Borrowed(&mut []), tx: ManagedSlice::Borrowed(&mut []) }
    }
}

/// What the stack knows of a connection beyond the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Meta<A> {
    /// Made by this listener (index, generation) and not yet accepted.
    pub listener: Option<(u16, u16)>,
    /// The order handshakes completed in, for `tcp_accept`.
    pub accept_order: u64,
    /// The application holds the handle (connected, or accepted).
    pub accepted: bool,
    /// `tcp_close` or `tcp_abort` was called: release once CLOSED.
    pub user_closed: bool,
    /// When the connection was first seen in TIME-WAIT (the oldest is recycled first).
    pub time_wait_since: Option<Instant>,
    /// Why the connection ended, if it ended by itself.
    pub ending: Option<TcpError>,
    /// Our end, for demultiplexing without asking the machine.
    pub local: unet_tcp::Endpoint<A>,
    /// The peer's end.
    pub remote: unet_tcp::Endpoint<A>,
}

impl<'a, A: IpAddress> TcpSlot<'a, A> {
    /// A free slot over a receive and a send buffer (borrowed arrays, or `Vec`s with the
    /// `alloc` feature).
    pub fn new(
        rx: impl Into<ManagedSlice<'a, u8>>,
        tx: impl Into<ManagedSlice<'a, u8>>,
    ) -> TcpSlot<'a, A> {
        let (rx, tx) = (rx.into(), tx.into());
        TcpSlot {
            generation: 0,
            rx_capacity: rx.len(),
            tx_capacity: tx.len(),
            state: SlotState::Free { rx, tx },
        }
    }

    /// True when the slot holds no connection and can take one.
    pub fn is_free(&self) -> bool {
        matches!(self.state, SlotState::Free { .. })
    }

    /// Receive buffer bytes.
    pub fn rx_capacity(&self) -> usize {
        self.rx_capacity
    }

    /// Send buffer bytes.
    pub fn tx_capacity(&self) -> usize {
        self.tx_capacity
    }

    /// Ends the use of the slot: its connection (if any) is dropped, its buffers come back
    /// and the slot is free again, under a new generation (old handles go stale).
    /// Returns what the connection's metadata was, if it had one.
    pub(crate) fn release(&mut self) -> Option<Meta<A>> {
        self.generation = self.generation.wrapping_add(1);
        match core::mem::replace(&mut self.state, SlotState::moving()) {
            SlotState::Busy { conn, meta } => {
                let (rx, tx) = conn.into_buffers();
                self.state = SlotState::Free { rx: rx.into_storage(), tx: tx.into_storage() };
                Some(meta)
            }
            free => {
                self.state = free;
                None
            }
        }
    }
}

impl<A: IpAddress> fmt::Debug for TcpSlot<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TcpSlot");
        d.field("rx_capacity", &self.rx_capacity).field("tx_capacity", &self.tx_capacity);
        match &self.state {
            SlotState::Free { .. } => d.field("state", &"free"),
            SlotState::Busy { conn, .. } => d.field("state", &conn.state()),
        };
        d.finish()
    }
}

/// One listener slot: the SYN queue (connections in SYN-RECEIVED; beyond it, SYN cookies)
/// and the accept backlog (completed connections waiting for `tcp_accept`; its length is
/// the largest backlog `tcp_listen` grants). Suggested: 64 SYN queue entries and 16
/// backlog entries (Storage's defaults); a server under SYN floods does well with more
/// SYN queue entries, but cookies keep it reachable anyway (RFC 4987).
pub struct ListenerSlot<'a, A: IpAddress = Ipv4Addr> {
    pub(crate) generation: u16,
    pub(crate) syn_queue_len: usize,
    pub(crate) backlog_len: usize,
    pub(crate) state: ListenerState<'a, A>,
}

#[allow(clippy::large_enum_variant)]
pub(crate) enum ListenerState<'a, A: IpAddress> {
    Free {
        syn_queue: ManagedSlice<'a, Option<HalfOpen<A>>>,
        backlog: ManagedSlice<'a, Option<Handshake<A>>>,
    },
    Busy {
        listener: Listener<'a, A>,
    },
}

impl<'a, A: IpAddress> ListenerSlot<'a, A> {
    /// A free listener slot over a SYN queue and an accept backlog (their lengths are the
    /// capacities). A slot without backlog entries is never used: a listener cannot hand
    /// over a connection without one.
    pub fn new(
        syn_queue: impl Into<ManagedSlice<'a, Option<HalfOpen<A>>>>,
        backlog: impl Into<ManagedSlice<'a, Option<Handshake<A>>>>,
    ) -> ListenerSlot<'a, A> {
        let (syn_queue, backlog) = (syn_queue.into(), backlog.into());
        ListenerSlot {
            generation: 0,
            syn_queue_len: syn_queue.len(),
            backlog_len: backlog.len(),
            state: ListenerState::Free { syn_queue, backlog },
        }
    }

    /// True when the slot holds no listener and can take one.
    pub fn is_free(&self) -> bool {
        matches!(self.state, ListenerState::Free { .. })
    }

    /// Ends the listener: its SYN queue and backlog storage come back
    /// ([`Listener::into_storage`]) for the next one, under a new generation.
    pub(crate) fn release(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if let ListenerState::Busy { listener } =
            core::mem::replace(&mut self.state, ListenerState::moving())
        {
            let (syn_queue, backlog) = listener.into_storage();
            self.state = ListenerState::Free { syn_queue, backlog };
        }
    }
}

impl<'a, A: IpAddress> ListenerState<'a, A> {
    /// A placeholder while the storage moves (see [`SlotState::moving`]).
    pub(crate) fn moving() -> ListenerState<'a, A> {
        ListenerState::Free {
            syn_queue: ManagedSlice::Borrowed(&mut []),
            backlog: ManagedSlice::Borrowed(&mut []),
        }
    }
}

impl<A: IpAddress> fmt::Debug for ListenerSlot<'_, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ListenerSlot");
        d.field("syn_queue", &self.syn_queue_len).field("backlog", &self.backlog_len);
        match &self.state {
            ListenerState::Free { .. } => d.field("port", &"free"),
            ListenerState::Busy { listener } => d.field("port", &listener.port()),
        };
        d.finish()
    }
}
