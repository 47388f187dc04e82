//! DNS over TCP for one connection (RFC 7766): messages with a 2-byte length prefix
//! (RFC 1035 §4.2.2), any number per connection, pipelined, answered in order.
//!
//! How a runner drives a [`TcpSession`] (one per accepted connection):
//!
//! 1. bytes read from the socket → [`TcpSession::handle_input`], which answers every
//!    complete query through the [`Server`] and returns how many bytes it took; bytes
//!    it did not take (its input buffer is full because responses are not being read)
//!    are offered again later: stop reading the socket meanwhile (backpressure);
//! 2. [`TcpSession::poll_transmit`] → write those bytes to the socket, then
//!    [`TcpSession::handle_sent`] with how many were written (it answers queries that
//!    waited for room);
//! 3. the peer's FIN → [`TcpSession::handle_eof`];
//! 4. [`TcpSession::poll_timeout`] → at that instant call [`TcpSession::handle_timeout`];
//! 5. close the connection once [`TcpSession::is_closed`].
//!
//! Capacities ([`TcpConfig`]): the input buffer bounds the bytes of queries not yet
//! answered (a message announced longer than it closes the connection, counted);
//! `max_in_flight` bounds the complete queries waiting for output room; the output buffer
//! must hold one largest response (65537 bytes) and bounds what is queued for a slow
//! reader. Buffers are allocated once, when the session is created.

use alloc::vec;
use alloc::vec::Vec;
use core::net::IpAddr;

use unet_core::{Duration, Instant};

use super::axfr::Xfr;
use super::{Authority, Server, Transport, MAX_TCP_MESSAGE};

/// Bytes of one length-prefixed message at most.
const MAX_FRAME: usize = MAX_TCP_MESSAGE + 2;

/// Capacities and the idle timeout of a [`TcpSession`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpConfig {
    /// Close a connection idle this long (RFC 7766 §6.2.3; Knot and NSD use about 10 s).
    pub idle_timeout: Duration,
    /// Bytes of received, unanswered queries kept (at least 514).
    pub input_capacity: usize,
    /// Bytes of responses waiting to be written (at least 65537: one largest response).
    pub output_capacity: usize,
    /// Complete queries waiting for output room before input stops being accepted.
    pub max_in_flight: usize,
}

impl Default for TcpConfig {
    fn default() -> TcpConfig {
        TcpConfig {
            idle_timeout: Duration::from_secs(10),
            input_capacity: 16 * 1024,
            output_capacity: 2 * MAX_FRAME,
            max_in_flight: 100,
        }
    }
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TcpClose {
    /// No query and no progress for [`TcpConfig::idle_timeout`].
    Idle,
    /// The peer closed its side and every answer was written.
    PeerClosed,
    /// A zero-length message, or one longer than the input buffer.
    BadFrame,
}

/// Counters of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TcpCounters {
    /// Messages received.
    pub queries: u64,
    /// Responses queued.
    pub responses: u64,
    /// Messages answered with nothing (the server dropped them).
    pub unanswered: u64,
    /// Bytes refused by [`TcpSession::handle_input`] because the input was full.
    pub input_refused: u64,
}

/// One DNS-over-TCP connection (RFC 7766).
#[derive(Debug, Clone)]
pub struct TcpSession {
    config: TcpConfig,
    client: IpAddr,
    input: Vec<u8>,
    in_len: usize,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    last_activity: Instant,
    peer_closed: bool,
    closed: Option<TcpClose>,
    counters: TcpCounters,
    /// An AXFR being sent: later queries wait until it ends (answers stay in order).
    xfr: Option<Xfr>,
}

impl TcpSession {
    /// A session for a connection from `client`, accepted at `now`.
    pub fn new(now: Instant, client: IpAddr, config: TcpConfig) -> TcpSession {
        let config = TcpConfig {
            input_capacity: config.input_capacity.max(514),
            output_capacity: config.output_capacity.max(MAX_FRAME),
            max_in_flight: config.max_in_flight.max(1),
            ..config
        };
        TcpSession {
            config,
            client,
            input: vec![0; config.input_capacity],
            in_len: 0,
            output: vec![0; config.output_capacity],
            out_start: 0,
            out_end: 0,
            last_activity: now,
            peer_closed: false,
            closed: None,
            counters: TcpCounters::default(),
            xfr: None,
        }
    }

    /// The counters.
    pub fn counters(&self) -> TcpCounters {
        self.counters
    }

    /// Why the session ended, once it has.
    pub fn close_reason(&self) -> Option<TcpClose> {
        self.closed
    }

    /// True when the runner should close the connection.
    pub fn is_closed(&self) -> bool {
        self.closed.is_some()
    }

