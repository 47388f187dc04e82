//! The connection machine (RFC 9293 §3.3.2, §3.10): one TCP connection, sans-IO.
//!
//! A [`Connection`] is driven like every unet machine (DESIGN.md §1):
//!
//! - segments in: [`handle_segment`](Connection::handle_segment) with the parsed
//!   [`Repr`](crate::Repr) and its data (the stack has verified the checksum and found the
//!   connection by its 4-tuple); ICMP errors in:
//!   [`handle_icmp_error`](Connection::handle_icmp_error);
//! - segments out: [`poll_transmit`](Connection::poll_transmit) gives a [`Transmit`] (the
//!   header and where its data lies in the send buffer), which
//!   [`emit`](Connection::emit) (or [`write_payload`](Connection::write_payload)) writes
//!   once, straight into the frame at the stack's headroom offset (DESIGN.md §4);
//! - timers: [`poll_timeout`](Connection::poll_timeout) and
//!   [`handle_timeout`](Connection::handle_timeout); events:
//!   [`poll_event`](Connection::poll_event);
//! - the application: [`send`](Connection::send), [`recv`](Connection::recv),
//!   [`shutdown`](Connection::shutdown), [`close`](Connection::close),
//!   [`abort`](Connection::abort), and diagnostics ([`Connection::srtt`],
//!   [`Connection::cwnd`], [`Connection::counters`]…).
//!
//! The send and receive buffers are [`RingBuffer`]s over the caller's storage; the send
//! buffer is also the retransmission queue (bytes stay until acknowledged), and data that
//! arrives out of order waits in the receive buffer's free space, tracked by a bounded
//! [`Assembler`]. Nothing else grows.
//!
//! Segments for no connection at all are answered by [`reset_for`] (RFC 9293 §3.10.7.1).

mod ack;
mod config;
mod counters;
mod error;
mod event;
mod handshake;
mod icmp;
mod input;
mod marks;
mod open;
mod output;
mod recovery;
mod recv;
mod reset;
mod send;
mod settings;
mod state;
mod timers;

pub use config::{default_mss, mss_for_mtu, Config, KeepAlive};
pub use counters::Counters;
pub use error::Error;
pub use event::Event;
pub use icmp::IcmpError;
pub use open::{wscale_for, Open};
pub use output::Transmit;
pub use reset::{reset_for, time_wait_reusable};
pub use state::State;

use unet_core::{Duration, Instant, IpAddress, TokenBucket};

use crate::assembler::Assembler;
use crate::buffer::RingBuffer;
use crate::congestion::{Congestion, CongestionControl};
use crate::option::SackBlock;
use crate::rtt::RttEstimator;
use crate::scoreboard::{NextSeg, Scoreboard};
use crate::seq::SeqNumber;
use event::Pending;
use marks::Marks;
use settings::Settings;
use timers::{Deadline, Timers};

/// An IP address and a TCP port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Endpoint<A> {
    /// The IP address.
    pub addr: A,
    /// The TCP port.
    pub port: u16,
}

impl<A> Endpoint<A> {
    /// The endpoint `addr`:`port`.
    pub const fn new(addr: A, port: u16) -> Endpoint<A> {
        Endpoint { addr, port }
    }
}

/// What the timestamps option (RFC 7323 §3–§5) keeps once negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TsState {
    /// TS.Recent: the TSval to echo (RFC 7323 §4.3).
    recent: u32,
    /// When TS.Recent was last updated, for PAWS's 24-day rule (RFC 7323 §5.5).
    recent_age: Instant,
    /// Negotiated (instead of an `Option`, 8 bytes more).
    on: bool,
}

impl TsState {
    const OFF: TsState = TsState { recent: 0, recent_age: Instant::ZERO, on: false };

    fn get(self) -> Option<TsState> {
        self.on.then_some(self)
    }

    fn get_mut(&mut self) -> Option<&mut TsState> {
        if self.on {
            Some(self)
        } else {
            None
        }
    }
}

