//! A listening port: the SYN queue, SYN cookies and the accept backlog (RFC 9293 §3.10.7.2,
//! RFC 4987).
//!
//! A [`Listener`] answers every segment addressed to its port that belongs to no
//! connection. It keeps two bounded tables in caller storage:
//!
//! - the **SYN queue**: one [`HalfOpen`] entry per connection in SYN-RECEIVED (4-tuple, both
//!   ISNs, the peer's options, the SYN-ACK retransmission timer). Capacity: the caller's
//!   slots (suggested: 64 on a small device, 1024 on a server). **When it is full**, a new
//!   SYN is answered with a SYN cookie SYN-ACK and no state is kept (RFC 4987 §3.6); with
//!   cookies disabled ([`ListenerConfig::syn_cookies`]) the SYN is dropped and counted.
//!   Entries leave when the handshake completes, on a valid RST, on a hard ICMP error, or
//!   after [`ListenerConfig::syn_ack_retries`] unanswered retransmissions.
//! - the **accept backlog**: the [`Handshake`]s completed and not yet taken by
//!   [`accept`](Listener::accept). Capacity: the caller's slots (suggested: 8–128), or the
//!   smaller [`backlog_limit`](Listener::set_backlog_limit) (`listen(2)`'s backlog). **When
//!   it is full**, the final ACK is dropped and counted, as Linux does by default
//!   (`tcp_abort_on_overflow = 0`): the half-open entry stays, its SYN-ACK retransmissions
//!   make the peer repeat its ACK, and the connection gets in once the application has
//!   accepted (a cookie handshake comes back the same way with the peer's next segment).
//!   A RST would tell the peer its connection failed on a mere burst.
//!
//! **Segments of a handshake waiting in the backlog.** The peer's connection is
//! ESTABLISHED, so it may send data (or a FIN) before the application accepts. Such a
//! segment is *not* answered with a RST (that would kill a good connection): it is
//! dropped without an answer and counted ([`DropReason::AwaitingAccept`]), and the peer
//! retransmits it once the connection exists — except a RST at exactly RCV.NXT (RFC 5961
//! §3.2), which removes the entry: the peer gave up.
//!
//! What a connection machine needs from a completed handshake is in [`Handshake`]. There
//! are two ways to use it:
//!
//! - make the connection when the application accepts ([`accept`](Listener::accept)): no
//!   buffers are spent on connections nobody accepted yet, but what the peer sends in the
//!   meantime (the final ACK's data included) is dropped and retransmitted;
//! - make the connection at once from the newest entry of [`backlog`](Listener::backlog),
//!   give it the final ACK (and demultiplex the 4-tuple's later segments to it), and
//!   leave the entry in the backlog until the application accepts the connection (or it
//!   ends), then [`remove`](Listener::remove) it: the backlog then bounds the
//!   connections not yet accepted, as `listen(2)`'s backlog does.
//!
//! [`into_storage`](Listener::into_storage) gives both tables back, for the next listener.
//!
//! Answers to invalid segments (RSTs) and to out-of-window segments and RFC 5961 checks
//! (ACKs) are rate-limited by two [`TokenBucket`]s, so a flood at the port cannot make the
//! listener a traffic amplifier (DESIGN.md §7).

use core::fmt;

use managed::ManagedSlice;
use rand_core::RngCore;
use unet_core::{Duration, Instant, IpAddress, TokenBucket};

use crate::isn::IsnGenerator;
use crate::options::OptionSet;
use crate::repr::Repr;
use crate::seq::SeqNumber;
use crate::syncookie::SynCookies;

mod input;
mod timer;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_backlog;

