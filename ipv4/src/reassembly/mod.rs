//! Reassembly of fragmented datagrams (RFC 791 §3.2, RFC 1122 §3.3.2), bounded in memory
//! and time, with RFC 5722's rule adopted for IPv4: overlapping fragments drop the whole
//! datagram.
//!
//! # Storage
//!
//! The user gives two things, both borrowed slices (or owned `Vec`s with the `alloc`
//! feature, through `managed::ManagedSlice`):
//!
//! - `slots: [Slot; N]` — **N bounds the datagrams reassembled at the same time**.
//! - `pool: [u8; P]` — **P bounds the bytes**. It is split evenly: each slot owns `P / N`
//!   bytes, laid out as `[bitmap | 60 bytes of header room | payload]`. The bitmap has one
//!   bit per 8-byte block of payload (RFC 815's hole list would need no bitmap, but a
//!   bitmap makes "did this fragment overlap anything?" a simple question). The header
//!   room lets the reassembled datagram — header and payload — come out as one contiguous
//!   slice, without another copy. Reassembling 65535-byte datagrams therefore takes about
//!   66.6 KiB per slot; [`Reassembler::max_payload_len`] tells what a pool allows.
//!   Suggested: 4 slots of 16 KiB for a small host, 8 × 67 KiB to accept anything.
//!
//! An even split was chosen over a shared, first-fit pool because the size of a datagram
//! is only known when its last fragment arrives: a shared pool would have to guess, move
//! data, or let one datagram starve the others.
//!
//! # Limits and drops
//!
//! Every dropped fragment or datagram is counted in [`Stats`], by reason:
//!
//! - a datagram longer than 65535 bytes, or than a slot holds: `too_big` (whole datagram);
//! - a fragment overlapping data already received, or contradicting the datagram's length:
//!   `overlap` (whole datagram, RFC 5722 §4). A fragment that only repeats bytes already
//!   received, identically, is an exact duplicate: it alone is dropped (`duplicates`);
//! - a non-final fragment whose length is zero or not a multiple of 8 (RFC 791 §3.2): the
//!   fragment alone, `bad_fragment`;
//! - no free slot: with [`WhenFull::EvictOldest`] (the default) the incomplete datagram
//!   whose first fragment came first is dropped (`evicted`) so that fresh traffic gets
//!   through a flood; with [`WhenFull::RefuseNew`] the new fragment is refused
//!   (`no_slot`);
//! - no completion within [`Config::timeout`] of the first fragment: `timeout`. If
//!   fragment zero had arrived, [`poll_event`](Reassembler::poll_event) then yields
//!   [`Event::TimeExceeded`] with the quote for an ICMP Time Exceeded, code 1 (RFC 792;
//!   RFC 1122 §3.3.2 "if fragment zero has not been received, no message is sent").
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_core::{Instant, IpProtocol};
//! use unet_ipv4::reassembly::{Config, Reassembler, Slot};
//! use unet_ipv4::Repr;
//!
//! let mut slots = [Slot::EMPTY; 2];
//! let mut pool = [0u8; 4096];
//! let mut r = Reassembler::new(&mut slots[..], &mut pool[..], Config::default());
//! let mut frag = Repr {
//!     src: Ipv4Addr::new(192, 0, 2, 1), dst: Ipv4Addr::new(192, 0, 2, 2),
//!     protocol: IpProtocol::UDP, ttl: 64, dscp: 0, ecn: 0, identification: 7,
//!     dont_frag: false, more_frags: true, frag_offset: 0, payload_len: 8, options: &[],
//! };
//! let now = Instant::from_secs(1);
//! assert!(r.handle_fragment(now, &frag, b"01234567").unwrap().is_none());
//! frag.more_frags = false;
//! frag.frag_offset = 1;
//! frag.payload_len = 3;
//! let done = r.handle_fragment(now, &frag, b"89a").unwrap().unwrap();
//! assert_eq!(done.payload(), b"0123456789a");
//! assert_eq!(done.repr().payload_len, 11);
//! ```

