//! Opening a connection: active (RFC 9293 §3.10.1 OPEN with a remote socket) and passive
//! (a listener hands over a SYN, or a handshake it completed itself).

use unet_core::{Instant, IpAddress, TokenBucket};

use super::config::{default_mss, Config};
use super::counters::Counters;
use super::event::Pending;
use super::marks::Marks;
use super::settings::Settings;
use super::state::State;
use super::timers::Timers;
use super::{AckPending, Connection, Endpoint, TsState};
use crate::assembler::Assembler;
use crate::buffer::RingBuffer;
use crate::congestion::Congestion;
use crate::listener::Handshake;
use crate::options::OptionSet;
use crate::repr::Repr;
use crate::rtt::RttEstimator;
use crate::scoreboard::Scoreboard;
use crate::seq::SeqNumber;

/// The four numbers an active open is made of, plus the timestamp offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open<A> {
    /// Our end: a concrete local address and port (the stack picks an ephemeral port,
    /// RFC 6056).
    pub local: Endpoint<A>,
    /// The peer's end.
    pub remote: Endpoint<A>,
    /// Our initial sequence number (RFC 6528, `crate::isn`).
    pub iss: SeqNumber,
    /// The offset added to our millisecond clock to make TSval (RFC 7323 §5.4: random per
    /// connection, so TSval reveals no uptime).
    pub ts_offset: u32,
}

