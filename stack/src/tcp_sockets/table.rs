//! The connection and listener slots and the state every TCP connection of a stack
//! shares: the RFC 6528 ISN key, RFC 6056 ephemeral ports, the RST rate limit, and the
//! segments the stack answers itself. Generic over the IP version.

use heapless::Deque;
use managed::ManagedSlice;
use unet_core::ports::EphemeralPorts;
use unet_core::rng::RngCore;
use unet_core::{Instant, IpAddress, TokenBucket};
use unet_tcp::conn::{self, mss_for_mtu, wscale_for, State};
use unet_tcp::isn::IsnGenerator;
use unet_tcp::listener::ListenerConfig;
use unet_tcp::{Endpoint, Repr};

use super::slot::{ListenerSlot, ListenerState, SlotState, TcpSlot};
use super::{ending_error, ListenerHandle, TcpConfig, TcpHandle, TCP_CONTROL_QUEUE_LEN};
use crate::counters::{bump, Counters};
use crate::event::EVENT_QUEUE_LEN;
use crate::Event;

/// A segment the stack sends for no connection (or for one that is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Control<A> {
    pub src: A,
    pub dst: A,
    pub repr: Repr<'static>,
}

/// The TCP sockets of a stack (module docs of [`tcp_sockets`](super)).
pub(crate) struct TcpTable<'a, A: IpAddress> {
    pub slots: ManagedSlice<'a, TcpSlot<'a, A>>,
    pub listeners: ManagedSlice<'a, ListenerSlot<'a, A>>,
    /// RFC 6528 ISNs of active opens (listeners have their own key).
    pub isn: IsnGenerator,
    /// RFC 6056 ports of active opens (separate from UDP's: the spaces are independent).
    pub ports: EphemeralPorts,
    pub rst_limit: TokenBucket,
    pub control: Deque<Control<A>, TCP_CONTROL_QUEUE_LEN>,
    /// The connection that transmits first next time (round robin).
    pub cursor: usize,
    pub accept_counter: u64,
    pub config: TcpConfig,
    /// The interface MTU, for the MSS (RFC 9293 §3.7.1).
    pub mtu: usize,
}

impl<A: IpAddress> core::fmt::Debug for TcpTable<'_, A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TcpTable")
            .field("slots", &self.slots.len())
            .field("listeners", &self.listeners.len())
            .field("control", &self.control.len())
            .finish_non_exhaustive()
    }
}

pub(crate) type Events = Deque<Event, EVENT_QUEUE_LEN>;

