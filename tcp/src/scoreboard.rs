//! The sender's SACK scoreboard and RFC 6675 loss recovery pieces: IsLost, SetPipe,
//! NextSeg, HighRxt, RescueRxt, RecoveryPoint.
//!
//! The connection owns one [`Scoreboard`] per connection that negotiated SACK and runs
//! RFC 6675 §5 with it:
//!
//! - on every acceptable ACK: [`update`](Scoreboard::update) with SND.UNA, SND.NXT and the
//!   ACK's SACK blocks; `newly_sacked > 0` makes the ACK a duplicate in RFC 6675's sense
//!   even if the window changed (RFC 6675 §2), `recovery_ended` ends loss recovery.
//! - recovery starts (DupThresh duplicates, or [`is_lost`](Scoreboard::is_lost) of
//!   SND.UNA, §5 step 3; when [`may_enter_recovery`](Scoreboard::may_enter_recovery)):
//!   [`enter_recovery`](Scoreboard::enter_recovery) gives the first segment to retransmit
//!   (§5 step 4); the congestion controller's `enter_recovery` sets cwnd = ssthresh.
//! - then, while `cwnd − pipe ≥ 1 SMSS` ([`pipe`](Scoreboard::pipe), §5 step C):
//!   [`next_seg`](Scoreboard::next_seg), send it, [`on_sent`](Scoreboard::on_sent).
//! - on RTO: [`on_rto`](Scoreboard::on_rto) (§5.1).
//!
//! Who owns what: the scoreboard keeps HighACK (its copy of SND.UNA), HighRxt, RescueRxt,
//! RecoveryPoint and the SACKed ranges; the connection keeps SND.NXT (HighData + 1) and
//! passes it in; DupAcks and cwnd live in [`crate::congestion`]. Sequence numbers here
//! are exclusive ends: HighRxt is stored as one past the highest retransmitted octet.
//!
//! **Capacity:** `N` disjoint ranges (default [`DEFAULT_SCOREBOARD_RANGES`] = 8, 8 bytes
//! each). Adjacent or overlapping blocks merge and never need a new range. When a block
//! would need an `N + 1`-th range, the scoreboard keeps the `N` ranges nearest SND.UNA
//! and forgets the highest one (the new block itself if it is the highest), counting it in
//! [`dropped_ranges`](Scoreboard::dropped_ranges). Precision lost: the forgotten bytes
//! look un-SACKed, so they count in `pipe` (sending slows down) and may be retransmitted
//! needlessly, and holes below them may be declared lost later; nothing is ever treated
//! as delivered that was not, and the receiver re-reports its recent blocks in later ACKs.
//!
//! ```
//! use unet_tcp::scoreboard::{NextSegKind, Scoreboard};
//! use unet_tcp::{SackBlock, SeqNumber};
//!
//! let (una, nxt) = (SeqNumber(1000), SeqNumber(6000));
//! let mut sb: Scoreboard = Scoreboard::new(una);
//! // Segments 2000..5000 arrived, 1000..2000 did not.
//! let block = SackBlock { left: SeqNumber(2000), right: SeqNumber(5000) };
//! let up = sb.update(una, nxt, &[block]);
//! assert_eq!(up.newly_sacked, 3000);
//! assert!(sb.is_lost(una, 1000));
//! let first = sb.enter_recovery(nxt, 1000);
//! assert_eq!((first.seq, first.len), (una, 1000));
//! sb.on_sent(&first);
//! // Lost 1000 bytes not counted, its retransmission counted, 5000..6000 in flight.
//! assert_eq!(sb.pipe(nxt, 1000), 2000);
//! ```

use crate::congestion::DUP_THRESH;
use crate::option::SackBlock;
use crate::seq::SeqNumber;

/// The default number of SACKed ranges a [`Scoreboard`] remembers.
pub const DEFAULT_SCOREBOARD_RANGES: usize = 8;

/// What [`Scoreboard::update`] learnt from an ACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SackUpdate {
    /// Bytes SACKed for the first time (RFC 6675 §2: such an ACK counts as a duplicate).
    pub newly_sacked: u32,
    /// The first block was a D-SACK (RFC 2883 §4): a duplicate was received. It is not
    /// used for the scoreboard.
    pub dsack: bool,
    /// Blocks ignored as invalid: empty, below SND.UNA, or beyond SND.NXT.
    pub ignored: u8,
    /// SND.UNA reached RecoveryPoint: loss recovery is over (RFC 6675 §5 step 4.1).
    pub recovery_ended: bool,
}