mod slot;
#[cfg(test)]
mod tests;

use core::fmt;

use managed::ManagedSlice;
use unet_core::{Duration, Instant, WireError};

use crate::packet::Packet;
use crate::Repr;
pub use slot::Slot;
use slot::{count_set, set_all, Key, Layout, State, HEADER_ROOM};

/// The longest datagram IPv4 can describe (RFC 791 §3.1: Total Length is 16 bits).
pub const MAX_DATAGRAM_LEN: usize = 65535;

/// What to do with a fragment of a new datagram when every slot is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenFull {
    /// Drop the incomplete datagram that started first (counted as `evicted`).
    #[default]
    EvictOldest,
    /// Refuse the new fragment (counted as `no_slot`).
    RefuseNew,
}

/// Limits of a [`Reassembler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long after its first fragment a datagram may take to complete. Default 15 s,
    /// RFC 791 §3.2's suggested initial timer; RFC 1122 §3.3.2 asks for a fixed value
    /// (not taken from the TTL) and recommends at most 60–120 s.
    pub timeout: Duration,
    /// Longest reassembled datagram, header included; at most (and by default) 65535.
    pub max_datagram_len: usize,
    /// Full-table policy.
    pub when_full: WhenFull,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            timeout: Duration::from_secs(15),
            max_datagram_len: MAX_DATAGRAM_LEN,
            when_full: WhenFull::EvictOldest,
        }
    }
}

/// Why a fragment was not taken. Each is also counted in [`Stats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The packet is not a fragment (MF clear and offset zero): deliver it directly.
    NotFragment,
    /// A non-final fragment whose length is zero or not a multiple of 8, or whose payload
    /// length disagrees with its header; the fragment is dropped.
    BadFragment,
    /// The datagram would be longer than 65535 bytes or than a slot holds; it is dropped.
    TooBig,
    /// The fragment overlaps data already received (not as an exact duplicate) or
    /// contradicts the datagram's length; the whole datagram is dropped (RFC 5722 §4).
    Overlap,
    /// Every slot is busy and the policy is [`WhenFull::RefuseNew`].
    NoSlot,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::NotFragment => "not a fragment",
            Error::BadFragment => "bad fragment length",
            Error::TooBig => "reassembled datagram too big",
            Error::Overlap => "overlapping fragments",
            Error::NoSlot => "no reassembly slot free",
        })
    }
}

/// Counters of what the reassembler did, by reason (all saturating).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Datagrams reassembled.
    pub completed: u64,
    /// Exact duplicate fragments dropped (the datagram kept).
    pub duplicates: u64,
    /// Datagrams dropped for overlapping or inconsistent fragments.
    pub overlap: u64,
    /// Datagrams dropped for being too long.
    pub too_big: u64,
    /// Fragments refused for want of a slot ([`WhenFull::RefuseNew`]).
    pub no_slot: u64,
    /// Datagrams dropped on timeout.
    pub timeout: u64,
    /// Fragments dropped for a bad length.
    pub bad_fragment: u64,
    /// Incomplete datagrams evicted to make room ([`WhenFull::EvictOldest`]).
    pub evicted: u64,
    /// Time Exceeded events lost because their slot was reused before they were polled.
    pub events_lost: u64,
}

fn bump(counter: &mut u64) {
    *counter = counter.saturating_add(1);
}

/// A reassembled datagram, borrowed from the pool until the next call on the
/// [`Reassembler`] (which then frees its slot).
#[derive(Debug, Clone, Copy)]
pub struct Complete<'r> {
    datagram: &'r [u8],
    repr: Repr<'r>,
}

