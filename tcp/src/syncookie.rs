//! SYN cookies (RFC 4987 §3.6): a listener whose SYN queue is full answers a SYN with a
//! SYN-ACK whose sequence number encodes what it would have stored, and keeps nothing.
//!
//! The cookie (our ISN) is 32 bits, after Linux's scheme in spirit:
//!
//! ```text
//!  31      27 26  24 23                                    0
//! +----------+------+---------------------------------------+
//! | counter  | mss  |  MAC(key; 4-tuple, counter, peer ISN,  |
//! | (5 bits) | index|       mss index), 24 bits              |
//! +----------+------+---------------------------------------+
//! ```
//!
//! - `counter`: `now` in [`COUNTER_PERIOD`]s (64 s), low 5 bits; the MAC covers the whole
//!   counter, so the cookie is valid for [`MAX_AGE`] + 1 periods and never again (a cookie
//!   replayed 32 periods later has the right bits but the wrong MAC).
//! - `mss index`: the largest entry of [`MSS_TABLE`] not above the peer's MSS option — the
//!   one parameter of the SYN a connection cannot do without (RFC 4987 §3.6).
//! - MAC: SipHash-2-4 under a 128-bit secret key, truncated to 24 bits; a blind attacker
//!   guessing an ACK number is accepted with probability about 2^-24 per try per still
//!   valid counter value, and only while the listener is sending cookies at all.
//!
//! The final ACK of the handshake brings it back: `SEG.ACK − 1` is the cookie and
//! `SEG.SEQ − 1` the peer's ISN; [`SynCookies::validate`] recomputes the MAC and returns
//! the MSS.
//!
//! **What a cookie loses** (RFC 4987 §3.6: "the server must reject any TCP options"
//! beyond what it encodes): the peer's exact MSS (rounded down to the table); the window
//! scale and SACK-permitted options — unless the peer sent Timestamps, in which case they
//! travel in the low [`TS_OPTION_BITS`] bits of our TSval ([`encode_tsval`]) and come back
//! in the ACK's TSecr ([`decode_tsecr`]), as Linux does. Without Timestamps the listener
//! offers neither window scaling nor SACK in a cookie SYN-ACK, so the connection runs with
//! an unscaled window (at most 65535 bytes in flight) and without SACK. Data in the SYN
//! and anything else is lost as well.
//!
//! **Keys:** [`rotate`](SynCookies::rotate) draws a new key and keeps the previous one for
//! validation, so cookies in flight survive one rotation and not two.

use core::fmt;
use core::hash::Hasher;

use rand_core::RngCore;
use siphasher::sip::SipHasher24;
use unet_core::{Duration, Instant, IpAddress};

use crate::isn::hash_tuple;
use crate::seq::SeqNumber;

/// The MSS values a cookie can carry (3 bits), ascending: the IPv4 minimum (RFC 9293
/// §3.7.1), the IPv6 minimum (1280 − 60), common tunnel and PPPoE sizes, Ethernet, and
/// two jumbo sizes.
pub const MSS_TABLE: [u16; 8] = [536, 1220, 1300, 1400, 1440, 1460, 4312, 8960];

/// How often the cookie counter ticks.
pub const COUNTER_PERIOD: Duration = Duration::from_secs(64);

/// How many counter periods after it was issued a cookie is still accepted (so a cookie
/// lives between 128 and 192 seconds): long enough for a SYN-ACK retransmitted by the
/// network and a slow client, short enough that captured cookies go stale.
pub const MAX_AGE: u32 = 2;

/// Low bits of a cookie SYN-ACK's TSval that carry the peer's options ([`encode_tsval`]).
pub const TS_OPTION_BITS: u32 = 6;

const COUNTER_BITS: u32 = 5;
const MAC_MASK: u32 = 0x00ff_ffff;
const WSCALE_NONE: u32 = 0xf;
const SACK_BIT: u32 = 0x10;

/// Why a cookie was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CookieError {
    /// No counter value within [`MAX_AGE`] periods matches: too old, or not a cookie.
    Expired,
    /// The MAC does not match under the current or previous key: forged or corrupted.
    BadMac,
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CookieError::Expired => "SYN cookie expired",
            CookieError::BadMac => "SYN cookie MAC mismatch",
        })
    }
}

/// The options a cookie SYN-ACK can carry in its TSval when the peer sent Timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CookieOptions {
    /// The peer's window scale shift (RFC 7323 §2.2), `None` if it sent none.
    pub window_scale: Option<u8>,
    /// The peer sent SACK-Permitted (RFC 2018 §2).
    pub sack_permitted: bool,
}

/// The TSval for a cookie SYN-ACK: `tsval_now` with its low [`TS_OPTION_BITS`] replaced by
/// `options`, moved back one step when that would be ahead of `tsval_now`, so our
/// timestamps never run backwards later (RFC 7323 §5.4). Window scales above 14 are
/// recorded as 14 (RFC 7323 §2.3).
pub fn encode_tsval(tsval_now: u32, options: CookieOptions) -> u32 {
    let wscale = options.window_scale.map_or(WSCALE_NONE, |s| u32::from(s.min(14)));
    let bits = wscale | if options.sack_permitted { SACK_BIT } else { 0 };
    let step = 1u32 << TS_OPTION_BITS;
    let ts = (tsval_now & !(step - 1)) | bits;
    if ts > tsval_now {
        ts.wrapping_sub(step)
    } else {
        ts
    }
}

