//! TCP on the stack (RFC 9293): the connection and listener slots, demultiplexing by
//! 4-tuple, RSTs for segments nobody wants, ICMP errors to the connection they concern, the
//! transmit round robin, timers, and the socket API on [`Stack`](crate::Stack).
//!
//! The machines are unet-tcp's ([`Connection`](unet_tcp::Connection),
//! [`Listener`](unet_tcp::Listener)); this module only routes segments, owns their
//! memory and reports events. The table (`table.rs`) is generic over the IP version;
//! the IPv4 glue is in `rx`/`tx`.
//!
//! # Capacities (DESIGN.md §5)
//!
//! | what | bound | when full |
//! |---|---|---|
//! | connections | [`Storage::tcp_connections`](crate::Storage::tcp_connections) slots, each with its own send and receive buffers | the TIME-WAIT connection that entered TIME-WAIT first is recycled (as Linux does when its TIME-WAIT table is full, `tcp_max_tw_buckets`; counted in `tcp_time_wait_recycled`); with none, [`tcp_connect`](crate::Stack::tcp_connect) fails with [`TcpError::NoSlot`] and a handshake's final ACK is dropped (counted in `tcp_no_connection_slot`; the peer repeats it when our SYN-ACK is retransmitted) |
//! | listeners | [`Storage::tcp_listeners`](crate::Storage::tcp_listeners) slots, each with its SYN queue and accept backlog | [`TcpError::NoListenerSlot`]; a full SYN queue answers with SYN cookies (RFC 4987) |
//! | connections waiting for `tcp_accept` | the listener's accept backlog: the `backlog` given to [`tcp_listen`](crate::Stack::tcp_listen), at most the slot's backlog storage | the final ACK is dropped (counted in `tcp_accept_backlog_full`), as Linux does; the half-open entry stays and the peer's next ACK gets in once there is room |
//! | segments the stack answers itself (RSTs, SYN-ACKs, listener ACKs) | [`TCP_CONTROL_QUEUE_LEN`] | dropped, counted in `tcp_control_queue_full` |
//! | RSTs to segments for no socket | one [`TokenBucket`](unet_core::TokenBucket) ([`TcpConfig::rst_interval`], [`TcpConfig::rst_burst`]) | not sent, counted in `tcp_rst_rate_limited` |
//!
//! # Connection slots
//!
//! A connection takes a slot when it opens ([`tcp_connect`](crate::Stack::tcp_connect),
//! or a handshake a listener completed: the connection is made at once, so the final ACK's
//! data and whatever follows reach it, and waits for
//! [`tcp_accept`](crate::Stack::tcp_accept)). The slot is released when the connection is
//! CLOSED and the application is done with it: after [`tcp_close`](crate::Stack::tcp_close)
//! (once FIN-WAIT, TIME-WAIT… are over) or [`tcp_abort`](crate::Stack::tcp_abort) (at
//! once); a connection that ended by itself (reset, timed out) keeps its slot, so the
//! application can still read what was received and learn why, until it calls
//! `tcp_close`. Such a slot no longer takes segments: a CLOSED connection has no TCB
//! (RFC 9293 §3.10.7.1), so what arrives for its 4-tuple is answered as for no
//! connection (a RST unless it is one), or reaches the port's listener and may open a new
//! connection. A connection waiting to be accepted that ends is released at once.
//!
//! A connection made by a listener keeps its handshake in the listener's accept backlog
//! until `tcp_accept` takes it (or it ends first), so the listener's backlog is the bound
//! on connections not yet accepted (unet-tcp's listener module docs).
//!
//! **Buffer reuse.** A released slot gets its buffers back from the connection
//! ([`Connection::into_buffers`](unet_tcp::Connection::into_buffers)), and a released
//! listener slot its SYN queue and backlog ([`Listener::into_storage`](unet_tcp::Listener::into_storage)):
//! slots serve any number of connections and listeners, one after the other, over the
//! caller's borrowed storage, without an allocator.