impl<'a, A: IpAddress> TcpTable<'a, A> {
    pub(crate) fn new(
        slots: ManagedSlice<'a, TcpSlot<'a, A>>,
        listeners: ManagedSlice<'a, ListenerSlot<'a, A>>,
        rng: &mut impl RngCore,
        mtu: usize,
    ) -> TcpTable<'a, A> {
        let config = TcpConfig::default();
        TcpTable {
            slots,
            listeners,
            isn: IsnGenerator::new(rng),
            ports: EphemeralPorts::new(rng),
            rst_limit: TokenBucket::new(config.rst_interval, config.rst_burst),
            control: Deque::new(),
            cursor: 0,
            accept_counter: 0,
            config,
            mtu,
        }
    }

    /// The MSS our interface allows (RFC 9293 §3.7.1), within the configured one.
    fn mss(&self) -> u16 {
        mss_for_mtu::<A>(self.mtu).min(self.config.connection.mss)
    }

    /// What a new connection is configured with.
    pub(crate) fn conn_config(&self) -> conn::Config {
        conn::Config { mss: self.mss(), ..self.config.connection }
    }

    /// What a new listener is configured with (see [`TcpConfig::listener`]).
    pub(crate) fn listener_config(&self) -> ListenerConfig {
        let c = &self.config.connection;
        let smallest = self.slots.iter().map(|s| s.rx_capacity).min().unwrap_or(0);
        let largest = self.slots.iter().map(|s| s.rx_capacity).max().unwrap_or(0);
        let mut l = self.config.listener;
        l.mss = l.mss.min(self.mss());
        l.window = l.window.min(u16::try_from(smallest).unwrap_or(u16::MAX));
        l.window_scale = if c.window_scaling { Some(wscale_for(largest)) } else { None };
        l.sack &= c.sack;
        l.timestamps &= c.timestamps;
        l
    }

    /// The connection of a 4-tuple, for what arrives from the network. A CLOSED
    /// connection whose slot the application still holds (to read how it ended) has no
    /// TCB any more (RFC 9293 §3.10.7.1): it is skipped, so that its 4-tuple's segments
    /// get a RST, or reach the listener and may open a new connection.
    pub(crate) fn find_conn(&self, local: Endpoint<A>, remote: Endpoint<A>) -> Option<usize> {
        self.slots.iter().position(|s| match &s.state {
            SlotState::Busy { conn, meta } => {
                meta.local == local && meta.remote == remote && conn.state() != State::Closed
            }
            _ => false,
        })
    }

    pub(crate) fn find_listener(&self, port: u16) -> Option<usize> {
        self.listeners.iter().position(|l| match &l.state {
            ListenerState::Busy { listener, .. } => listener.port() == port,
            _ => false,
        })
    }

    fn listener_id(&self, li: usize) -> Option<(u16, u16)> {
        let l = self.listeners.get(li)?;
        Some((u16::try_from(li).ok()?, l.generation))
    }

    /// A free slot, or a TIME-WAIT one to recycle.
    pub(crate) fn can_take_slot(&self) -> bool {
        self.slots.iter().any(|s| match &s.state {
            SlotState::Free { .. } => true,
            SlotState::Busy { conn, .. } => conn.state() == State::TimeWait,
        })
    }

    /// Takes a slot for a new connection: a free one, else the one that entered TIME-WAIT
    /// first (recycled, counted). Returns its index and buffers.
    pub(crate) fn take_slot(
        &mut self,
        counters: &mut Counters,
    ) -> Option<(usize, ManagedSlice<'a, u8>, ManagedSlice<'a, u8>)> {
        loop {
            if let Some(i) = self.slots.iter().position(TcpSlot::is_free) {
                let slot = self.slots.get_mut(i)?;
                let SlotState::Free { rx, tx } =
                    core::mem::replace(&mut slot.state, SlotState::moving())
                else {
                    return None;
                };
                return Some((i, rx, tx));
            }
            let oldest = self
                .slots
                .iter()
                .enumerate()
                .filter_map(|(i, s)| match &s.state {
                    SlotState::Busy { conn, meta } if conn.state() == State::TimeWait => {
                        Some((meta.time_wait_since.unwrap_or(Instant::MAX), i))
                    }
                    _ => None,
                })
                .min()?;
            bump(&mut counters.tcp_time_wait_recycled);
            self.release(oldest.1);
        }
    }

    /// Releases slot `i`: the connection in it, if any, is dropped and its buffers stay in
    /// the slot for the next one; if it was never accepted, its handshake leaves its
    /// listener's backlog.
    pub(crate) fn release(&mut self, i: usize) {
        let Some(meta) = self.slots.get_mut(i).and_then(TcpSlot::release) else { return };
        let Some((li, generation)) = meta.listener else { return };
        if let Some(l) = self.listeners.get_mut(usize::from(li)) {
            if let (true, ListenerState::Busy { listener }) =
                (l.generation == generation, &mut l.state)
            {
                listener.remove(meta.local.addr, meta.remote.addr, meta.remote.port);
            }
        }
    }

    /// Is `port` unusable for a connection to `remote`: a listener's, or another
    /// connection's to the same remote (RFC 6056 §2.1: the 4-tuple must be unique).
    pub(crate) fn port_in_use(&self, port: u16, remote: Endpoint<A>) -> bool {
        self.find_listener(port).is_some()
            || self.slots.iter().any(|s| match &s.state {
                SlotState::Busy { meta, .. } => meta.local.port == port && meta.remote == remote,
                _ => false,
            })
    }

    pub(crate) fn handle(&self, i: usize) -> Option<TcpHandle> {
        let s = self.slots.get(i)?;
        Some(TcpHandle { index: u16::try_from(i).ok()?, generation: s.generation })
    }

    pub(crate) fn listener_handle(&self, i: usize) -> Option<ListenerHandle> {
        let (index, generation) = self.listener_id(i)?;
        Some(ListenerHandle { index, generation })
    }

    /// The slot of a live handle.
    pub(crate) fn index(&self, h: TcpHandle) -> Option<usize> {
        let i = usize::from(h.index);
        let s = self.slots.get(i)?;
        (s.generation == h.generation && matches!(s.state, SlotState::Busy { .. })).then_some(i)
    }

    pub(crate) fn listener_index(&self, h: ListenerHandle) -> Option<usize> {
        let i = usize::from(h.index);
        let l = self.listeners.get(i)?;
        (l.generation == h.generation && matches!(l.state, ListenerState::Busy { .. })).then_some(i)
    }

    pub(crate) fn push_control(&mut self, c: Control<A>, counters: &mut Counters) {
        if self.control.push_back(c).is_err() {
            bump(&mut counters.tcp_control_queue_full);
        }
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        let conns = self.slots.iter().filter_map(|s| match &s.state {
            SlotState::Busy { conn, .. } => conn.poll_timeout(),
            _ => None,
        });
        let listeners = self.listeners.iter().filter_map(|l| match &l.state {
            ListenerState::Busy { listener } => listener.poll_timeout(),
            _ => None,
        });
        conns.chain(listeners).min()
    }

    /// Fires the expired timers of every connection and listener.
    pub(crate) fn handle_timeout(&mut self, now: Instant, events: &mut Events, c: &mut Counters) {
        for i in 0..self.slots.len() {
            if let Some(SlotState::Busy { conn, .. }) = self.slots.get_mut(i).map(|s| &mut s.state)
            {
                if conn.poll_timeout().is_some_and(|t| t <= now) {
                    conn.handle_timeout(now);
                    self.sync(i, now, events, c);
                }
            }
        }
        for l in self.listeners.iter_mut() {
            if let ListenerState::Busy { listener } = &mut l.state {
                if listener.poll_timeout().is_some_and(|t| t <= now) {
                    listener.handle_timeout(now);
                }
            }
        }
    }

    /// After anything happened to connection `i`: its events to the application (once it
    /// holds the handle), TIME-WAIT noted, and a CLOSED connection's last RST queued and
    /// its slot released when nobody needs it any more.
    pub(crate) fn sync(&mut self, i: usize, now: Instant, events: &mut Events, c: &mut Counters) {
        let Some(handle) = self.handle(i) else { return };
        let Some(slot) = self.slots.get_mut(i) else { return };
        let SlotState::Busy { conn, meta } = &mut slot.state else { return };
        if meta.accepted {
            while let Some(event) = conn.poll_event() {
                if let Some(e) = ending_error(event) {
                    meta.ending = Some(e);
                }
                push_tcp_event(events, c, Event::Tcp { handle, event });
            }
        }
        match conn.state() {
            State::TimeWait if meta.time_wait_since.is_none() => meta.time_wait_since = Some(now),
            State::Closed => {
                // Whatever it still has to say is a RST (abort, timeout): send it from here.
                let mut last = [None; 2];
                for l in last.iter_mut() {
                    *l = conn.poll_transmit(now).filter(|t| t.repr.payload_len == 0);
                }
                let release = meta.user_closed || !meta.accepted;
                for t in last.into_iter().flatten() {
                    self.push_control(Control { src: t.src, dst: t.dst, repr: t.repr }, c);
                }
                if release {
                    self.release(i);
                }
            }
            _ => {}
        }
    }
}

/// Queues a TCP event unless the same one already waits (events are hints: one
/// `Readable` is enough until the application reads); when full the oldest goes (counted).
#[inline]
pub(crate) fn push_tcp_event(events: &mut Events, c: &mut Counters, event: Event) {
    // The newest first: a connection's repeated event is usually the last one queued.
    if events.back() == Some(&event) || events.iter().any(|e| *e == event) {
        return;
    }
    if events.is_full() {
        events.pop_front();
        bump(&mut c.events_dropped);
    }
    let _ = events.push_back(event);
}