/// Which NextSeg rule chose a segment (RFC 6675 §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextSegKind {
    /// §5 step 4.3: the first retransmission on entering recovery.
    First,
    /// Rule 1: a lost segment above HighRxt.
    Lost,
    /// Rule 2: new data at SND.NXT.
    NewData,
    /// Rule 3: an un-SACKed, not-yet-lost segment above HighRxt (last resort).
    Unsacked,
    /// Rule 4: the rescue retransmission of the highest un-SACKed data, once per recovery.
    Rescue,
}

/// A segment to send: `len` bytes (at most SMSS, never overlapping SACKed data) from `seq`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextSeg {
    /// First sequence number.
    pub seq: SeqNumber,
    /// Length in bytes (> 0).
    pub len: u32,
    /// The rule that chose it.
    pub kind: NextSegKind,
}

/// The SACK scoreboard (module docs): at most `N` SACKed ranges above SND.UNA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scoreboard<const N: usize = DEFAULT_SCOREBOARD_RANGES> {
    /// Sorted, disjoint, non-adjacent, all within (SND.UNA, SND.UNA + 2^31).
    ranges: [SackBlock; N],
    len: u16,
    /// HighACK: SND.UNA as of the last update.
    high_ack: SeqNumber,
    /// One past HighRxt; never below HighACK.
    high_rxt: SeqNumber,
    rescue_rxt: Option<SeqNumber>,
    recovery_point: Option<SeqNumber>,
    in_recovery: bool,
    /// Saturating (a counter of what a full scoreboard forgot).
    dropped: u32,
}

impl<const N: usize> Scoreboard<N> {
    /// `len` fits 16 bits (checked when `new` is instantiated).
    const N_FITS: () = assert!(N <= u16::MAX as usize, "Scoreboard: N must be at most 65535");

    /// An empty scoreboard with SND.UNA = `snd_una`.
    #[allow(clippy::let_unit_value)]
    pub const fn new(snd_una: SeqNumber) -> Scoreboard<N> {
        let () = Self::N_FITS;
        Scoreboard {
            ranges: [SackBlock { left: SeqNumber(0), right: SeqNumber(0) }; N],
            len: 0,
            high_ack: snd_una,
            high_rxt: snd_una,
            rescue_rxt: None,
            recovery_point: None,
            in_recovery: false,
            dropped: 0,
        }
    }

    /// The most ranges it holds.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// The SACKed ranges, in sequence order.
    pub fn ranges(&self) -> &[SackBlock] {
        &self.ranges[..self.len()]
    }

    /// Ranges forgotten because the scoreboard was full.
    pub const fn dropped_ranges(&self) -> u64 {
        self.dropped as u64
    }

    /// Ranges held now.
    const fn len(&self) -> usize {
        self.len as usize
    }

    /// HighACK (SND.UNA as last seen).
    pub const fn high_ack(&self) -> SeqNumber {
        self.high_ack
    }

    /// One past HighRxt, the highest octet retransmitted by rules 1 and 3 (or SND.UNA).
    pub const fn high_rxt(&self) -> SeqNumber {
        self.high_rxt
    }

    /// RescueRxt (stored one past the octet RFC 6675 names, like the others), if a rescue
    /// retransmission (or the first retransmission) happened.
    pub const fn rescue_rxt(&self) -> Option<SeqNumber> {
        self.rescue_rxt
    }

    /// RecoveryPoint (SND.NXT when recovery began or the last RTO happened), while it
    /// still matters.
    pub const fn recovery_point(&self) -> Option<SeqNumber> {
        self.recovery_point
    }

    /// In RFC 6675 loss recovery.
    pub const fn in_recovery(&self) -> bool {
        self.in_recovery
    }

    /// Total SACKed bytes.
    pub fn sacked_bytes(&self) -> u32 {
        self.ranges()
            .iter()
            .fold(0u32, |acc, r| acc.saturating_add(self.off(r.right) - self.off(r.left)))
    }