/// How a listener answers (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerConfig {
    /// Our MSS option in SYN-ACKs (RFC 9293 §3.7.1): the interface MTU minus headers.
    pub mss: u16,
    /// The window of our SYN-ACKs (never scaled, RFC 7323 §2.2). Give accepted connections
    /// a receive buffer at least this large. Default 65535.
    pub window: u16,
    /// The window scale shift we offer when the peer offers one (RFC 7323 §2), or `None`
    /// not to scale. Default `Some(7)`: a 64 KiB buffer needs 0, 8 MiB needs 7.
    pub window_scale: Option<u8>,
    /// Offer SACK-Permitted when the peer does (RFC 2018 §2). Default on.
    pub sack: bool,
    /// Echo Timestamps when the peer sends them (RFC 7323 §3.2). Default on.
    pub timestamps: bool,
    /// Answer SYNs with cookies when the SYN queue is full (RFC 4987 §3.6). Default on.
    /// Without the `syn-cookies` cargo feature it is ignored: a SYN finding the queue full
    /// is dropped and counted (`syn_queue_full`).
    pub syn_cookies: bool,
    /// First SYN-ACK retransmission timeout, doubled on each retransmission (RFC 6298
    /// §2.1, §5.5). Default 1 s.
    pub syn_ack_timeout: Duration,
    /// The longest retransmission timeout (RFC 6298 §2.5). Default 60 s.
    pub max_syn_ack_timeout: Duration,
    /// SYN-ACK retransmissions before a half-open entry is dropped. Default 5 (Linux's
    /// `tcp_synack_retries`: the entry lives about 63 s).
    pub syn_ack_retries: u8,
    /// RSTs to invalid segments: one token per interval, and the burst. Default 10 ms, 20.
    pub rst_interval: Duration,
    /// See [`rst_interval`](Self::rst_interval).
    pub rst_burst: u32,
    /// ACKs to out-of-window segments and RFC 5961 challenge ACKs, and SYN-ACKs resent to
    /// duplicate SYNs: one token per interval, and the burst. Default 10 ms, 10.
    pub ack_interval: Duration,
    /// See [`ack_interval`](Self::ack_interval).
    pub ack_burst: u32,
}

impl Default for ListenerConfig {
    fn default() -> ListenerConfig {
        ListenerConfig {
            mss: 1460,
            window: u16::MAX,
            window_scale: Some(7),
            sack: true,
            timestamps: true,
            syn_cookies: true,
            syn_ack_timeout: Duration::from_secs(1),
            max_syn_ack_timeout: Duration::from_secs(60),
            syn_ack_retries: 5,
            rst_interval: Duration::from_millis(10),
            rst_burst: 20,
            ack_interval: Duration::from_millis(10),
            ack_burst: 10,
        }
    }
}

/// A connection in SYN-RECEIVED (one SYN queue slot).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HalfOpen<A> {
    /// Our address (the SYN's destination).
    pub local: A,
    /// The peer's address.
    pub remote: A,
    /// The peer's port.
    pub remote_port: u16,
    /// Our ISN (the SYN-ACK's sequence number).
    pub iss: SeqNumber,
    /// The peer's ISN.
    pub irs: SeqNumber,
    /// The options of the peer's SYN.
    pub peer: OptionSet,
    /// The options our SYN-ACK carries.
    pub ours: OptionSet,
    /// SYN-ACK retransmissions so far.
    pub retransmits: u8,
    /// When the first SYN-ACK went out (for the handshake's RTT sample).
    pub first_sent: Instant,
    /// When the SYN-ACK is next due (or, retries spent, when the entry is dropped).
    pub deadline: Instant,
    /// A retransmission is due and waits for [`Listener::poll_transmit`].
    due: bool,
}

