//! The TCP services of `unet host` — echo (RFC 862), discard (RFC 863) and a source of
//! N pattern bytes — on top of the [`Stack`]'s TCP socket API.
//!
//! [`TcpApps::poll`] is called from the runner's application callback (after every few
//! frames and once a turn; every round in the demo's simulation): it accepts what the
//! listeners hold, then moves data on every connection it serves, as far as the buffers
//! allow. It looks at every connection each time rather than trusting the stack's events
//! alone, because the event queue drops its oldest entry when full and a lost "readable"
//! would stall a connection whose window is closed.
//!
//! A connection is served until its close is complete: the peer's FIN read and ours sent
//! (the echo and discard services close when the peer does; the source shuts its side
//! down after the last byte and closes when the peer does), then [`TcpRecord::Closed`]
//! reports it once it reaches TIME-WAIT or CLOSED, with its last [`TcpInfo`].

use std::net::Ipv4Addr;

use unet_core::Instant;
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::tcp::Endpoint;
use unet_stack::{ListenerHandle, Stack, TcpError, TcpHandle, TcpInfo};

use super::pattern;
use super::tcp_record::{TcpRecord, TcpService, TcpStats, TcpSummary};

/// Connections waiting for accept on each listening port (the stack caps it at its
/// listener slots' backlog storage, 16 by default).
pub const TCP_BACKLOG: usize = 16;

/// Bytes moved per receive call (the echo service's copy buffer).
const SCRATCH_BYTES: usize = 64 * 1024;

/// Where a served connection is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Reading (and for echo and source, writing).
    Open,
    /// The source sent its last byte and its FIN; reading until the peer's FIN.
    Draining,
    /// `tcp_close` was called: waiting for TIME-WAIT or CLOSED to report it.
    Closing,
}

/// One connection a service holds.
#[derive(Debug)]
struct Served {
    handle: TcpHandle,
    port: u16,
    service: TcpService,
    peer: Endpoint<Ipv4Addr>,
    opened: Instant,
    received: u64,
    sent: u64,
    phase: Phase,
    /// Echo: bytes read that the send buffer did not take yet (sent before reading more).
    carry: Vec<u8>,
    info: Option<TcpInfo>,
    error: Option<TcpError>,
}

/// TCP services on some ports of one stack.
#[derive(Debug)]
pub struct TcpApps {
    listeners: Vec<(u16, TcpService, ListenerHandle)>,
    /// Connections to open once the address is ready: the server and the bytes to send.
    to_connect: Vec<(Endpoint<Ipv4Addr>, u64)>,
    conns: Vec<Served>,
    scratch: Vec<u8>,
    stats: TcpStats,
}

impl TcpApps {
    /// Listens on each port for its service. Fails (releasing what it opened) when a
    /// port is taken or the stack has no free listener slot.
    pub fn open(
        stack: &mut Stack<'_>,
        now: Instant,
        services: &[(u16, TcpService)],
    ) -> Result<TcpApps, (u16, TcpError)> {
        let mut apps = TcpApps {
            listeners: Vec::new(),
            to_connect: Vec::new(),
            conns: Vec::new(),
            scratch: vec![0; SCRATCH_BYTES],
            stats: TcpStats::default(),
        };
        for &(port, service) in services {
            match stack.tcp_listen(port, TCP_BACKLOG) {
                Ok(l) => apps.listeners.push((port, service, l)),
                Err(e) => {
                    apps.close(stack, now);
                    return Err((port, e));
                }
            }
        }
        Ok(apps)
    }

    /// Connects to `server` as soon as our address is ready (RFC 5227 probing may still be
    /// going on), sends `bytes` bytes of the pattern, then closes our side and reads until
    /// the server closes its own. Reported like the services' connections
    /// ([`TcpService::Client`]).
    pub fn connect(&mut self, server: Endpoint<Ipv4Addr>, bytes: u64) {
        self.to_connect.push((server, bytes));
    }

    /// Connections opened or still to open with [`TcpApps::connect`], served or not.
    pub fn clients_pending(&self) -> usize {
        let served = self.conns.iter().filter(|c| matches!(c.service, TcpService::Client { .. }));
        self.to_connect.len() + served.count()
    }

