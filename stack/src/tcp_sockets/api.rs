//! The TCP socket API on [`Stack`]: non-blocking calls on handles; what they cause is
//! sent by the next `poll_transmit`, what the peer does comes back as
//! [`Event::Tcp`](crate::Event::Tcp).

use core::net::Ipv4Addr;

use unet_core::rng::RngCore;
use unet_core::Instant;
use unet_tcp::conn::{Open, State};
use unet_tcp::listener::{Listener, ListenerCounters};
use unet_tcp::{Connection, Endpoint, RingBuffer};

use super::slot::{ListenerState, Meta, SlotState};
use super::{ListenerHandle, TcpConfig, TcpError, TcpHandle, TcpInfo};
use crate::Stack;

impl<'a> Stack<'a> {
    /// The TCP configuration in force.
    pub fn tcp_config(&self) -> &TcpConfig {
        &self.core.tcp.config
    }

    /// Sets the TCP configuration for connections and listeners opened from now on (the
    /// RST rate limit applies at once).
    pub fn set_tcp_config(&mut self, config: TcpConfig) {
        let t = &mut self.core.tcp;
        t.config = config;
        t.rst_limit = unet_core::TokenBucket::new(config.rst_interval, config.rst_burst);
    }

    /// Listens on `port` (RFC 9293 §3.10.1 passive OPEN) on our address. At most
    /// `backlog` connections wait for [`tcp_accept`](Stack::tcp_accept) (capped by the
    /// slot's backlog storage, at least 1); see the module docs for what happens beyond.
    /// [`TcpError::AddrInUse`] if a listener has the port, [`TcpError::NoListenerSlot`]
    /// when every slot is busy, [`TcpError::Unaddressable`] for port 0.
    pub fn tcp_listen(&mut self, port: u16, backlog: usize) -> Result<ListenerHandle, TcpError> {
        if port == 0 {
            return Err(TcpError::Unaddressable);
        }
        let t = &mut self.core.tcp;
        if t.find_listener(port).is_some() {
            return Err(TcpError::AddrInUse);
        }
        let config = t.listener_config();
        let i = t
            .listeners
            .iter()
            .position(|l| l.is_free() && l.backlog_len > 0)
            .ok_or(TcpError::NoListenerSlot)?;
        let slot = t.listeners.get_mut(i).ok_or(TcpError::NoListenerSlot)?;
        let ListenerState::Free { syn_queue, backlog: storage } =
            core::mem::replace(&mut slot.state, ListenerState::moving())
        else {
            return Err(TcpError::NoListenerSlot);
        };
        let mut listener = Listener::new(&mut self.core.rng, port, config, syn_queue, storage);
        listener.set_backlog_limit(backlog.max(1));
        slot.state = ListenerState::Busy { listener };
        t.listener_handle(i).ok_or(TcpError::NoListenerSlot)
    }

    /// Stops listening: half-open connections are forgotten, connections not yet accepted
    /// are aborted (with a RST), and the slot is released. Accepted connections go on.
    pub fn tcp_unlisten(&mut self, now: Instant, listener: ListenerHandle) -> Result<(), TcpError> {
        let li = self.core.tcp.listener_index(listener).ok_or(TcpError::InvalidHandle)?;
        let id = Some((listener.index, listener.generation));
        for i in 0..self.core.tcp.slots.len() {
            if let Some(SlotState::Busy { conn, meta }) =
                self.core.tcp.slots.get_mut(i).map(|s| &mut s.state)
            {
                if meta.listener == id {
                    conn.abort(now);
                    self.sync(now, i);
                }
            }
        }
        if let Some(l) = self.core.tcp.listeners.get_mut(li) {
            l.release();
        }
        Ok(())
    }