/// One TCP connection (module docs). `'a` is the lifetime of the caller's buffer storage.
#[derive(Debug)]
pub struct Connection<'a, A: IpAddress> {
    local: Endpoint<A>,
    remote: Endpoint<A>,
    state: State,
    config: Settings,
    /// Opened by a listener (RFC 9293 §3.10.7.4: a RST in SYN-RECEIVED then is no refusal).
    passive: bool,

    // ----- send sequence space (RFC 9293 §3.3.1) -----
    iss: SeqNumber,
    snd_una: SeqNumber,
    /// The next sequence number to send; pulled back to SND.UNA by a retransmission
    /// timeout (go-back-N), so it may lie below `snd_max`.
    snd_nxt: SeqNumber,
    /// One past the highest sequence number ever sent.
    snd_max: SeqNumber,
    /// SND.WND, scaled.
    snd_wnd: u32,
    snd_wl1: SeqNumber,
    snd_wl2: SeqNumber,
    /// MAX.SND.WND (RFC 5961 §5): the largest window the peer has offered.
    max_snd_wnd: u32,
    /// The send buffer: its front byte is SND.UNA once the SYN is acknowledged.
    tx: RingBuffer<'a>,
    /// The application closed its direction: a FIN follows the queued data.
    fin_queued: bool,
    /// Our FIN is acknowledged.
    fin_acked: bool,
    /// The application called `close`: data arriving now is answered with a RST.
    user_closed: bool,

    // ----- receive sequence space -----
    irs: SeqNumber,
    rcv_nxt: SeqNumber,
    /// The right edge of the window last advertised (RCV.NXT + RCV.WND then); never moved
    /// left (RFC 9293 §3.8.6: do not shrink the window).
    rcv_adv: SeqNumber,
    rx: RingBuffer<'a>,
    assembler: Assembler,
    /// The peer's FIN was processed.
    peer_fin_seen: bool,
    /// RCV.NXT as our last ACK carried it (Last.ACK.sent, RFC 7323 §4.3).
    last_ack_sent: SeqNumber,
    /// A duplicate segment to report in the next ACK (RFC 2883 D-SACK).
    dsack: Option<SackBlock>,

    // ----- negotiated options -----
    /// The peer's MSS (or the default), capped by ours and by the path MTU; without
    /// option bytes.
    snd_mss: u16,
    /// Shift applied to the peer's window fields (RFC 7323 §2.3), 0 unless negotiated.
    snd_wscale: u8,
    /// Shift applied to the windows we advertise, 0 unless negotiated.
    rcv_wscale: u8,
    /// The shift we offered in our SYN (applied only if the peer offers one too).
    offered_wscale: Option<u8>,
    ts: TsState,
    /// Added to our clock (milliseconds) to make TSval: a per-connection offset
    /// (RFC 7323 §5.4) chosen by the caller.
    ts_offset: u32,
    sack_ok: bool,

    // ----- retransmission and congestion -----
    rtt: RttEstimator,
    cc: Congestion,
    /// RFC 6675: the SACK scoreboard, and the first retransmission of a recovery.
    scoreboard: Scoreboard,
    rexmit_seg: Option<NextSeg>,
    /// RFC 3042: bytes of new data allowed beyond cwnd by the first duplicate ACKs.
    limited_transmit: u32,
    /// When we last sent data (RFC 5681 §4.1 restart after idle).
    last_send: Instant,

    // ----- timers, acknowledgment, control -----
    timers: Timers,
    /// A zero-window probe is due (RFC 9293 §3.8.6.1).
    probe_due: bool,
    /// A keep-alive probe is due (RFC 1122 §4.2.3.6).
    keepalive_due: bool,
    ack: AckPending,
    /// RFC 5961 §7: the budget of challenge ACKs.
    challenge_acks: TokenBucket,
    /// SND.UP, RCV.UP, a FIN ahead, a RST or a retransmission due (marks.rs).
    marks: Marks,
    events: Pending,
    counters: Counters,
}

/// ACKs of earlier RCV.NXTs that can be owed at once (see [`AckPending::points`]); more
/// merge into the later ones (the oldest is dropped). Two: a batch of in-order segments
/// gets at most three ACKs however long it is (one lost ACK is covered by the next).
const OWED_ACKS: usize = 2;