impl<'a, A: IpAddress> Connection<'a, A> {
    /// Active open (RFC 9293 §3.10.1): a connection in SYN-SENT whose SYN goes out with
    /// the next [`poll_transmit`](Connection::poll_transmit). `rx` and `tx` are the
    /// receive and send buffers (their capacity bounds the windows and the retransmission
    /// queue).
    pub fn connect(
        now: Instant,
        config: Config,
        open: Open<A>,
        rx: RingBuffer<'a>,
        tx: RingBuffer<'a>,
    ) -> Connection<'a, A> {
        let mut conn = Connection::blank(now, config, open, rx, tx);
        conn.state = State::SynSent;
        conn.offered_wscale = conn.config.window_scaling().then(|| wscale_for(conn.rx.capacity()));
        conn.timers.start_progress(now);
        conn
    }

    /// Passive open from a listener that hands over the peer's SYN: a connection in
    /// SYN-RECEIVED whose SYN-ACK goes out with the next
    /// [`poll_transmit`](Connection::poll_transmit). `syn` must be a SYN without ACK or
    /// RST ([`Error::HandshakeMismatch`](super::Error::HandshakeMismatch) otherwise).
    pub fn accept_syn(
        now: Instant,
        config: Config,
        open: Open<A>,
        syn: &Repr<'_>,
        rx: RingBuffer<'a>,
        tx: RingBuffer<'a>,
    ) -> Result<Connection<'a, A>, super::Error> {
        let f = syn.flags;
        use crate::flags::TcpFlags;
        if !f.contains(TcpFlags::SYN) || f.intersects(TcpFlags::ACK | TcpFlags::RST | TcpFlags::FIN)
        {
            return Err(super::Error::HandshakeMismatch);
        }
        let mut conn = Connection::blank(now, config, open, rx, tx);
        conn.passive = true;
        conn.offered_wscale = conn.config.window_scaling().then(|| wscale_for(conn.rx.capacity()));
        conn.timers.start_progress(now);
        conn.syn_received(now, syn);
        Ok(conn)
    }

    /// Passive open from a handshake the [`Listener`](crate::listener::Listener)
    /// completed (from its SYN queue or a RFC 4987 SYN cookie): an ESTABLISHED connection. The
    /// final ACK of the handshake should then be given to
    /// [`handle_segment`](Connection::handle_segment) as well: it carries the peer's
    /// first window and possibly data.
    ///
    /// The options in use are those both SYNs carried (`handshake.peer` and
    /// `handshake.ours`); the listener's RTT sample, if any, seeds the estimator.
    pub fn accept_from(
        now: Instant,
        config: Config,
        handshake: &Handshake<A>,
        rx: RingBuffer<'a>,
        tx: RingBuffer<'a>,
    ) -> Connection<'a, A> {
        let open = Open {
            local: Endpoint::new(handshake.local, handshake.local_port),
            remote: Endpoint::new(handshake.remote, handshake.remote_port),
            iss: handshake.iss,
            ts_offset: handshake.ts_offset,
        };
        let mut conn = Connection::blank(now, config, open, rx, tx);
        conn.passive = true;
        conn.offered_wscale = handshake.ours.window_scale;
        conn.config.set_sack(conn.config.sack() && handshake.ours.sack_permitted);
        conn.config.set_timestamps(conn.config.timestamps() && handshake.ours.timestamps.is_some());
        if let Some(mss) = handshake.ours.mss {
            conn.config.mss = conn.config.mss.min(mss);
        }
        conn.irs = handshake.irs;
        conn.rcv_nxt = handshake.irs + 1;
        conn.negotiate(now, &handshake.peer);
        conn.snd_una = handshake.iss + 1;
        conn.snd_nxt = conn.snd_una;
        conn.snd_max = conn.snd_una;
        // The SYN-ACK advertised at most 65535 unscaled (RFC 7323 §2.2).
        let syn_ack_window = conn.rx.window().min(usize::from(u16::MAX)) as u32;
        conn.rcv_adv = conn.rcv_nxt + syn_ack_window;
        // The final ACK (SEG.SEQ = IRS+1) is newer than this, so its window is taken.
        conn.snd_wl1 = handshake.irs;
        conn.snd_wl2 = handshake.iss;
        if let Some(sample) = handshake.rtt_sample {
            conn.rtt.on_sample(sample, 1);
        }
        conn.established(now);
        conn
    }

    /// A connection with every variable at its starting value.
    fn blank(
        now: Instant,
        config: Config,
        open: Open<A>,
        rx: RingBuffer<'a>,
        tx: RingBuffer<'a>,
    ) -> Connection<'a, A> {
        let iss = open.iss;
        Connection {
            local: open.local,
            remote: open.remote,
            state: State::Closed,
            config: Settings::new(&config),
            passive: false,
            iss,
            snd_una: iss,
            snd_nxt: iss,
            snd_max: iss,
            snd_wnd: 0,
            snd_wl1: SeqNumber(0),
            snd_wl2: iss,
            max_snd_wnd: 0,
            tx,
            fin_queued: false,
            irs: SeqNumber(0),
            rcv_nxt: SeqNumber(0),
            rcv_adv: SeqNumber(0),
            rx,
            assembler: Assembler::new(),
            snd_mss: default_mss::<A>().min(config.mss),
            snd_wscale: 0,
            rcv_wscale: 0,
            offered_wscale: None,
            ts: TsState::OFF,
            ts_offset: open.ts_offset,
            sack_ok: false,
            peer_fin_seen: false,
            last_ack_sent: SeqNumber(0),
            fin_acked: false,
            user_closed: false,
            rtt: RttEstimator::new(config.rtt),
            cc: Congestion::new(config.congestion, u32::from(default_mss::<A>())),
            scoreboard: Scoreboard::new(iss),
            rexmit_seg: None,
            dsack: None,
            limited_transmit: 0,
            last_send: now,
            timers: Timers::new(now),
            probe_due: false,
            keepalive_due: false,
            ack: AckPending::default(),
            challenge_acks: TokenBucket::new(
                config.challenge_ack_interval,
                config.challenge_ack_burst,
            ),
            marks: Marks::new(),
            events: Pending::empty(),
            counters: Counters::default(),
        }
    }

    /// The options our SYN (or SYN-ACK) carries: what the configuration offers.
    pub(super) fn syn_options(&self, now: Instant) -> OptionSet {
        OptionSet {
            mss: Some(self.config.mss),
            window_scale: self.offered_wscale,
            sack_permitted: self.config.sack(),
            timestamps: self.config.timestamps().then(|| crate::option::Timestamps {
                tsval: self.ts_val(now),
                tsecr: self.ts.get().map_or(0, |t| t.recent),
            }),
            ..OptionSet::default()
        }
    }
}

/// The smallest shift that lets a buffer of `capacity` bytes be advertised whole in the
/// 16-bit window field, at most 14 (RFC 7323 §2.3). What a connection offers in its SYN
/// for its receive buffer; a listener serving connections of several buffer sizes offers
/// the shift of the largest.
///
/// ```
/// use unet_tcp::conn::wscale_for;
/// assert_eq!(wscale_for(65535), 0);
/// assert_eq!(wscale_for(65536), 1);
/// assert_eq!(wscale_for(4 << 20), 7);
/// assert_eq!(wscale_for(usize::MAX), 14);
/// ```
pub fn wscale_for(capacity: usize) -> u8 {
    let mut shift = 0u8;
    while shift < 14 && (capacity >> shift) > usize::from(u16::MAX) {
        shift += 1;
    }
    shift
}