    /// The oldest connection of `listener` waiting to be accepted (RFC 9293 §3.10.7.2),
    /// now the application's; `None` when none waits ([`Event::TcpAcceptReady`](crate::Event::TcpAcceptReady)
    /// says when one does) or the handle is stale.
    pub fn tcp_accept(&mut self, now: Instant, listener: ListenerHandle) -> Option<TcpHandle> {
        let li = self.core.tcp.listener_index(listener)?;
        let id = Some((listener.index, listener.generation));
        let (_, i) = self
            .core
            .tcp
            .slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match &s.state {
                SlotState::Busy { meta, .. } if meta.listener == id => Some((meta.accept_order, i)),
                _ => None,
            })
            .min()?;
        if let Some(SlotState::Busy { meta, .. }) =
            self.core.tcp.slots.get_mut(i).map(|s| &mut s.state)
        {
            meta.listener = None;
            meta.accepted = true;
            let (local, remote) = (meta.local, meta.remote);
            // Its handshake leaves the backlog: room for the next one.
            if let Some(ListenerState::Busy { listener }) =
                self.core.tcp.listeners.get_mut(li).map(|l| &mut l.state)
            {
                listener.remove(local.addr, remote.addr, remote.port);
            }
        }
        self.sync(now, i);
        self.core.tcp.handle(i)
    }

    /// Active open (RFC 9293 §3.10.1) to `remote`, from `local_port` or an RFC 6056
    /// ephemeral port; the SYN leaves with the next `poll_transmit` and
    /// [`TcpEvent::Connected`](super::TcpEvent::Connected) follows the handshake. Data may
    /// be queued at once. The connection takes a slot ([`TcpError::NoSlot`] when none is
    /// free nor in TIME-WAIT).
    pub fn tcp_connect(
        &mut self,
        now: Instant,
        remote: Endpoint<Ipv4Addr>,
        local_port: Option<u16>,
    ) -> Result<TcpHandle, TcpError> {
        let c = &mut self.core;
        let our = c.usable_addr().ok_or(TcpError::NoAddress)?;
        let a = remote.addr;
        if a.is_unspecified() || a.is_multicast() || c.is_broadcast(a) || remote.port == 0 {
            return Err(TcpError::Unaddressable);
        }
        let t = &mut c.tcp;
        let port = match local_port {
            Some(0) => return Err(TcpError::Unaddressable),
            Some(p) if t.port_in_use(p, remote) => return Err(TcpError::AddrInUse),
            Some(p) => p,
            None => {
                let mut ports = t.ports.clone();
                let picked =
                    ports.select(&our, &remote.addr, remote.port, |p| t.port_in_use(p, remote));
                t.ports = ports;
                picked.map_err(|_| TcpError::PortsExhausted)?
            }
        };
        let (i, rx, tx) = t.take_slot(&mut c.counters).ok_or(TcpError::NoSlot)?;
        let local = Endpoint::new(our, port);
        let open = Open {
            local,
            remote,
            iss: t.isn.generate(now, our, port, remote.addr, remote.port),
            ts_offset: c.rng.next_u32(),
        };
        let conn = Connection::connect(
            now,
            t.conn_config(),
            open,
            RingBuffer::new(rx),
            RingBuffer::new(tx),
        );
        let meta = Meta {
            listener: None,
            accept_order: 0,
            accepted: true,
            user_closed: false,
            time_wait_since: None,
            ending: None,
            local,
            remote,
        };
        let slot = t.slots.get_mut(i).ok_or(TcpError::NoSlot)?;
        slot.state = SlotState::Busy { conn, meta };
        crate::counters::bump(&mut c.counters.tcp_connects);
        t.handle(i).ok_or(TcpError::NoSlot)
    }

    /// Queues as much of `data` as the send buffer takes (RFC 9293 §3.10.2 SEND); `Ok(0)`
    /// when it is full ([`TcpEvent::Writable`](super::TcpEvent::Writable) says when room
    /// comes back).
    pub fn tcp_send(&mut self, handle: TcpHandle, data: &[u8]) -> Result<usize, TcpError> {
        self.with_conn(handle, |conn| conn.send(data))
    }

    /// Zero-copy send: `f` writes into the free part of the send buffer (one contiguous
    /// run) and returns how many bytes it wrote.
    pub fn tcp_send_with(
        &mut self,
        handle: TcpHandle,
        f: impl FnOnce(&mut [u8]) -> usize,
    ) -> Result<usize, TcpError> {
        self.with_conn(handle, |conn| conn.send_with(f))
    }

    /// Moves received data into `buf` (RFC 9293 §3.10.3 RECEIVE); `Ok(0)` when nothing
    /// waits; [`unet_tcp::conn::Error::Finished`] (in [`TcpError::Connection`]) once the
    /// peer closed and everything was read; [`TcpError::Reset`] and the like once the
    /// connection ended so.
    pub fn tcp_recv(&mut self, handle: TcpHandle, buf: &mut [u8]) -> Result<usize, TcpError> {
        self.with_conn(handle, |conn| conn.recv(buf))
    }

    /// Zero-copy receive: `f` reads the contiguous received data at the front and returns
    /// how much it consumed.
    pub fn tcp_recv_with(
        &mut self,
        handle: TcpHandle,
        f: impl FnOnce(&[u8]) -> usize,
    ) -> Result<usize, TcpError> {
        self.with_conn(handle, |conn| conn.recv_with(f))
    }

    /// Half-close (RFC 9293 §3.10.4): a FIN follows the queued data; receiving goes on.
    pub fn tcp_shutdown(&mut self, handle: TcpHandle) -> Result<(), TcpError> {
        self.with_conn(handle, |conn| conn.shutdown())
    }

    /// Closes (RFC 9293 §3.10.4, RFC 1122 §4.2.2.13: unread data makes it a RST): the
    /// handle is the stack's from now on — only [`tcp_state`](Stack::tcp_state) and
    /// [`tcp_info`](Stack::tcp_info) still answer — and the slot is released once the
    /// connection is CLOSED (after TIME-WAIT if we closed first). On a connection that
    /// is already CLOSED, releases the slot at once.
    pub fn tcp_close(&mut self, now: Instant, handle: TcpHandle) -> Result<(), TcpError> {
        let i = self.live_index(handle)?;
        if let Some(SlotState::Busy { conn, meta }) =
            self.core.tcp.slots.get_mut(i).map(|s| &mut s.state)
        {
            meta.user_closed = true;
            let _ = conn.close(now);
        }
        self.sync(now, i);
        Ok(())
    }

    /// Aborts (RFC 9293 §3.10.5): a RST goes out where the peer knows the connection,
    /// and the slot is released at once.
    pub fn tcp_abort(&mut self, now: Instant, handle: TcpHandle) -> Result<(), TcpError> {
        let i = self.core.tcp.index(handle).ok_or(TcpError::InvalidHandle)?;
        if let Some(SlotState::Busy { conn, meta }) =
            self.core.tcp.slots.get_mut(i).map(|s| &mut s.state)
        {
            meta.user_closed = true;
            conn.abort(now);
        }
        self.sync(now, i);
        Ok(())
    }

    /// The connection's RFC 9293 state.
    pub fn tcp_state(&self, handle: TcpHandle) -> Result<State, TcpError> {
        self.conn(handle).map(|c| c.state())
    }

    /// The connection's diagnostics: state, RTT, RTO, congestion window, queues, counters.
    pub fn tcp_info(&self, handle: TcpHandle) -> Result<TcpInfo, TcpError> {
        let c = self.conn(handle)?;
        Ok(TcpInfo {
            state: c.state(),
            local: c.local(),
            remote: c.remote(),
            mss: c.mss(),
            srtt: c.srtt(),
            rttvar: c.rttvar(),
            rto: c.rto(),
            cwnd: c.cwnd(),
            ssthresh: c.ssthresh(),
            bytes_in_flight: c.bytes_in_flight(),
            snd_wnd: c.snd_wnd(),
            send_queue: c.send_queue(),
            recv_queue: c.recv_queue(),
            window_scales: c.window_scales(),
            timestamps: c.timestamps_enabled(),
            sack: c.sack_enabled(),
            in_recovery: c.in_recovery(),
            counters: *c.counters(),
        })
    }

    /// Nagle's algorithm off (`true`, `TCP_NODELAY`) or on (RFC 896, RFC 9293 §3.7.4).
    pub fn tcp_set_nodelay(&mut self, handle: TcpHandle, nodelay: bool) -> Result<(), TcpError> {
        self.with_conn(handle, |conn| {
            conn.set_nagle(!nodelay);
            Ok(())
        })
    }

    /// The connection itself, for what the stack does not wrap (urgent data, keep-alive
    /// counters…). Read-only: changing it behind the stack's back is not supported.
    pub fn tcp_connection(&self, handle: TcpHandle) -> Result<&Connection<'a, Ipv4Addr>, TcpError> {
        self.conn(handle)
    }

    /// What a listener did and dropped (SYNs queued, cookies sent and accepted…).
    pub fn tcp_listener_counters(
        &self,
        listener: ListenerHandle,
    ) -> Result<ListenerCounters, TcpError> {
        let li = self.core.tcp.listener_index(listener).ok_or(TcpError::InvalidHandle)?;
        match self.core.tcp.listeners.get(li).map(|l| &l.state) {
            Some(ListenerState::Busy { listener }) => Ok(*listener.counters()),
            _ => Err(TcpError::InvalidHandle),
        }
    }

    /// Connection slots in use (TIME-WAIT and not-yet-accepted connections included).
    pub fn tcp_connections_in_use(&self) -> usize {
        self.core.tcp.slots.iter().filter(|s| matches!(s.state, SlotState::Busy { .. })).count()
    }

    /// Connections in TIME-WAIT (each holds its slot until 2*MSL is over, or until it is
    /// recycled for a new connection).
    pub fn tcp_time_wait_count(&self) -> usize {
        self.core
            .tcp
            .slots
            .iter()
            .filter(|s| matches!(&s.state, SlotState::Busy { conn, .. } if conn.state() == State::TimeWait))
            .count()
    }

    // ----- helpers -----

    fn sync(&mut self, now: Instant, i: usize) {
        let c = &mut self.core;
        c.tcp.sync(i, now, &mut c.events, &mut c.counters);
    }

    fn conn(&self, handle: TcpHandle) -> Result<&Connection<'a, Ipv4Addr>, TcpError> {
        let i = self.core.tcp.index(handle).ok_or(TcpError::InvalidHandle)?;
        match self.core.tcp.slots.get(i).map(|s| &s.state) {
            Some(SlotState::Busy { conn, .. }) => Ok(conn),
            _ => Err(TcpError::InvalidHandle),
        }
    }

    /// The slot of a handle the application still owns (accepted, not closed).
    fn live_index(&self, handle: TcpHandle) -> Result<usize, TcpError> {
        let i = self.core.tcp.index(handle).ok_or(TcpError::InvalidHandle)?;
        match self.core.tcp.slots.get(i).map(|s| &s.state) {
            Some(SlotState::Busy { meta, .. }) if meta.accepted && !meta.user_closed => Ok(i),
            _ => Err(TcpError::InvalidHandle),
        }
    }

    /// Runs `f` on a live connection; its events are reported after. A connection that
    /// ended by itself answers with why ([`TcpError::Reset`]…) instead of "closed".
    fn with_conn<T>(
        &mut self,
        handle: TcpHandle,
        f: impl FnOnce(&mut Connection<'a, Ipv4Addr>) -> Result<T, unet_tcp::conn::Error>,
    ) -> Result<T, TcpError> {
        let i = self.live_index(handle)?;
        let Some(SlotState::Busy { conn, meta }) =
            self.core.tcp.slots.get_mut(i).map(|s| &mut s.state)
        else {
            return Err(TcpError::InvalidHandle);
        };
        let result = f(conn).map_err(|e| match (e, meta.ending) {
            (unet_tcp::conn::Error::Closed, Some(ending)) => ending,
            (e, _) => TcpError::Connection(e),
        });
        // Reading may open the window, sending may queue segments: nothing to report
        // until the transmit path runs, but events the call caused are drained now.
        let now = self.core.last_now;
        self.sync(now, i);
        result
    }
}
