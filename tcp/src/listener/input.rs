//! Segments arriving at a listening port: LISTEN (RFC 9293 §3.10.7.2) and the half-open
//! entries' SYN-RECEIVED (§3.10.7.4, with RFC 5961's checks), and SYN cookies (RFC 4987).

use unet_core::{Instant, IpAddress};

use super::{DropReason, HalfOpen, Handshake, Listener, ListenerError, Outcome, Reply};
use crate::flags::TcpFlags;
use crate::option::Timestamps;
use crate::options::{OptionSet, TcpOptions};
use crate::repr::Repr;
use crate::seq::SeqNumber;
use crate::syncookie::{self, CookieOptions, CookieTuple, COUNTER_PERIOD, MAX_AGE};

/// The send MSS to assume when the SYN has no MSS option (RFC 9293 §3.7.1).
fn default_mss<A: IpAddress>() -> u16 {
    (A::MIN_MTU - A::HEADER_LEN - crate::segment::HEADER_LEN) as u16
}

/// Our TSval at `now` for a connection with `offset` (RFC 7323 §5.4: milliseconds).
pub(super) fn ts_val(now: Instant, offset: u32) -> u32 {
    (now.as_millis() as u32).wrapping_add(offset)
}

impl<A: IpAddress> Listener<'_, A> {
    /// Handles a segment sent to `local` (port [`port`](Self::port)) from `remote` that
    /// matches no connection. `repr` is the parsed header (checksum verified by the
    /// caller); its payload, if any, is not needed (module docs).
    pub fn handle_segment(
        &mut self,
        now: Instant,
        local: A,
        remote: A,
        repr: &Repr<'_>,
    ) -> Result<Outcome<A>, ListenerError> {
        if repr.dst_port != self.port {
            return Err(ListenerError::WrongPort);
        }
        // RFC 9293 §3.10.7.1 and RFC 1122 §4.2.3.10: never answer to or from a
        // multicast/broadcast address; nor accept a SYN from one.
        if local.is_multicast_or_broadcast() || remote.is_multicast_or_broadcast() {
            return Ok(self.ignore(DropReason::Invalid));
        }
        let slot = self.syn_queue.iter().position(|s| {
            s.as_ref().is_some_and(|h| {
                h.local == local && h.remote == remote && h.remote_port == repr.src_port
            })
        });
        if let Some(i) = slot {
            return Ok(self.syn_received(now, i, repr));
        }
        if let Some(k) = self.backlog_position(local, remote, repr.src_port) {
            return Ok(self.awaiting_accept(k, local, remote, repr));
        }
        Ok(self.listen(now, local, remote, repr))
    }

    /// A segment of a connection whose handshake waits in the backlog (module docs): no
    /// RST for an ESTABLISHED peer; its exact RST (RFC 5961 §3.2: SEG.SEQ = RCV.NXT, which
    /// is IRS + 1 as nothing was received) removes the entry.
    fn awaiting_accept(&mut self, k: usize, local: A, remote: A, repr: &Repr<'_>) -> Outcome<A> {
        let rcv_nxt = self.backlog().nth(k).map(|h| h.irs + 1);
        if repr.flags.contains(TcpFlags::RST) && rcv_nxt == Some(repr.seq_number) {
            self.remove(local, remote, repr.src_port);
            self.counters.backlog_resets += 1;
            return Outcome::Dropped(DropReason::Rst);
        }
        self.counters.awaiting_accept += 1;
        Outcome::Dropped(DropReason::AwaitingAccept)
    }

    fn ignore(&mut self, reason: DropReason) -> Outcome<A> {
        self.counters.ignored += 1;
        Outcome::Dropped(reason)
    }

    /// RFC 9293 §3.10.7.2: a segment in LISTEN.
    fn listen(&mut self, now: Instant, local: A, remote: A, repr: &Repr<'_>) -> Outcome<A> {
        let f = repr.flags;
        // "first, check for a RST": ignore it.
        if f.contains(TcpFlags::RST) {
            return self.ignore(DropReason::Rst);
        }
        // "second, check for an ACK": a SYN-ACK or stray ACK gets <SEQ=SEG.ACK><CTL=RST> —
        // unless it is the final ACK of a cookie handshake.
        if f.contains(TcpFlags::ACK) {
            if !f.contains(TcpFlags::SYN) {
                if let Some(outcome) = self.cookie_ack(now, local, remote, repr) {
                    return outcome;
                }
            }
            return self.rst(now, local, remote, repr);
        }
        // "third, check for a SYN".
        if !f.contains(TcpFlags::SYN) {
            return self.ignore(DropReason::NoSynNoAck);
        }
        if f.contains(TcpFlags::FIN) {
            // SYN+FIN is no real open (a scanner's probe); Linux drops it too.
            return self.ignore(DropReason::Invalid);
        }
        let peer = repr.options.to_set();
        if let Some(i) = self.syn_queue.iter().position(Option::is_none) {
            let iss = self.isn.generate(now, local, self.port, remote, repr.src_port);
            let ts_offset = self.ts_offset(local, remote, repr.src_port);
            let ours = self.syn_ack_options(now, &peer, ts_offset, None);
            let entry = HalfOpen {
                local,
                remote,
                remote_port: repr.src_port,
                iss,
                irs: repr.seq_number,
                peer,
                ours,
                retransmits: 0,
                first_sent: now,
                deadline: now + self.config.syn_ack_timeout,
                due: false,
            };
            self.syn_queue[i] = Some(entry);
            self.counters.syns_queued += 1;
            return Outcome::Reply(self.syn_ack(&entry));
        }
        if !self.cookies_on() {
            self.counters.syn_queue_full += 1;
            return Outcome::Dropped(DropReason::SynQueueFull);
        }
        // RFC 4987 §3.6: answer with a cookie and keep nothing.
        let tuple = self.tuple(local, remote, repr.src_port);
        let peer_mss = peer.mss.unwrap_or(default_mss::<A>());
        // The MSS comes back from the cookie itself, in the final ACK.
        let (cookie, _) = self.cookies.generate(now, &tuple, repr.seq_number, peer_mss);
        let ts_offset = self.ts_offset(local, remote, repr.src_port);
        let carried =
            CookieOptions { window_scale: peer.window_scale, sack_permitted: peer.sack_permitted };
        let ours = self.syn_ack_options(now, &peer, ts_offset, Some(carried));
        self.last_cookie = Some(now);
        self.counters.cookies_sent += 1;
        let entry = HalfOpen {
            local,
            remote,
            remote_port: repr.src_port,
            iss: cookie,
            irs: repr.seq_number,
            peer,
            ours,
            retransmits: 0,
            first_sent: now,
            deadline: now,
            due: false,
        };
        Outcome::Reply(self.syn_ack(&entry))
    }

    /// The options of a SYN-ACK answering `peer`. With `cookie` set, the options to keep
    /// go in the TSval; without Timestamps they cannot be kept, so neither window scaling
    /// nor SACK is offered (syncookie module docs).
    fn syn_ack_options(
        &self,
        now: Instant,
        peer: &OptionSet,
        ts_offset: u32,
        cookie: Option<CookieOptions>,
    ) -> OptionSet {
        let c = &self.config;
        let timestamps = match (c.timestamps, peer.timestamps) {
            (true, Some(ts)) => {
                let mut tsval = ts_val(now, ts_offset);
                if let Some(carried) = cookie {
                    tsval = syncookie::encode_tsval(tsval, carried);
                }
                Some(Timestamps { tsval, tsecr: ts.tsval })
            }
            _ => None,
        };
        let keeps_options = cookie.is_none() || timestamps.is_some();
        OptionSet {
            mss: Some(c.mss),
            window_scale: if keeps_options && peer.window_scale.is_some() {
                c.window_scale
            } else {
                None
            },
            sack_permitted: keeps_options && c.sack && peer.sack_permitted,
            timestamps,
            ..OptionSet::default()
        }
    }

    /// The SYN-ACK for a half-open entry (or a cookie's stand-in).
    pub(super) fn syn_ack(&self, h: &HalfOpen<A>) -> Reply<A> {
        Reply {
            local: h.local,
            remote: h.remote,
            repr: Repr {
                src_port: self.port,
                dst_port: h.remote_port,
                seq_number: h.iss,
                ack_number: h.irs + 1,
                flags: TcpFlags::SYN | TcpFlags::ACK,
                window_len: self.config.window,
                urgent_pointer: 0,
                options: TcpOptions::Typed(h.ours),
                payload_len: 0,
            },
        }
    }

    fn tuple(&self, local: A, remote: A, remote_port: u16) -> CookieTuple<A> {
        CookieTuple { local, local_port: self.port, remote, remote_port }
    }

    /// SYN cookies are configured on and built in (the `syn-cookies` cargo feature:
    /// without it this is a constant `false` and the cookie code is left out).
    fn cookies_on(&self) -> bool {
        cfg!(feature = "syn-cookies") && self.config.syn_cookies
    }

    /// An ACK with no half-open entry: the end of a cookie handshake? `None` if it is not
    /// (the caller answers with a RST).
    fn cookie_ack(
        &mut self,
        now: Instant,
        local: A,
        remote: A,
        repr: &Repr<'_>,
    ) -> Option<Outcome<A>> {
        let recent = COUNTER_PERIOD.saturating_mul(u64::from(MAX_AGE) + 1);
        let sent = self.last_cookie?;
        if !self.cookies_on() || now.saturating_duration_since(sent) > recent {
            return None;
        }
        let tuple = self.tuple(local, remote, repr.src_port);
        let irs = repr.seq_number - 1;
        let iss = repr.ack_number - 1;
        let Ok(mss) = self.cookies.validate(now, &tuple, irs, iss) else {
            self.counters.cookies_rejected += 1;
            return None;
        };
        let set = repr.options.to_set();
        let timestamps = if self.config.timestamps { set.timestamps } else { None };
        let carried = timestamps.map(|ts| syncookie::decode_tsecr(ts.tsecr)).unwrap_or_default();
        let peer = OptionSet {
            mss: Some(mss),
            window_scale: carried.window_scale,
            sack_permitted: carried.sack_permitted,
            timestamps,
            ..OptionSet::default()
        };
        let ours = OptionSet {
            mss: Some(self.config.mss),
            window_scale: carried.window_scale.and(self.config.window_scale),
            sack_permitted: self.config.sack && carried.sack_permitted,
            timestamps,
            ..OptionSet::default()
        };
        let handshake = Handshake {
            local,
            local_port: self.port,
            remote,
            remote_port: repr.src_port,
            iss,
            irs,
            peer,
            ours,
            ts_offset: self.ts_offset(local, remote, repr.src_port),
            via_cookie: true,
            rtt_sample: None,
            established_at: now,
        };
        if !self.push_backlog(handshake) {
            self.counters.backlog_full += 1;
            return Some(Outcome::Dropped(DropReason::BacklogFull));
        }
        self.counters.cookies_accepted += 1;
        self.counters.established += 1;
        Some(Outcome::Established)
    }

    /// RFC 9293 §3.10.7.4 for a half-open entry (SYN-RECEIVED).
    fn syn_received(&mut self, now: Instant, i: usize, repr: &Repr<'_>) -> Outcome<A> {
        let Some(h) = self.syn_queue[i] else {
            return self.ignore(DropReason::Invalid);
        };
        let f = repr.flags;
        // A retransmitted SYN (same ISN): the SYN-ACK was lost; send it again.
        let is_syn = f.contains(TcpFlags::SYN) && !f.intersects(TcpFlags::ACK | TcpFlags::RST);
        if is_syn && repr.seq_number == h.irs {
            self.counters.duplicate_syns += 1;
            return self.limited_ack(now, self.syn_ack(&h));
        }
        let rcv_nxt = h.irs + 1;
        if !acceptable(repr, rcv_nxt, u32::from(self.config.window)) {
            // "If an incoming segment is not acceptable, an acknowledgment should be sent
            // in reply (unless the RST bit is set)".
            if f.contains(TcpFlags::RST) {
                return self.ignore(DropReason::Rst);
            }
            return self.limited_ack(now, self.ack(&h));
        }
        if f.contains(TcpFlags::RST) {
            // RFC 5961 §3.2: only an exact match resets; in-window gets a challenge ACK.
            if repr.seq_number == rcv_nxt {
                self.syn_queue[i] = None;
                self.counters.half_open_resets += 1;
                return Outcome::Dropped(DropReason::Rst);
            }
            return self.limited_ack(now, self.ack(&h));
        }
        if f.contains(TcpFlags::SYN) {
            // RFC 5961 §4.2: a SYN in the window gets a challenge ACK, nothing more.
            return self.limited_ack(now, self.ack(&h));
        }
        if !f.contains(TcpFlags::ACK) {
            return self.ignore(DropReason::NoSynNoAck);
        }
        if repr.ack_number != h.iss + 1 {
            // "If the segment acknowledgment is not acceptable, form a reset segment".
            return self.rst(now, h.local, h.remote, repr);
        }
        let mut peer = h.peer;
        if let (Some(_), Some(ts)) = (h.ours.timestamps, repr.options.timestamps()) {
            peer.timestamps = Some(ts);
        }
        let handshake = Handshake {
            local: h.local,
            local_port: self.port,
            remote: h.remote,
            remote_port: h.remote_port,
            iss: h.iss,
            irs: h.irs,
            peer,
            ours: h.ours,
            ts_offset: self.ts_offset(h.local, h.remote, h.remote_port),
            via_cookie: false,
            rtt_sample: (h.retransmits == 0).then(|| now.saturating_duration_since(h.first_sent)),
            established_at: now,
        };
        if !self.push_backlog(handshake) {
            self.counters.backlog_full += 1;
            return Outcome::Dropped(DropReason::BacklogFull);
        }
        self.syn_queue[i] = None;
        self.counters.established += 1;
        Outcome::Established
    }

    /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>` for a half-open entry.
    fn ack(&self, h: &HalfOpen<A>) -> Reply<A> {
        let mut reply = self.syn_ack(h);
        reply.repr.flags = TcpFlags::ACK;
        reply.repr.seq_number = h.iss + 1;
        reply.repr.options = TcpOptions::Typed(OptionSet::default());
        reply
    }

    fn limited_ack(&mut self, now: Instant, reply: Reply<A>) -> Outcome<A> {
        if !self.ack_limit.try_take(now) {
            self.counters.rate_limited += 1;
            return Outcome::Dropped(DropReason::RateLimited);
        }
        self.counters.acks_sent += 1;
        Outcome::Reply(reply)
    }

    /// The RST RFC 9293 §3.10.7.2 answers an unacceptable ACK with: `<SEQ=SEG.ACK><CTL=RST>`
    /// (rate-limited).
    fn rst(&mut self, now: Instant, local: A, remote: A, repr: &Repr<'_>) -> Outcome<A> {
        if !self.rst_limit.try_take(now) {
            self.counters.rate_limited += 1;
            return Outcome::Dropped(DropReason::RateLimited);
        }
        self.counters.rsts_sent += 1;
        Outcome::Reply(Reply {
            local,
            remote,
            repr: Repr {
                src_port: self.port,
                dst_port: repr.src_port,
                seq_number: repr.ack_number,
                ack_number: SeqNumber(0),
                flags: TcpFlags::RST,
                window_len: 0,
                urgent_pointer: 0,
                options: TcpOptions::Typed(OptionSet::default()),
                payload_len: 0,
            },
        })
    }
}

/// RFC 9293 §3.10.7.4 "first, check sequence number": the four cases of acceptability.
fn acceptable(repr: &Repr<'_>, rcv_nxt: SeqNumber, rcv_wnd: u32) -> bool {
    let len = u32::try_from(repr.segment_len()).unwrap_or(u32::MAX);
    let seq = repr.seq_number;
    match (len, rcv_wnd) {
        (0, 0) => seq == rcv_nxt,
        (0, _) => seq.in_window(rcv_nxt, rcv_wnd),
        (_, 0) => false,
        (_, _) => seq.in_window(rcv_nxt, rcv_wnd) || (seq + (len - 1)).in_window(rcv_nxt, rcv_wnd),
    }
}