    /// Forgets every SACKed range (RFC 2018 §8's strict reading after a timeout, or
    /// after reneging is suspected); the recovery variables stay.
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Offset of `s` from HighACK.
    fn off(&self, s: SeqNumber) -> u32 {
        s.0.wrapping_sub(self.high_ack.0)
    }

    /// Bytes from SND.UNA to `snd_nxt`, or 0 if `snd_nxt` is not ahead of SND.UNA.
    fn flight(&self, snd_nxt: SeqNumber) -> u32 {
        let f = self.off(snd_nxt);
        if f > i32::MAX as u32 {
            0
        } else {
            f
        }
    }

    /// Processes an ACK: SND.UNA (cumulative), SND.NXT, and the ACK's SACK blocks (RFC
    /// 2018 §3, RFC 6675 §5 "the scoreboard MUST be updated"). An `snd_una` behind the
    /// current one is ignored; blocks that are empty, wholly at or below SND.UNA, or end
    /// beyond SND.NXT are ignored (and counted); a first block below SND.UNA or inside the
    /// second block is a D-SACK (RFC 2883 §4).
    pub fn update(
        &mut self,
        snd_una: SeqNumber,
        snd_nxt: SeqNumber,
        blocks: &[SackBlock],
    ) -> SackUpdate {
        let mut out = SackUpdate::default();
        if snd_una.diff(self.high_ack) > 0 {
            self.advance(snd_una);
        }
        if let Some(rp) = self.recovery_point {
            if self.high_ack.diff(rp) >= 0 {
                out.recovery_ended = self.in_recovery;
                self.in_recovery = false;
                self.recovery_point = None;
            }
        }
        let dsack = match blocks {
            [first, rest @ ..] => {
                first.left.diff(self.high_ack) < 0
                    || rest.first().is_some_and(|second| {
                        first.left.diff(second.left) >= 0 && second.right.diff(first.right) >= 0
                    })
            }
            [] => false,
        };
        out.dsack = dsack;
        let flight = self.flight(snd_nxt);
        let before = self.sacked_bytes();
        for (i, b) in blocks.iter().enumerate() {
            if i == 0 && dsack {
                continue;
            }
            let (l, r) = (self.off(b.left), self.off(b.right));
            let valid = b.right.diff(b.left) > 0 && r <= flight && r > 0;
            if !valid {
                out.ignored = out.ignored.saturating_add(1);
                continue;
            }
            // A left edge below SND.UNA is trimmed to it (wrapping `l` above `r` means it).
            let l = if l > r { 0 } else { l };
            self.insert(l, r);
        }
        out.newly_sacked = self.sacked_bytes().saturating_sub(before);
        out
    }

    /// Moves HighACK to `una`, trimming or dropping the ranges it passed.
    fn advance(&mut self, una: SeqNumber) {
        let shift = una.0.wrapping_sub(self.high_ack.0);
        let mut kept = 0;
        for i in 0..self.len() {
            let r = self.ranges[i];
            let (l, rt) = (self.off(r.left), self.off(r.right));
            if rt <= shift {
                continue;
            }
            self.ranges[kept] =
                SackBlock { left: if l < shift { una } else { r.left }, right: r.right };
            kept += 1;
        }
        self.len = kept as u16;
        if self.off(self.high_rxt) < shift {
            self.high_rxt = una;
        }
        self.high_ack = una;
    }