/// A completed three-way handshake waiting in the accept backlog: everything a connection
/// machine needs to start in ESTABLISHED.
///
/// Sequence variables follow: SND.UNA = SND.NXT = `iss + 1`, RCV.NXT = `irs + 1`. Each
/// option is in use only if both `peer` and `ours` carry it (RFC 7323 §1.3, RFC 2018 §2);
/// our TSval clock is `now` in milliseconds plus `ts_offset` (RFC 7323 §5.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handshake<A> {
    /// Our address.
    pub local: A,
    /// Our (listening) port.
    pub local_port: u16,
    /// The peer's address.
    pub remote: A,
    /// The peer's port.
    pub remote_port: u16,
    /// Our ISN.
    pub iss: SeqNumber,
    /// The peer's ISN.
    pub irs: SeqNumber,
    /// The peer's SYN options (from a cookie: the MSS from the table, window scale and
    /// SACK-permitted from our echoed TSval, and the final ACK's Timestamps).
    pub peer: OptionSet,
    /// What our SYN-ACK offered.
    pub ours: OptionSet,
    /// Offset of our TSval clock (a keyed hash of the 4-tuple, so cookies recover it).
    pub ts_offset: u32,
    /// Came through a SYN cookie rather than the SYN queue.
    pub via_cookie: bool,
    /// Time from the first SYN-ACK to the final ACK when the SYN-ACK was never
    /// retransmitted (Karn's rule, RFC 6298 §3); `None` otherwise and for cookies.
    pub rtt_sample: Option<Duration>,
    /// When the handshake completed.
    pub established_at: Instant,
}

/// A segment the listener wants sent (from `local` to `remote`; ports in `repr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply<A> {
    /// Source address.
    pub local: A,
    /// Destination address.
    pub remote: A,
    /// The header (no payload).
    pub repr: Repr<'static>,
}

/// Why a segment got no answer (each is counted in [`ListenerCounters`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DropReason {
    /// A RST to the listening port, or an invalid one for a half-open entry (§3.10.7.2).
    Rst,
    /// Neither SYN nor ACK (RFC 9293 §3.10.7.2 "fourth, other control or text").
    NoSynNoAck,
    /// A SYN with FIN, or from/to an address that must never be answered.
    Invalid,
    /// SYN queue full and cookies disabled.
    SynQueueFull,
    /// Accept backlog full: the final ACK is dropped (module docs).
    BacklogFull,
    /// The segment belongs to a handshake waiting in the accept backlog: dropped without
    /// an answer until the application has the connection (module docs).
    AwaitingAccept,
    /// An answer was due but its rate limit was reached.
    RateLimited,
}

/// What a segment did (returned by [`Listener::handle_segment`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome<A> {
    /// Send this segment.
    Reply(Reply<A>),
    /// A handshake completed: a [`Handshake`] waits in the accept backlog.
    Established,
    /// Nothing to send.
    Dropped(DropReason),
}

/// Why a segment was not handled at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListenerError {
    /// The destination port is not this listener's.
    WrongPort,
}

impl fmt::Display for ListenerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ListenerError::WrongPort => f.write_str("segment not for this listener's port"),
        }
    }
}

/// What a listener did and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListenerCounters {
    /// SYNs that opened a half-open entry.
    pub syns_queued: u64,
    /// SYN-ACKs sent with a cookie (SYN queue full).
    pub cookies_sent: u64,
    /// Final ACKs accepted through a cookie.
    pub cookies_accepted: u64,
    /// ACKs whose cookie did not validate (answered with a rate-limited RST).
    pub cookies_rejected: u64,
    /// SYNs dropped: queue full, cookies off.
    pub syn_queue_full: u64,
    /// Handshakes completed into the accept backlog.
    pub established: u64,
    /// Final ACKs dropped because the accept backlog was full.
    pub backlog_full: u64,
    /// Segments dropped because their handshake waits in the accept backlog.
    pub awaiting_accept: u64,
    /// Backlog entries removed by the peer's RST (RFC 5961 §3.2 exact match).
    pub backlog_resets: u64,
    /// SYN-ACKs retransmitted on timeout.
    pub syn_ack_retransmits: u64,
    /// SYN-ACKs resent for a duplicate SYN.
    pub duplicate_syns: u64,
    /// Half-open entries dropped after the last retransmission.
    pub half_open_timeouts: u64,
    /// Half-open entries reset by the peer (exact RST, RFC 5961 §3.2).
    pub half_open_resets: u64,
    /// Half-open entries dropped on a hard ICMP error (RFC 5927).
    pub icmp_aborts: u64,
    /// ICMP errors ignored (no entry, wrong sequence number, or soft).
    pub icmp_ignored: u64,
    /// RSTs sent.
    pub rsts_sent: u64,
    /// ACKs sent (out-of-window answers and challenge ACKs).
    pub acks_sent: u64,
    /// Answers suppressed by a rate limit.
    pub rate_limited: u64,
    /// Segments dropped without an answer (RSTs, no SYN/ACK, invalid).
    pub ignored: u64,
}