    /// The ports served and their services.
    pub fn services(&self) -> impl Iterator<Item = (u16, TcpService)> + '_ {
        self.listeners.iter().map(|&(p, s, _)| (p, s))
    }

    /// Totals so far.
    pub fn stats(&self) -> TcpStats {
        self.stats
    }

    /// Connections being served.
    pub fn active(&self) -> usize {
        self.conns.len()
    }

    /// Accepts waiting connections and serves every connection; `on` hears of each
    /// connection opened and closed.
    pub fn poll(&mut self, stack: &mut Stack<'_>, now: Instant, mut on: impl FnMut(TcpRecord)) {
        for &(port, service, listener) in &self.listeners {
            while let Some(handle) = stack.tcp_accept(now, listener) {
                let Ok(info) = stack.tcp_info(handle) else { continue };
                self.stats.accepted = self.stats.accepted.saturating_add(1);
                self.conns.push(Served {
                    handle,
                    port,
                    service,
                    peer: info.remote,
                    opened: now,
                    received: 0,
                    sent: 0,
                    phase: Phase::Open,
                    carry: Vec::new(),
                    info: Some(info),
                    error: None,
                });
                on(TcpRecord::Opened { port, service, peer: info.remote });
            }
        }
        if stack.ipv4_addr().is_some() {
            for (server, bytes) in std::mem::take(&mut self.to_connect) {
                self.open_client(stack, now, server, bytes, &mut on);
            }
        }
        let mut i = 0;
        while let Some(c) = self.conns.get_mut(i) {
            if c.serve(stack, now, &mut self.scratch, &mut self.stats) {
                let c = self.conns.remove(i);
                let summary = c.summary(now);
                let s = &mut self.stats;
                // What never left the send buffer (a connection that failed) is not out.
                let unsent = c.sent.saturating_sub(summary.sent);
                s.bytes_out = s.bytes_out.saturating_sub(unsent);
                match summary.error {
                    None => s.closed = s.closed.saturating_add(1),
                    Some(_) => s.failed = s.failed.saturating_add(1),
                }
                let retransmitted = summary.info.map_or(0, |i| i.counters.retransmitted_segments);
                s.retransmitted = s.retransmitted.saturating_add(u64::from(retransmitted));
                on(TcpRecord::Closed(Box::new(summary)));
            } else {
                i += 1;
            }
        }
    }

    fn open_client(
        &mut self,
        stack: &mut Stack<'_>,
        now: Instant,
        server: Endpoint<Ipv4Addr>,
        bytes: u64,
        on: &mut impl FnMut(TcpRecord),
    ) {
        let service = TcpService::Client { bytes };
        let opened = stack.tcp_connect(now, server, None).and_then(|h| Ok((h, stack.tcp_info(h)?)));
        match opened {
            Ok((handle, info)) => {
                self.stats.connected = self.stats.connected.saturating_add(1);
                let port = info.local.port;
                on(TcpRecord::Opened { port, service, peer: server });
                self.conns.push(Served {
                    handle,
                    port,
                    service,
                    peer: server,
                    opened: now,
                    received: 0,
                    sent: 0,
                    phase: Phase::Open,
                    carry: Vec::new(),
                    info: Some(info),
                    error: None,
                });
            }
            Err(e) => {
                self.stats.failed = self.stats.failed.saturating_add(1);
                on(TcpRecord::Closed(Box::new(TcpSummary {
                    port: 0,
                    service,
                    peer: server,
                    received: 0,
                    sent: 0,
                    lasted: unet_core::Duration::ZERO,
                    error: Some(e),
                    info: None,
                })));
            }
        }
    }

    /// Stops listening and aborts the connections still served (RSTs go out with the
    /// next transmit).
    pub fn close(&mut self, stack: &mut Stack<'_>, now: Instant) {
        for (_, _, l) in self.listeners.drain(..) {
            let _ = stack.tcp_unlisten(now, l);
        }
        for c in self.conns.drain(..) {
            let _ = stack.tcp_abort(now, c.handle);
        }
    }
}

/// What reading found.
enum Read {
    /// Nothing more for now.
    Later,
    /// The peer's FIN: everything it sent was read.
    PeerClosed,
}

/// Counts `n` into `a`.
fn add(a: &mut u64, n: usize) {
    *a = a.saturating_add(n as u64);
}

impl Served {
    /// Moves this connection along; true once the service is done with it.
    fn serve(
        &mut self,
        stack: &mut Stack<'_>,
        now: Instant,
        scratch: &mut [u8],
        stats: &mut TcpStats,
    ) -> bool {
        if self.phase == Phase::Closing {
            return self.closing(stack);
        }
        let step = match self.service {
            TcpService::Echo => self.echo(stack, scratch, stats),
            TcpService::Discard => self.discard(stack, stats),
            TcpService::Source { bytes } | TcpService::Client { bytes } => {
                self.source(stack, bytes, stats)
            }
        };
        match step {
            Ok(Read::Later) => false,
            Ok(Read::PeerClosed) => {
                // Both directions are done: ours ends with a FIN (CLOSE-WAIT to LAST-ACK,
                // or FIN-WAIT-2 already for the source).
                self.info = stack.tcp_info(self.handle).ok().or(self.info);
                if let Err(e) = stack.tcp_close(now, self.handle) {
                    self.error = Some(e);
                    return true;
                }
                self.phase = Phase::Closing;
                self.closing(stack)
            }
            Err(e) => {
                // Reset, timed out, unreachable: the slot is released by closing it.
                self.error = Some(e);
                self.info = stack.tcp_info(self.handle).ok().or(self.info);
                let _ = stack.tcp_close(now, self.handle);
                true
            }
        }
    }