mod api;
mod io;
mod rx;
mod slot;
pub(crate) mod table;
mod tx;

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::{Duration, IpAddress};
use unet_tcp::conn::{self, State};
use unet_tcp::listener::ListenerConfig;
use unet_tcp::Endpoint;

pub use io::{TcpIoError, TcpStream};
pub use slot::{ListenerSlot, TcpSlot};

/// How many segments the stack itself has to send (RSTs for segments nobody wanted, the
/// listeners' SYN-ACKs and ACKs, a connection's last RST) may wait for `poll_transmit`.
/// One more is dropped and counted in
/// [`Counters::tcp_control_queue_full`](crate::Counters::tcp_control_queue_full).
pub const TCP_CONTROL_QUEUE_LEN: usize = 32;

/// What a connection tells the application (carried by [`Event::Tcp`](crate::Event::Tcp)).
pub use unet_tcp::conn::Event as TcpEvent;

/// A connection, as the application holds it. Handles of released slots are stale: every
/// call with one fails with [`TcpError::InvalidHandle`], even once the slot is reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TcpHandle {
    pub(crate) index: u16,
    pub(crate) generation: u16,
}

/// A listening port, as the application holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ListenerHandle {
    pub(crate) index: u16,
    pub(crate) generation: u16,
}

/// `tcp#3`
impl fmt::Display for TcpHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tcp#{}", self.index)
    }
}

/// `listener#1`
impl fmt::Display for ListenerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "listener#{}", self.index)
    }
}

/// Why a TCP call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TcpError {
    /// The handle is not (or no longer) a connection or listener of this stack.
    InvalidHandle,
    /// No IPv4 address is configured (or it is still being probed).
    NoAddress,
    /// The remote address cannot be connected to: unspecified, broadcast, multicast, or
    /// port 0 (RFC 9293 §3.9.1.1, RFC 1122 §4.2.3.10).
    Unaddressable,
    /// The local port is taken: by a listener, or by a connection to the same remote.
    AddrInUse,
    /// No RFC 6056 ephemeral port is free for this remote.
    PortsExhausted,
    /// Every connection slot is busy (and none is in TIME-WAIT to recycle).
    NoSlot,
    /// Every listener slot is busy.
    NoListenerSlot,
    /// The peer refused the connection (RST to our SYN: `ECONNREFUSED`).
    Refused,
    /// The peer reset the connection (`ECONNRESET`).
    Reset,
    /// The connection timed out: user timeout, SYN retries or keep-alives (`ETIMEDOUT`).
    TimedOut,
    /// An ICMP hard error ended the connection (`EHOSTUNREACH`/`ENETUNREACH`).
    Unreachable,
    /// What the connection machine said (end of data, closed, not in this state…).
    Connection(conn::Error),
}

impl From<conn::Error> for TcpError {
    fn from(e: conn::Error) -> TcpError {
        TcpError::Connection(e)
    }
}