    /// Takes bytes read from the connection and answers the complete queries among them;
    /// returns how many bytes were taken (the rest must be offered again later).
    pub fn handle_input(
        &mut self,
        now: Instant,
        data: &[u8],
        server: &mut Server,
        authority: &Authority,
    ) -> usize {
        if self.closed.is_some() || self.peer_closed {
            return 0;
        }
        let mut taken = 0;
        loop {
            let room = self.input.len() - self.in_len;
            let n = room.min(data.len() - taken);
            if n > 0 && self.complete_queries() < self.config.max_in_flight {
                self.input[self.in_len..self.in_len + n].copy_from_slice(&data[taken..taken + n]);
                self.in_len += n;
                taken += n;
                self.last_activity = now;
            }
            let before = self.in_len;
            self.process(now, server, authority);
            if taken == data.len() || self.in_len == before || self.closed.is_some() {
                break;
            }
        }
        self.counters.input_refused += (data.len() - taken) as u64;
        taken
    }

    /// Complete messages in the input buffer.
    fn complete_queries(&self) -> usize {
        let mut at = 0;
        let mut n = 0;
        while let Some(len) = self.input.get(at..at + 2) {
            let end = at + 2 + usize::from(u16::from_be_bytes([len[0], len[1]]));
            if end > self.in_len {
                break;
            }
            n += 1;
            at = end;
        }
        n
    }

    /// Answers complete queries while the output has room for a largest response.
    fn process(&mut self, now: Instant, server: &mut Server, authority: &Authority) {
        let mut at = 0;
        while self.closed.is_none() {
            if !self.make_room() {
                break;
            }
            if let Some(xfr) = &mut self.xfr {
                let out = &mut self.output[self.out_end + 2..];
                match xfr.next_message(authority, out) {
                    Some(n) => self.push_frame(n),
                    None => self.xfr = None,
                }
                continue;
            }
            let Some(head) = self.input.get(at..at + 2).filter(|_| at + 2 <= self.in_len) else {
                break;
            };
            let len = usize::from(u16::from_be_bytes([head[0], head[1]]));
            if len == 0 || 2 + len > self.input.len() {
                // A message that can never be read whole: end the connection.
                self.closed = Some(TcpClose::BadFrame);
                break;
            }
            if at + 2 + len > self.in_len {
                break;
            }
            self.counters.queries += 1;
            let query = &self.input[at + 2..at + 2 + len];
            if let Some(xfr) = Xfr::start(query, server, authority, self.client) {
                server.counters.transfers += 1;
                self.xfr = Some(xfr);
                at += 2 + len;
                continue;
            }
            let out = &mut self.output[self.out_end + 2..];
            match server.handle_query(now, authority, self.client, Transport::Tcp, query, out) {
                Some(n) => self.push_frame(n),
                None => self.counters.unanswered += 1,
            }
            at += 2 + len;
        }
        if at > 0 {
            self.input.copy_within(at..self.in_len, 0);
            self.in_len -= at;
        }
        self.check_done();
    }

    /// Makes room for a largest response at the end of the output; false if there is none.
    fn make_room(&mut self) -> bool {
        if self.output.len() - self.out_end >= MAX_FRAME {
            return true;
        }
        if self.out_start > 0 {
            self.output.copy_within(self.out_start..self.out_end, 0);
            self.out_end -= self.out_start;
            self.out_start = 0;
        }
        self.output.len() - self.out_end >= MAX_FRAME
    }

    /// Frames the `n`-byte response written after the length slot.
    fn push_frame(&mut self, n: usize) {
        let n16 = n.min(MAX_TCP_MESSAGE) as u16;
        self.output[self.out_end..self.out_end + 2].copy_from_slice(&n16.to_be_bytes());
        self.out_end += 2 + usize::from(n16);
        self.counters.responses += 1;
    }

    /// The bytes to write to the connection.
    pub fn poll_transmit(&self) -> &[u8] {
        &self.output[self.out_start..self.out_end]
    }

    /// `n` bytes of [`TcpSession::poll_transmit`] were written; answers queries that
    /// waited for room.
    pub fn handle_sent(
        &mut self,
        now: Instant,
        n: usize,
        server: &mut Server,
        authority: &Authority,
    ) {
        let n = n.min(self.out_end - self.out_start);
        self.out_start += n;
        if self.out_start == self.out_end {
            self.out_start = 0;
            self.out_end = 0;
        }
        if n > 0 {
            self.last_activity = now;
        }
        if self.closed.is_none() {
            self.process(now, server, authority);
        }
    }

    /// The peer closed its sending side: finish the answers, then close.
    pub fn handle_eof(&mut self) {
        self.peer_closed = true;
        self.check_done();
    }

    fn check_done(&mut self) {
        let idle = self.out_start == self.out_end && self.xfr.is_none();
        if self.peer_closed && self.closed.is_none() && idle {
            self.closed = Some(TcpClose::PeerClosed);
        }
    }

    /// When the session times out if nothing happens (RFC 7766 §6.2.3).
    pub fn poll_timeout(&self) -> Option<Instant> {
        match self.closed {
            Some(_) => None,
            None => Some(self.last_activity + self.config.idle_timeout),
        }
    }

    /// Closes the session if it has been idle until `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.poll_timeout().is_some_and(|t| now >= t) {
            self.closed = Some(TcpClose::Idle);
        }
    }
}