impl<'r> Complete<'r> {
    /// The whole datagram: fragment zero's header (MF cleared, offset zero, Total Length
    /// and checksum rewritten) followed by the reassembled payload.
    pub fn datagram(&self) -> &'r [u8] {
        self.datagram
    }

    /// The reassembled header.
    pub fn repr(&self) -> Repr<'r> {
        self.repr
    }

    /// The reassembled payload.
    pub fn payload(&self) -> &'r [u8] {
        self.datagram.get(self.repr.header_len()..).unwrap_or(&[])
    }
}

/// Something the stack must act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event<'r> {
    /// A datagram whose fragment zero had arrived timed out: send ICMP Time Exceeded,
    /// code 1, "fragment reassembly time exceeded" (RFC 792) to its source, quoting
    /// `quote` (fragment zero's header and its first 8 payload bytes), e.g. with
    /// [`crate::icmp::ErrorMessage::new`].
    TimeExceeded {
        /// Fragment zero's header and first 8 payload bytes.
        quote: &'r [u8],
    },
}

/// The reassembly machine; see the [module documentation](self).
#[derive(Debug)]
pub struct Reassembler<'a> {
    slots: ManagedSlice<'a, Slot>,
    pool: ManagedSlice<'a, u8>,
    layout: Layout,
    config: Config,
    stats: Stats,
}