/// A listening port (module docs).
#[derive(Debug)]
pub struct Listener<'a, A: IpAddress> {
    port: u16,
    config: ListenerConfig,
    syn_queue: ManagedSlice<'a, Option<HalfOpen<A>>>,
    backlog: ManagedSlice<'a, Option<Handshake<A>>>,
    /// Index of the oldest backlog entry, and how many there are.
    backlog_head: usize,
    backlog_len: usize,
    /// How many backlog entries may be used (at most the storage's length).
    backlog_limit: usize,
    isn: IsnGenerator,
    cookies: SynCookies,
    ts_key: [u8; 16],
    /// When the last cookie went out: cookies are only checked for a while after (Linux's
    /// `tcp_synq_no_recent_overflow`), so a blind guess has nothing to hit otherwise.
    last_cookie: Option<Instant>,
    rst_limit: TokenBucket,
    ack_limit: TokenBucket,
    counters: ListenerCounters,
}

impl<'a, A: IpAddress> Listener<'a, A> {
    /// A listener on `port` with SYN queue and backlog storage from the caller (their
    /// lengths are the capacities; contents are ignored), and ISN, cookie and timestamp
    /// keys drawn from `rng`.
    pub fn new<R, Q, B>(
        rng: &mut R,
        port: u16,
        config: ListenerConfig,
        syn_queue: Q,
        backlog: B,
    ) -> Listener<'a, A>
    where
        R: RngCore + ?Sized,
        Q: Into<ManagedSlice<'a, Option<HalfOpen<A>>>>,
        B: Into<ManagedSlice<'a, Option<Handshake<A>>>>,
    {
        let mut syn_queue = syn_queue.into();
        syn_queue.iter_mut().for_each(|s| *s = None);
        let mut backlog = backlog.into();
        backlog.iter_mut().for_each(|s| *s = None);
        let backlog_limit = backlog.len();
        let isn = IsnGenerator::new(rng);
        let cookies = SynCookies::new(rng);
        let mut ts_key = [0u8; 16];
        rng.fill_bytes(&mut ts_key);
        Listener {
            port,
            config,
            syn_queue,
            backlog,
            backlog_head: 0,
            backlog_len: 0,
            backlog_limit,
            isn,
            cookies,
            ts_key,
            last_cookie: None,
            rst_limit: TokenBucket::new(config.rst_interval, config.rst_burst),
            ack_limit: TokenBucket::new(config.ack_interval, config.ack_burst),
            counters: ListenerCounters::default(),
        }
    }

    /// The listening port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The configuration.
    pub fn config(&self) -> &ListenerConfig {
        &self.config
    }

    /// What the listener did and dropped so far.
    pub fn counters(&self) -> &ListenerCounters {
        &self.counters
    }

    /// Half-open connections held (SYN queue entries).
    pub fn syn_queue_len(&self) -> usize {
        self.syn_queue.iter().filter(|s| s.is_some()).count()
    }

    /// SYN queue slots.
    pub fn syn_queue_capacity(&self) -> usize {
        self.syn_queue.len()
    }