/// The options [`encode_tsval`] put in the TSval our peer echoes as TSecr.
pub fn decode_tsecr(tsecr: u32) -> CookieOptions {
    let wscale = tsecr & 0xf;
    CookieOptions {
        window_scale: if wscale == WSCALE_NONE { None } else { Some(wscale.min(14) as u8) },
        sack_permitted: tsecr & SACK_BIT != 0,
    }
}

/// A connection's identity as a cookie sees it: the 4-tuple from *our* side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CookieTuple<A> {
    /// Our address (the SYN's destination).
    pub local: A,
    /// Our (listening) port.
    pub local_port: u16,
    /// The peer's address.
    pub remote: A,
    /// The peer's port.
    pub remote_port: u16,
}

/// The SYN cookie secret and its predecessor (module docs).
#[derive(Clone)]
pub struct SynCookies {
    key: [u8; 16],
    previous: Option<[u8; 16]>,
}

impl fmt::Debug for SynCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SynCookies { .. }") // keys are secret
    }
}

impl SynCookies {
    /// Cookies under a 128-bit key drawn from `rng`.
    pub fn new<R: RngCore + ?Sized>(rng: &mut R) -> SynCookies {
        let mut key = [0u8; 16];
        rng.fill_bytes(&mut key);
        SynCookies { key, previous: None }
    }

    /// Cookies under a fixed key (tests, replays).
    pub const fn from_key(key: [u8; 16]) -> SynCookies {
        SynCookies { key, previous: None }
    }

    /// Draws a new key; cookies issued under the current one stay valid until the next
    /// rotation.
    pub fn rotate<R: RngCore + ?Sized>(&mut self, rng: &mut R) {
        self.previous = Some(self.key);
        rng.fill_bytes(&mut self.key);
    }

    fn counter(now: Instant) -> u32 {
        (now.as_micros() / COUNTER_PERIOD.as_micros()) as u32
    }

    fn mac<A: IpAddress>(
        key: &[u8; 16],
        tuple: &CookieTuple<A>,
        counter: u32,
        peer_isn: SeqNumber,
        mss_index: u32,
    ) -> u32 {
        let mut h = SipHasher24::new_with_key(key);
        hash_tuple(&mut h, tuple.local, tuple.local_port, tuple.remote, tuple.remote_port);
        h.write(&counter.to_be_bytes());
        h.write(&peer_isn.0.to_be_bytes());
        h.write(&[mss_index as u8]);
        h.finish() as u32 & MAC_MASK
    }

    /// The cookie to use as our ISN in a SYN-ACK answering a SYN with sequence number
    /// `peer_isn` and MSS option `peer_mss` (536 if absent, RFC 9293 §3.7.1), with the MSS
    /// the connection will use: the largest [`MSS_TABLE`] entry not above `peer_mss` (the
    /// smallest entry if `peer_mss` is below all of them).
    pub fn generate<A: IpAddress>(
        &self,
        now: Instant,
        tuple: &CookieTuple<A>,
        peer_isn: SeqNumber,
        peer_mss: u16,
    ) -> (SeqNumber, u16) {
        let index = MSS_TABLE.iter().rposition(|&m| m <= peer_mss).unwrap_or(0);
        let counter = Self::counter(now);
        let mac = Self::mac(&self.key, tuple, counter, peer_isn, index as u32);
        let top = (counter & ((1 << COUNTER_BITS) - 1)) << (32 - COUNTER_BITS);
        let cookie = top | ((index as u32) << 24) | mac;
        (SeqNumber(cookie), MSS_TABLE[index])
    }

    /// Checks the cookie a handshake's final ACK returns: `cookie` is `SEG.ACK − 1`,
    /// `peer_isn` is `SEG.SEQ − 1`. Returns the MSS encoded in it.
    pub fn validate<A: IpAddress>(
        &self,
        now: Instant,
        tuple: &CookieTuple<A>,
        peer_isn: SeqNumber,
        cookie: SeqNumber,
    ) -> Result<u16, CookieError> {
        let bits = cookie.0 >> (32 - COUNTER_BITS);
        let index = (cookie.0 >> 24) & 0x7;
        let now_counter = Self::counter(now);
        let mut matched = false;
        for age in 0..=MAX_AGE {
            let counter = now_counter.wrapping_sub(age);
            if counter & ((1 << COUNTER_BITS) - 1) != bits {
                continue;
            }
            matched = true;
            let keys = [Some(&self.key), self.previous.as_ref()];
            for key in keys.into_iter().flatten() {
                if Self::mac(key, tuple, counter, peer_isn, index) == cookie.0 & MAC_MASK {
                    return Ok(MSS_TABLE[index as usize]);
                }
            }
        }
        Err(if matched { CookieError::BadMac } else { CookieError::Expired })
    }
}

#[cfg(test)]
mod tests;