/// Duplicate ACKs that can be owed at once beyond the one `now` stands for: one per
/// out-of-order segment of a batch (RFC 5681 §4.2), up to this many.
const OWED_DUPS: u8 = 8;

/// What is owed to the peer in acknowledgments (RFC 9293 §3.8.6.3).
///
/// The caller may hand over several segments before it calls `poll_transmit` (a driver's
/// batch, a simulation instant). Every out-of-order or duplicate segment still gets its
/// own duplicate ACK (RFC 5681 §4.2 "SHOULD send an immediate duplicate ACK", up to
/// `OWED_DUPS`): they are the loss signal of fast retransmit. In-order segments are
/// acknowledged every second full-sized one as RFC 5681 §4.2 asks of segments processed
/// one by one, but of a batch only the last `OWED_ACKS` such points and the final
/// RCV.NXT go out — what Linux sends for a GRO batch: one stretch ACK per batch would let
/// a single lost ACK cost a retransmission timeout; an ACK per two segments of the batch
/// cost the in-memory bulk benchmark 4.5 times as many ACK frames for no gain in
/// recovery (tcp/tests/conn_recovery: 18 timeouts in 24 lossy transfers against 16).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct AckPending {
    /// An ACK must go out with the next transmit.
    now: bool,
    /// Full-sized segments received and not yet acknowledged.
    segments: u8,
    /// When a delayed ACK is due.
    deadline: Deadline,
    /// RCV.NXT each time an ACK became due, oldest first (`len` of them): those below the
    /// current RCV.NXT are sent as ACKs of their own, before the ACK of RCV.NXT.
    points: [SeqNumber; OWED_ACKS],
    len: u8,
    /// Duplicate ACKs owed beyond the one `now` stands for (at most `OWED_DUPS`).
    dups: u8,
}

impl AckPending {
    /// Notes that an ACK of `rcv_nxt` is due, keeping the earlier ones still owed.
    fn owe(&mut self, rcv_nxt: SeqNumber) {
        self.now = true;
        let len = usize::from(self.len);
        if len > 0 && self.points[len - 1] == rcv_nxt {
            return;
        }
        if len == OWED_ACKS {
            // Full: the oldest merges into the next one (that ACK covers it).
            self.points.copy_within(1.., 0);
            self.points[OWED_ACKS - 1] = rcv_nxt;
        } else {
            self.points[len] = rcv_nxt;
            self.len += 1;
        }
    }

    /// Notes one more duplicate ACK due (an out-of-order or duplicate segment): the first
    /// is `now` itself, the others are counted.
    fn owe_duplicate(&mut self) {
        if self.now {
            self.dups = self.dups.saturating_add(1).min(OWED_DUPS);
        }
        self.now = true;
    }

    /// The oldest owed ACK below `rcv_nxt`, removed; `None` when only the ACK of
    /// `rcv_nxt` itself remains (or nothing).
    fn pop_earlier(&mut self, rcv_nxt: SeqNumber) -> Option<SeqNumber> {
        while self.len > 0 {
            let p = self.points[0];
            self.points.copy_within(1.., 0);
            self.len -= 1;
            if p.diff(rcv_nxt) < 0 {
                return Some(p);
            }
        }
        None
    }
}

impl<'a, A: IpAddress> Connection<'a, A> {
    /// Ends the connection machine and gives its buffers back: `(receive, send)`, as
    /// they are (data not yet read is still in the receive buffer; an aborted or reset
    /// connection's send buffer is empty). Their storage serves the next connection
    /// ([`RingBuffer::into_storage`], or [`RingBuffer::clear`] and reuse), so a slot can
    /// be used again and again without an allocator (DESIGN.md §5).
    ///
    /// Meant for a CLOSED connection; called earlier, the connection simply vanishes
    /// without a word to the peer (as if the host lost its state): [`abort`](Self::abort)
    /// first and send its RST to tell the peer.
    pub fn into_buffers(self) -> (RingBuffer<'a>, RingBuffer<'a>) {
        (self.rx, self.tx)
    }