    /// The half-open connections.
    pub fn half_open(&self) -> impl Iterator<Item = &HalfOpen<A>> + '_ {
        self.syn_queue.iter().flatten()
    }

    /// Completed handshakes waiting for [`accept`](Self::accept).
    pub fn backlog_len(&self) -> usize {
        self.backlog_len
    }

    /// Accept backlog slots (the storage's length).
    pub fn backlog_capacity(&self) -> usize {
        self.backlog.len()
    }

    /// How many completed handshakes may wait at once: `listen(2)`'s backlog. Clamped to
    /// [`backlog_capacity`](Self::backlog_capacity); 0 refuses every final ACK (counted in
    /// `backlog_full`). Lowering it below [`backlog_len`](Self::backlog_len) drops nothing:
    /// new handshakes wait until the backlog is below the limit again. Default: the
    /// capacity.
    pub fn set_backlog_limit(&mut self, limit: usize) {
        self.backlog_limit = limit.min(self.backlog.len());
    }

    /// See [`set_backlog_limit`](Self::set_backlog_limit).
    pub fn backlog_limit(&self) -> usize {
        self.backlog_limit
    }

    /// The completed handshakes waiting in the backlog, oldest first (the last one is the
    /// handshake an [`Outcome::Established`] just completed).
    pub fn backlog(&self) -> impl Iterator<Item = &Handshake<A>> + '_ {
        let cap = self.backlog.len();
        (0..self.backlog_len)
            .filter_map(move |k| self.backlog[(self.backlog_head + k) % cap].as_ref())
    }

    /// Removes the backlog entry of the connection from `remote`:`remote_port` to `local`
    /// (accepted by the caller some other way, or ended before it was accepted: module
    /// docs) and returns it; the entries after it move up, so the order is kept.
    pub fn remove(&mut self, local: A, remote: A, remote_port: u16) -> Option<Handshake<A>> {
        let k = self.backlog_position(local, remote, remote_port)?;
        let cap = self.backlog.len();
        let h = self.backlog[(self.backlog_head + k) % cap].take();
        for j in k..self.backlog_len - 1 {
            let next = self.backlog[(self.backlog_head + j + 1) % cap].take();
            self.backlog[(self.backlog_head + j) % cap] = next;
        }
        self.backlog_len -= 1;
        h
    }

    /// Where the handshake of a 4-tuple is in the backlog (0: the oldest).
    fn backlog_position(&self, local: A, remote: A, remote_port: u16) -> Option<usize> {
        self.backlog()
            .position(|h| h.local == local && h.remote == remote && h.remote_port == remote_port)
    }

    /// Ends the listener and gives its storage back: `(SYN queue, backlog)`. Half-open
    /// connections and handshakes not accepted are forgotten (their peers learn it from
    /// the RST their next segment gets). [`new`](Self::new) clears the entries, so the
    /// storage serves the next listener as it is.
    #[allow(clippy::type_complexity)]
    pub fn into_storage(
        self,
    ) -> (ManagedSlice<'a, Option<HalfOpen<A>>>, ManagedSlice<'a, Option<Handshake<A>>>) {
        (self.syn_queue, self.backlog)
    }

    /// Takes the oldest completed handshake (RFC 9293 §3.10.7.2: the connection the
    /// application now owns).
    pub fn accept(&mut self) -> Option<Handshake<A>> {
        if self.backlog_len == 0 {
            return None;
        }
        let h = self.backlog[self.backlog_head].take();
        self.backlog_head = (self.backlog_head + 1) % self.backlog.len();
        self.backlog_len -= 1;
        h
    }

    /// Draws a new SYN cookie key; cookies in flight stay valid for one more rotation.
    pub fn rotate_cookie_key<R: RngCore + ?Sized>(&mut self, rng: &mut R) {
        self.cookies.rotate(rng);
    }

    /// Pushes a handshake onto the backlog; false when it is full (at its limit).
    fn push_backlog(&mut self, h: Handshake<A>) -> bool {
        let cap = self.backlog.len();
        if self.backlog_len >= self.backlog_limit || self.backlog_len >= cap {
            return false;
        }
        let tail = (self.backlog_head + self.backlog_len) % cap;
        self.backlog[tail] = Some(h);
        self.backlog_len += 1;
        true
    }

    /// Our TSval clock for a 4-tuple: milliseconds plus a keyed per-tuple offset (RFC
    /// 7323 §5.4, §7.1), so it reveals no uptime and a cookie handshake can recover it.
    fn ts_offset(&self, local: A, remote: A, remote_port: u16) -> u32 {
        use core::hash::Hasher;
        let mut h = siphasher::sip::SipHasher24::new_with_key(&self.ts_key);
        crate::isn::hash_tuple(&mut h, local, self.port, remote, remote_port);
        h.finish() as u32
    }
}