impl fmt::Display for TcpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpError::InvalidHandle => f.write_str("invalid TCP handle"),
            TcpError::NoAddress => f.write_str("no IPv4 address configured"),
            TcpError::Unaddressable => f.write_str("remote address cannot be connected to"),
            TcpError::AddrInUse => f.write_str("local port in use"),
            TcpError::PortsExhausted => f.write_str("no ephemeral port available"),
            TcpError::NoSlot => f.write_str("no free TCP connection slot"),
            TcpError::NoListenerSlot => f.write_str("no free TCP listener slot"),
            TcpError::Refused => f.write_str("connection refused"),
            TcpError::Reset => f.write_str("connection reset by peer"),
            TcpError::TimedOut => f.write_str("connection timed out"),
            TcpError::Unreachable => f.write_str("destination unreachable"),
            TcpError::Connection(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for TcpError {}

/// The TCP policy of a stack: what connections and listeners are opened with. Set it with
/// [`Stack::set_tcp_config`](crate::Stack::set_tcp_config); it applies to connections and
/// listeners opened afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TcpConfig {
    /// Every connection's configuration (RFC 9293 options, timers, congestion control).
    /// Its `mss` is lowered to what the interface MTU allows (RFC 9293 §3.7.1:
    /// [`mss_for_mtu`](unet_tcp::conn::mss_for_mtu)).
    ///
    /// **Retransmission timeout.** `connection.rtt` is RFC 6298's by default: the RTO is
    /// never below 1 s (§2.4 "SHOULD be rounded up to 1 second"), which keeps spurious
    /// timeouts (and the needless window collapse they cause) rare on any path, but makes
    /// every loss that only a timeout can repair (a lost retransmission, the last
    /// segments of a transfer) cost a full second even when the round trip is a
    /// millisecond. Linux uses 200 ms (`TCP_RTO_MIN`): for LAN or datacenter peers,
    /// [`RttConfig::LINUX`](unet_tcp::RttConfig::LINUX) recovers five times faster, at
    /// the price of spurious timeouts when the RTT jumps (a busy peer, delayed ACKs of up
    /// to 200 ms on the other side).
    pub connection: conn::Config,
    /// Every listener's configuration. Its `mss` is lowered like the connections', its
    /// SYN-ACK window is at most the smallest connection receive buffer, its window scale
    /// is the one the largest receive buffer needs, and SACK and timestamps are offered
    /// only if `connection` offers them.
    pub listener: ListenerConfig,
    /// RSTs to segments for no socket (RFC 9293 §3.10.7.1): one token every
    /// `rst_interval`... Default 1 ms.
    pub rst_interval: Duration,
    /// ...in bursts of at most `rst_burst`. Default 50.
    pub rst_burst: u32,
}

impl Default for TcpConfig {
    fn default() -> TcpConfig {
        TcpConfig {
            connection: conn::Config::default(),
            listener: ListenerConfig::default(),
            rst_interval: Duration::from_millis(1),
            rst_burst: 50,
        }
    }
}

/// A connection's diagnostics ([`Stack::tcp_info`](crate::Stack::tcp_info)): like Linux's
/// `TCP_INFO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TcpInfo<A: IpAddress = Ipv4Addr> {
    /// The RFC 9293 state.
    pub state: State,
    /// Our end.
    pub local: Endpoint<A>,
    /// The peer's end.
    pub remote: Endpoint<A>,
    /// The send MSS (the peer's option, capped by ours and the path MTU).
    pub mss: u16,
    /// Smoothed round-trip time (RFC 6298), once measured.
    pub srtt: Option<Duration>,
    /// Round-trip time variation (RFC 6298), once measured.
    pub rttvar: Option<Duration>,
    /// The retransmission timeout, backoff included.
    pub rto: Duration,
    /// Congestion window, bytes.
    pub cwnd: u32,
    /// Slow start threshold, bytes (`u32::MAX` before the first loss).
    pub ssthresh: u32,
    /// Bytes sent and not yet acknowledged.
    pub bytes_in_flight: u32,
    /// The peer's window, bytes.
    pub snd_wnd: u32,
    /// Bytes in the send buffer (unsent and unacknowledged).
    pub send_queue: usize,
    /// Bytes waiting for `tcp_recv`.
    pub recv_queue: usize,
    /// Window scale shifts (send, receive); `(0, 0)` unless negotiated.
    pub window_scales: (u8, u8),
    /// Timestamps negotiated (RFC 7323).
    pub timestamps: bool,
    /// SACK negotiated (RFC 2018).
    pub sack: bool,
    /// In fast recovery or SACK loss recovery.
    pub in_recovery: bool,
    /// The connection's counters: segments, retransmissions, timeouts, drops…
    pub counters: conn::Counters,
}

/// The Linux-style ending of a connection that ended by itself: which error the
/// application gets from then on.
pub(crate) fn ending_error(event: TcpEvent) -> Option<TcpError> {
    Some(match event {
        TcpEvent::Refused => TcpError::Refused,
        TcpEvent::Reset => TcpError::Reset,
        TcpEvent::TimedOut => TcpError::TimedOut,
        TcpEvent::Unreachable => TcpError::Unreachable,
        _ => return None,
    })
}