    /// The connection's state.
    pub fn state(&self) -> State {
        self.state
    }

    /// Our end of the connection.
    pub fn local(&self) -> Endpoint<A> {
        self.local
    }

    /// The peer's end.
    pub fn remote(&self) -> Endpoint<A> {
        self.remote
    }

    /// The configuration, as applied: `rtt` with the estimator's clamping, `sack`,
    /// `timestamps` and `mss` narrowed to what a listener's SYN-ACK offered.
    pub fn config(&self) -> Config {
        self.config.config(*self.rtt.config())
    }

    /// Turns Nagle's algorithm on or off (`false` is `TCP_NODELAY`).
    pub fn set_nagle(&mut self, on: bool) {
        self.config.set_nagle(on);
    }

    /// The next event for the application, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop()
    }

    /// The counters of this connection.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// SND.UNA (RFC 9293 §3.3.1).
    pub fn snd_una(&self) -> SeqNumber {
        self.snd_una
    }

    /// SND.NXT: one past the highest sequence number sent (a retransmission timeout
    /// rewinds the internal send pointer, not this).
    #[allow(clippy::misnamed_getters)]
    pub fn snd_nxt(&self) -> SeqNumber {
        self.snd_max
    }

    /// SND.WND: the peer's window, scaled.
    pub fn snd_wnd(&self) -> u32 {
        self.snd_wnd
    }

    /// RCV.NXT.
    pub fn rcv_nxt(&self) -> SeqNumber {
        self.rcv_nxt
    }

    /// The send MSS: the largest segment payload, before option bytes (RFC 9293 §3.7.1).
    pub fn mss(&self) -> u16 {
        self.snd_mss
    }

    /// The window scale shifts in use `(send, receive)`: applied to the peer's windows and
    /// to ours (RFC 7323 §2); `(0, 0)` unless both SYNs carried the option.
    pub fn window_scales(&self) -> (u8, u8) {
        (self.snd_wscale, self.rcv_wscale)
    }

    /// True when timestamps were negotiated (RFC 7323 §3.2).
    pub fn timestamps_enabled(&self) -> bool {
        self.ts.on
    }

    /// True when SACK was negotiated (RFC 2018 §2).
    pub fn sack_enabled(&self) -> bool {
        self.sack_ok
    }

    /// Bytes sent and not yet acknowledged (SND.NXT − SND.UNA, SYN and FIN included).
    pub fn bytes_in_flight(&self) -> u32 {
        self.snd_max.diff(self.snd_una).max(0) as u32
    }

    /// Bytes queued in the send buffer (unsent and unacknowledged).
    pub fn send_queue(&self) -> usize {
        self.tx.len()
    }

    /// Free room in the send buffer.
    pub fn send_capacity(&self) -> usize {
        self.tx.window()
    }

    /// Bytes ready for [`recv`](Connection::recv).
    pub fn recv_queue(&self) -> usize {
        self.rx.len()
    }

    /// SRTT (RFC 6298 §2), once a round trip was measured.
    pub fn srtt(&self) -> Option<Duration> {
        self.rtt.srtt()
    }

    /// RTTVAR (RFC 6298 §2), once a round trip was measured.
    pub fn rttvar(&self) -> Option<Duration> {
        self.rtt.rttvar()
    }

    /// The current retransmission timeout, backoff included (RFC 6298 §5.5).
    pub fn rto(&self) -> Duration {
        self.rtt.rto()
    }

    /// The congestion window, bytes (RFC 5681).
    pub fn cwnd(&self) -> u32 {
        self.cc.cwnd()
    }

    /// The slow start threshold, bytes (`u32::MAX` until the first loss).
    pub fn ssthresh(&self) -> u32 {
        self.cc.ssthresh()
    }

    /// True during fast recovery / SACK loss recovery.
    pub fn in_recovery(&self) -> bool {
        self.cc.in_recovery()
    }

    /// The congestion controller, for its own diagnostics (CUBIC's W_max…).
    pub fn congestion(&self) -> &Congestion {
        &self.cc
    }
}