impl<'a> Reassembler<'a> {
    /// A reassembler over `slots` (one per concurrent datagram) and `pool` (split evenly
    /// among them). Slots are reset; `config.max_datagram_len` is capped at 65535.
    pub fn new(
        slots: impl Into<ManagedSlice<'a, Slot>>,
        pool: impl Into<ManagedSlice<'a, u8>>,
        mut config: Config,
    ) -> Reassembler<'a> {
        let mut slots = slots.into();
        let pool = pool.into();
        slots.iter_mut().for_each(|s| *s = Slot::EMPTY);
        config.max_datagram_len = config.max_datagram_len.min(MAX_DATAGRAM_LEN);
        let max_payload = config.max_datagram_len.saturating_sub(crate::packet::HEADER_LEN);
        let layout = Layout::new(pool.len(), slots.len(), max_payload);
        Reassembler { slots, pool, layout, config, stats: Stats::default() }
    }

    /// The longest payload one slot can reassemble.
    pub fn max_payload_len(&self) -> usize {
        self.layout.capacity
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Datagrams currently being reassembled.
    pub fn in_progress(&self) -> usize {
        self.slots.iter().filter(|s| s.state == State::Incomplete).count()
    }

    /// The earliest reassembly deadline, for the caller's timer.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.slots.iter().filter(|s| s.state == State::Incomplete).map(|s| s.deadline).min()
    }

    /// Drops the datagrams whose deadline has passed (RFC 791 §3.2 "timer runs out"); those
    /// whose fragment zero had arrived leave an [`Event::TimeExceeded`] to poll.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.release_delivered();
        for s in self.slots.iter_mut() {
            if s.state == State::Incomplete && s.deadline <= now {
                bump(&mut self.stats.timeout);
                s.state = if s.header_len != 0 { State::Expired } else { State::Free };
            }
        }
    }

    /// The next pending event. Its slot is free again once this returns.
    pub fn poll_event(&mut self) -> Option<Event<'_>> {
        self.release_delivered();
        let (i, slot) = self
            .slots
            .iter_mut()
            .enumerate()
            .filter(|(_, s)| s.state == State::Expired)
            .min_by_key(|(_, s)| s.deadline)?;
        slot.state = State::Free;
        let start = self.layout.payload_start(i);
        let quote = self.pool.get(start - usize::from(slot.header_len)..start + 8)?;
        Some(Event::TimeExceeded { quote })
    }

    /// Takes one fragment: `repr` is its header (from [`Repr::parse`]) and `payload` its
    /// payload (`repr.payload_len` bytes). Returns the datagram when this fragment
    /// completes it; `Ok(None)` when more are needed or the fragment was an exact
    /// duplicate.
    pub fn handle_fragment(
        &mut self,
        now: Instant,
        repr: &Repr<'_>,
        payload: &[u8],
    ) -> Result<Option<Complete<'_>>, Error> {
        self.handle_timeout(now);
        if !repr.is_fragment() {
            return Err(Error::NotFragment);
        }
        let len = payload.len();
        // RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes. A header
        // this crate could not write back (options not padded, or too long) is refused too.
        let odd = repr.more_frags && (len == 0 || !len.is_multiple_of(8));
        let bad_options = repr.options.len() > crate::packet::MAX_OPTIONS_LEN
            || !repr.options.len().is_multiple_of(4);
        if len != repr.payload_len || odd || bad_options {
            bump(&mut self.stats.bad_fragment);
            return Err(Error::BadFragment);
        }
        let key = Key {
            src: repr.src,
            dst: repr.dst,
            protocol: repr.protocol,
            identification: repr.identification,
        };
        let offset = repr.frag_offset_bytes() as usize;
        let end = offset + len;
        // RFC 791: Total Length is 16 bits; "ping of death" fragments reach past it.
        if end > self.layout.capacity || end + repr.header_len() > self.config.max_datagram_len {
            self.drop_datagram(key);
            bump(&mut self.stats.too_big);
            return Err(Error::TooBig);
        }
        let i = match self.slots.iter().position(|s| s.state == State::Incomplete && s.key == key) {
            Some(i) => i,
            None => self.allocate(now, key)?,
        };
        self.insert(i, repr, offset, payload)?;
        if !self.slots[i].is_complete() {
            return Ok(None);
        }
        self.finish(i)
    }

    /// Accepts one fragment into slot `i`, or drops the datagram.
    fn insert(
        &mut self,
        i: usize,
        repr: &Repr<'_>,
        offset: usize,
        payload: &[u8],
    ) -> Result<(), Error> {
        let end = offset + payload.len();
        let end32 = u32::try_from(end).unwrap_or(u32::MAX);
        let slot = self.slots[i];
        let consistent = match (repr.more_frags, slot.total) {
            (false, Some(total)) => total == end32,
            (false, None) => slot.max_end <= end32,
            (true, Some(total)) => end32 <= total,
            (true, None) => true,
        };
        if !consistent {
            return Err(self.fail(i, Error::Overlap));
        }
        let blocks = offset / 8..end.div_ceil(8);
        let data_at = self.layout.payload_start(i) + offset;
        let bitmap = self.pool.get(self.layout.bitmap_range(i)).unwrap_or(&[]);
        let seen = count_set(bitmap, blocks.clone());
        if seen == blocks.len() && !blocks.is_empty() {
            // RFC 5722 §4 allows treating an exact duplicate as harmless: identical bytes
            // cannot change the datagram.
            if self.pool.get(data_at..data_at + payload.len()) == Some(payload) {
                bump(&mut self.stats.duplicates);
                return Ok(());
            }
            return Err(self.fail(i, Error::Overlap));
        }
        if seen != 0 {
            return Err(self.fail(i, Error::Overlap));
        }
        if offset == 0 {
            // Fragment zero's header becomes the datagram's (RFC 791 §3.2): keep it, right
            // against the payload.
            let hl = repr.header_len();
            let start = self.layout.payload_start(i);
            let room = start.checked_sub(hl).and_then(|at| self.pool.get_mut(at..start));
            let written = room.map(|room| repr.emit(&mut Packet::new_unchecked(room)));
            if hl > HEADER_ROOM || written != Some(Ok(())) {
                return Err(self.fail(i, Error::BadFragment));
            }
            self.slots[i].header_len = hl as u8;
        }
        if let Some(dst) = self.pool.get_mut(data_at..data_at + payload.len()) {
            dst.copy_from_slice(payload);
        }
        if let Some(bitmap) = self.pool.get_mut(self.layout.bitmap_range(i)) {
            set_all(bitmap, blocks.clone());
        }
        let s = &mut self.slots[i];
        s.blocks = s.blocks.saturating_add(blocks.len() as u32);
        s.max_end = s.max_end.max(end32);
        if !repr.more_frags {
            s.total = Some(end32);
        }
        Ok(())
    }

    /// Writes the final header of slot `i` and hands the datagram out.
    fn finish(&mut self, i: usize) -> Result<Option<Complete<'_>>, Error> {
        let slot = self.slots[i];
        let hl = usize::from(slot.header_len);
        let payload_len = slot.total.unwrap_or(0) as usize;
        let start = self.layout.payload_start(i);
        let total = hl + payload_len;
        let Ok(total16) = u16::try_from(total) else {
            return Err(self.fail(i, Error::TooBig));
        };
        if total > self.config.max_datagram_len {
            return Err(self.fail(i, Error::TooBig));
        }
        let Some(bytes) = self.pool.get_mut(start - hl..start + payload_len) else {
            return Err(self.fail(i, Error::TooBig));
        };
        let mut packet = Packet::new_unchecked(bytes);
        packet.set_total_len(total16);
        packet.set_more_frags(false);
        packet.set_frag_offset(0);
        packet.fill_checksum();
        self.slots[i].state = State::Delivered;
        bump(&mut self.stats.completed);
        let datagram = self.pool.get(start - hl..start + payload_len).unwrap_or(&[]);
        let repr = Packet::new_checked(datagram)
            .and_then(|p| Repr::parse(&p))
            .map_err(|_: WireError| Error::BadFragment)?;
        Ok(Some(Complete { datagram, repr }))
    }

    /// Frees slot `i`, counts `error` and returns it.
    fn fail(&mut self, i: usize, error: Error) -> Error {
        self.slots[i].state = State::Free;
        match error {
            Error::Overlap => bump(&mut self.stats.overlap),
            Error::TooBig => bump(&mut self.stats.too_big),
            _ => bump(&mut self.stats.bad_fragment),
        }
        error
    }

    /// Drops the datagram `key` if it is being reassembled (not counted here).
    fn drop_datagram(&mut self, key: Key) {
        for s in self.slots.iter_mut() {
            if s.state == State::Incomplete && s.key == key {
                s.state = State::Free;
            }
        }
    }

    /// A slot for a new datagram: a free one, else one holding an unpolled event (lost),
    /// else per [`WhenFull`].
    fn allocate(&mut self, now: Instant, key: Key) -> Result<usize, Error> {
        let pick = |state: State, slots: &[Slot]| slots.iter().position(|s| s.state == state);
        let i = if let Some(i) = pick(State::Free, &self.slots) {
            i
        } else if let Some(i) = pick(State::Expired, &self.slots) {
            bump(&mut self.stats.events_lost);
            i
        } else {
            match self.config.when_full {
                WhenFull::RefuseNew => {
                    bump(&mut self.stats.no_slot);
                    return Err(Error::NoSlot);
                }
                WhenFull::EvictOldest => {
                    let oldest = self
                        .slots
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.state == State::Incomplete)
                        .min_by_key(|(_, s)| s.started)
                        .map(|(i, _)| i);
                    let Some(i) = oldest else {
                        bump(&mut self.stats.no_slot);
                        return Err(Error::NoSlot);
                    };
                    bump(&mut self.stats.evicted);
                    i
                }
            }
        };
        let deadline = now + self.config.timeout;
        self.slots[i].start(key, now, deadline);
        if let Some(bitmap) = self.pool.get_mut(self.layout.bitmap_range(i)) {
            bitmap.fill(0);
        }
        Ok(i)
    }

    fn release_delivered(&mut self) {
        for s in self.slots.iter_mut() {
            if s.state == State::Delivered {
                s.state = State::Free;
            }
        }
    }
}