    /// Adds offsets `l..r` (0 < r, l < r), merging neighbours; keeps the `N` lowest ranges.
    fn insert(&mut self, mut l: u32, mut r: u32) {
        // Ranges wholly below (ending before l) stay; those touching l..r merge into it.
        let mut first = 0;
        while first < self.len() && self.off(self.ranges[first].right) < l {
            first += 1;
        }
        let mut last = first;
        while last < self.len() && self.off(self.ranges[last].left) <= r {
            l = l.min(self.off(self.ranges[last].left));
            r = r.max(self.off(self.ranges[last].right));
            last += 1;
        }
        let merged = last - first;
        let block = SackBlock { left: self.high_ack + l, right: self.high_ack + r };
        if merged > 0 {
            self.ranges[first] = block;
            let len = self.len();
            self.ranges.copy_within(last..len, first + 1);
            self.len -= (merged - 1) as u16;
            return;
        }
        if N == 0 {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        if self.len() == N {
            // Full: forget the highest range, or the new block if it is the highest.
            self.dropped = self.dropped.saturating_add(1);
            if first == N {
                return;
            }
            self.len -= 1;
        }
        let len = self.len();
        self.ranges.copy_within(first..len, first + 1);
        self.ranges[first] = block;
        self.len += 1;
    }

    /// SACKed bytes and segments strictly above offset `o`.
    fn sacked_above(&self, o: u32, smss: u32) -> (u32, u32) {
        let smss = smss.max(1);
        let mut bytes = 0u32;
        let mut segments = 0u32;
        for b in self.ranges() {
            let (l, r) = (self.off(b.left).max(o.saturating_add(1)), self.off(b.right));
            if r > l {
                bytes = bytes.saturating_add(r - l);
                segments = segments.saturating_add((r - l).div_ceil(smss));
            }
        }
        (bytes, segments)
    }

    /// IsLost(SeqNum) (RFC 6675 §4): DupThresh discontiguous SACKed segments above `seq`,
    /// or more than (DupThresh − 1)·SMSS SACKed bytes above it. Segments are counted as
    /// ⌈bytes / SMSS⌉ per range, since the ranges do not record segment boundaries.
    pub fn is_lost(&self, seq: SeqNumber, smss: u32) -> bool {
        let (bytes, segments) = self.sacked_above(self.off(seq), smss);
        segments >= DUP_THRESH || bytes > (DUP_THRESH - 1).saturating_mul(smss.max(1))
    }

    /// The un-SACKed holes between SND.UNA and `flight`, as offsets.
    fn holes(&self, flight: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut at = 0u32;
        let mut i = 0usize;
        core::iter::from_fn(move || loop {
            if at >= flight {
                return None;
            }
            let Some(b) = self.ranges().get(i) else {
                let hole = (at, flight);
                at = flight;
                return Some(hole);
            };
            i += 1;
            let (l, r) = (self.off(b.left).min(flight), self.off(b.right).min(flight));
            let hole = (at, l);
            at = at.max(r);
            if hole.1 > hole.0 {
                return Some(hole);
            }
        })
    }

    /// SetPipe (RFC 6675 §4): the octets between SND.UNA and `snd_nxt` not SACKed count
    /// once if not lost, and once more if retransmitted (at or below HighRxt). At most
    /// twice the flight size, and at most the flight size while nothing was retransmitted.
    pub fn pipe(&self, snd_nxt: SeqNumber, smss: u32) -> u32 {
        let flight = self.flight(snd_nxt);
        let rxt = self.off(self.high_rxt).min(flight);
        let mut pipe = 0u32;
        for (a, b) in self.holes(flight) {
            // IsLost is the same for every octet of a hole: the same SACKed data is above.
            if !self.is_lost(self.high_ack + a, smss) {
                pipe = pipe.saturating_add(b - a);
            }
            if rxt > a {
                pipe = pipe.saturating_add(rxt.min(b) - a);
            }
        }
        pipe
    }

    /// NextSeg (RFC 6675 §4), for a sender with `new_data` bytes of unsent data the
    /// receiver's window lets it send now. Rules 1–3 in order; rule 4 (rescue) once per
    /// recovery, only in recovery, when SND.UNA is above RescueRxt. `None`: nothing to send.
    pub fn next_seg(&self, snd_nxt: SeqNumber, smss: u32, new_data: u32) -> Option<NextSeg> {
        let smss = smss.max(1);
        let flight = self.flight(snd_nxt);
        let rxt = self.off(self.high_rxt);
        // Rules 1 and 3 look below the highest SACKed octet only.
        let top = self.ranges().last().map_or(0, |b| self.off(b.right).min(flight));
        let candidate = |need_lost: bool| {
            self.holes(top).find_map(|(a, b)| {
                let s = a.max(rxt);
                (s < b && (!need_lost || self.is_lost(self.high_ack + s, smss)))
                    .then(|| (s, (b - s).min(smss)))
            })
        };
        let seg = |(s, len): (u32, u32), kind| NextSeg { seq: self.high_ack + s, len, kind };
        if let Some(found) = candidate(true) {
            return Some(seg(found, NextSegKind::Lost));
        }
        if new_data > 0 {
            return Some(NextSeg {
                seq: snd_nxt,
                len: new_data.min(smss),
                kind: NextSegKind::NewData,
            });
        }
        if let Some(found) = candidate(false) {
            return Some(seg(found, NextSegKind::Unsacked));
        }
        let rescue_allowed =
            self.in_recovery && self.rescue_rxt.is_none_or(|r| self.high_ack.diff(r) >= 0);
        if rescue_allowed {
            // The segment must include the highest outstanding un-SACKed octet.
            if let Some((a, b)) = self.holes(flight).last() {
                let s = a.max(b.saturating_sub(smss));
                return Some(seg((s, b - s), NextSegKind::Rescue));
            }
        }
        None
    }

    /// The first segment from `from` on that is not SACKed, up to SMSS and below
    /// `snd_nxt`: for retransmissions after an RTO that skip SACKed data.
    pub fn next_unsacked(
        &self,
        from: SeqNumber,
        snd_nxt: SeqNumber,
        smss: u32,
    ) -> Option<(SeqNumber, u32)> {
        let flight = self.flight(snd_nxt);
        let start = if from.diff(self.high_ack) < 0 { 0 } else { self.off(from) };
        self.holes(flight).find_map(|(a, b)| {
            let s = a.max(start);
            (s < b).then(|| (self.high_ack + s, (b - s).min(smss.max(1))))
        })
    }

    /// RFC 6675 §5 step 4: loss recovery begins with SND.NXT = `snd_nxt`: RecoveryPoint
    /// = HighData, and the segment at SND.UNA is to be retransmitted (returned; pass it to
    /// [`on_sent`](Self::on_sent) once sent, which sets HighRxt and RescueRxt to its end).
    pub fn enter_recovery(&mut self, snd_nxt: SeqNumber, smss: u32) -> NextSeg {
        self.in_recovery = true;
        self.recovery_point = Some(snd_nxt);
        self.rescue_rxt = None;
        self.high_rxt = self.high_ack;
        let smss = smss.max(1);
        let flight = self.flight(snd_nxt);
        let (a, b) = self.holes(flight).next().unwrap_or((0, flight.max(1)));
        NextSeg { seq: self.high_ack + a, len: (b - a).min(smss), kind: NextSegKind::First }
    }

    /// RFC 6675 §4 / §5 (C.3): `seg` was sent. Retransmissions by rules 1 and 3 raise
    /// HighRxt; the first retransmission sets HighRxt and RescueRxt; a rescue sets
    /// RescueRxt = RecoveryPoint and leaves HighRxt alone; new data changes nothing here.
    pub fn on_sent(&mut self, seg: &NextSeg) {
        let end = seg.seq + seg.len;
        let raise = |rxt: &mut SeqNumber| {
            if end.diff(*rxt) > 0 {
                *rxt = end;
            }
        };
        match seg.kind {
            NextSegKind::First => {
                raise(&mut self.high_rxt);
                self.rescue_rxt = Some(end);
            }
            NextSegKind::Lost | NextSegKind::Unsacked => raise(&mut self.high_rxt),
            NextSegKind::Rescue => self.rescue_rxt = self.recovery_point,
            NextSegKind::NewData => {}
        }
    }

    /// Whether a new loss recovery may begin: not in one, and SND.UNA has reached the
    /// RecoveryPoint of the last RTO (RFC 6675 §5.1).
    pub fn may_enter_recovery(&self) -> bool {
        !self.in_recovery && self.recovery_point.is_none_or(|rp| self.high_ack.diff(rp) >= 0)
    }

    /// The retransmission timer expired with SND.NXT = `snd_nxt` (RFC 6675 §5.1):
    /// RecoveryPoint = HighData, loss recovery ends, and a new one may not begin before
    /// SND.UNA reaches it. The SACK information is kept (use [`clear`](Self::clear) to
    /// follow RFC 2018 §8's "ignore prior SACK information" strictly).
    pub fn on_rto(&mut self, snd_nxt: SeqNumber) {
        self.recovery_point = Some(snd_nxt);
        self.in_recovery = false;
        self.rescue_rxt = None;
        self.high_rxt = self.high_ack;
    }
}

#[cfg(test)]
#[path = "tests/scoreboard.rs"]
mod tests;