    /// After our close: done in TIME-WAIT (the stack keeps the slot for 2*MSL) or once
    /// the slot is released (LAST-ACK acknowledged).
    fn closing(&mut self, stack: &Stack<'_>) -> bool {
        match stack.tcp_info(self.handle) {
            Ok(info) => {
                self.info = Some(info);
                matches!(info.state, State::TimeWait | State::Closed)
            }
            Err(_) => true,
        }
    }

    /// Reads and drops everything waiting.
    fn drain(&mut self, stack: &mut Stack<'_>, stats: &mut TcpStats) -> Result<Read, TcpError> {
        loop {
            match stack.tcp_recv_with(self.handle, |data| data.len()) {
                Ok(0) => return Ok(Read::Later),
                Ok(n) => {
                    add(&mut self.received, n);
                    add(&mut stats.bytes_in, n);
                }
                Err(TcpError::Connection(ConnError::Finished)) => return Ok(Read::PeerClosed),
                Err(e) => return Err(e),
            }
        }
    }

    /// RFC 863: read and drop.
    fn discard(&mut self, stack: &mut Stack<'_>, stats: &mut TcpStats) -> Result<Read, TcpError> {
        self.drain(stack, stats)
    }

    /// RFC 862: what comes in goes back out, as fast as the send buffer takes it (reading
    /// stops while it is full, so a peer that does not read is paced by our window).
    fn echo(
        &mut self,
        stack: &mut Stack<'_>,
        scratch: &mut [u8],
        stats: &mut TcpStats,
    ) -> Result<Read, TcpError> {
        loop {
            if !self.carry.is_empty() {
                let n = stack.tcp_send(self.handle, &self.carry)?;
                self.carry.drain(..n.min(self.carry.len()));
                add(&mut self.sent, n);
                add(&mut stats.bytes_out, n);
                if !self.carry.is_empty() {
                    return Ok(Read::Later);
                }
            }
            let room = stack.tcp_connection(self.handle)?.send_capacity();
            let Some(buf) = scratch.get_mut(..room.min(SCRATCH_BYTES)) else {
                return Ok(Read::Later);
            };
            if buf.is_empty() {
                return Ok(Read::Later);
            }
            match stack.tcp_recv(self.handle, buf) {
                Ok(0) => return Ok(Read::Later),
                Ok(n) => {
                    add(&mut self.received, n);
                    add(&mut stats.bytes_in, n);
                    let data = buf.get(..n).unwrap_or_default();
                    let m = stack.tcp_send(self.handle, data)?;
                    add(&mut self.sent, m);
                    add(&mut stats.bytes_out, m);
                    self.carry.extend_from_slice(data.get(m..).unwrap_or_default());
                }
                Err(TcpError::Connection(ConnError::Finished)) => return Ok(Read::PeerClosed),
                Err(e) => return Err(e),
            }
        }
    }

    /// `total` bytes of the pattern, straight into the send buffer, then our FIN; what the
    /// peer sends meanwhile is read and dropped (so closing never finds unread data, which
    /// would turn our FIN into a RST, RFC 1122 §4.2.2.13). Done when the peer closes too.
    fn source(
        &mut self,
        stack: &mut Stack<'_>,
        total: u64,
        stats: &mut TcpStats,
    ) -> Result<Read, TcpError> {
        let read = self.drain(stack, stats)?;
        while self.sent < total {
            let at = self.sent;
            let n = stack.tcp_send_with(self.handle, |buf| {
                let left = usize::try_from(total - at).unwrap_or(usize::MAX);
                let n = buf.len().min(left);
                if let Some(part) = buf.get_mut(..n) {
                    pattern::fill(at, part);
                }
                n
            })?;
            if n == 0 {
                break;
            }
            add(&mut self.sent, n);
            add(&mut stats.bytes_out, n);
        }
        // Not before the handshake is over (a client's): a CLOSE in SYN-SENT would delete
        // the connection with its queued data (RFC 9293 §3.10.4).
        let synchronized = stack.tcp_state(self.handle)?.is_synchronized();
        if self.sent >= total && self.phase == Phase::Open && synchronized {
            stack.tcp_shutdown(self.handle)?;
            self.phase = Phase::Draining;
        }
        match read {
            Read::PeerClosed if self.phase == Phase::Draining => Ok(Read::PeerClosed),
            _ => Ok(Read::Later),
        }
    }

    fn summary(&self, now: Instant) -> TcpSummary {
        TcpSummary {
            port: self.port,
            service: self.service,
            peer: self.peer,
            received: self.received,
            // An orderly close delivered everything; a failure what the peer acknowledged.
            sent: match (self.error, self.info) {
                (Some(_), Some(info)) => {
                    // `bytes_acked` wraps at 2^32; what is unacknowledged is less than that.
                    let unacked = (self.sent as u32).wrapping_sub(info.counters.bytes_acked);
                    self.sent.saturating_sub(u64::from(unacked))
                }
                (Some(_), None) => 0,
                (None, _) => self.sent,
            },
            lasted: now.saturating_duration_since(self.opened),
            error: self.error,
            info: self.info,
        }
    }
}
