//! Response rate limiting against reflection and amplification, in the manner of BIND's
//! and Knot's RRL: responses of one kind to one client network are counted in a token
//! bucket; beyond the rate they are dropped, except every `slip`-th, which is sent as a
//! truncated (TC=1) response so a real client behind that network retries over TCP
//! (RFC 7766 §1).
//!
//! The buckets live in a table of fixed size chosen by the user
//! ([`RrlConfig::table_size`]), allocated once by [`super::Server::new`]. A response
//! hashes (with a secret seed, so an attacker cannot aim at one slot) to a group of 4
//! slots; when all 4 hold other keys, the least recently used is evicted (counted in
//! [`super::ServerCounters::rrl_evictions`]): a flood of distinct sources can only make
//! limiting forget, never allocate.

use alloc::vec::Vec;
use core::net::IpAddr;

use unet_core::rate::TokenBucket;
use unet_core::{Duration, Instant};

/// Slots probed per key.
const WAYS: usize = 4;

/// Rate limiting parameters (the defaults are NSD's: 200 responses per second, slip 2,
/// IPv4 /24 and IPv6 /56 networks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RrlConfig {
    /// Responses per second allowed per (network, kind, name); also the burst.
    pub responses_per_second: u32,
    /// Every `slip`-th limited response is sent truncated instead of dropped; 0 drops all,
    /// 1 truncates all.
    pub slip: u32,
    /// IPv4 clients are grouped by this prefix length.
    pub ipv4_prefix: u8,
    /// IPv6 clients are grouped by this prefix length.
    pub ipv6_prefix: u8,
    /// Buckets kept (rounded up to a power of two, at least 4); memory is about 40 bytes
    /// per bucket.
    pub table_size: usize,
    /// Secret mixed into the hash (take it from a random source).
    pub seed: u64,
}

impl Default for RrlConfig {
    fn default() -> RrlConfig {
        RrlConfig {
            responses_per_second: 200,
            slip: 2,
            ipv4_prefix: 24,
            ipv6_prefix: 56,
            table_size: 65536,
            seed: 0x9E37_79B9_7F4A_7C15,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    key: u64,
    used: bool,
    bucket: TokenBucket,
    last: Instant,
    limited: u32,
}

/// What to do with a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Send,
    Drop,
    Slip,
}

/// The bucket table.
#[derive(Debug, Clone)]
pub(crate) struct Rrl {
    config: RrlConfig,
    slots: Vec<Slot>,
    pub(crate) evictions: u64,
}

impl Rrl {
    pub(crate) fn new(config: RrlConfig) -> Rrl {
        let n = config.table_size.max(WAYS).next_power_of_two();
        let empty = Slot {
            key: 0,
            used: false,
            bucket: TokenBucket::new(Duration::ZERO, 0),
            last: Instant::ZERO,
            limited: 0,
        };
        Rrl { config, slots: alloc::vec![empty; n], evictions: 0 }
    }

    /// Hash of the client's network and the response's identity.
    pub(crate) fn key(&self, client: IpAddr, kind: u8, name_key: &[u8]) -> u64 {
        let mut h = Fnv(self.config.seed ^ 0xcbf2_9ce4_8422_2325);
        match client {
            IpAddr::V4(a) => {
                h.write(&[4]);
                h.write(&mask(&a.octets(), self.config.ipv4_prefix));
            }
            IpAddr::V6(a) => {
                h.write(&[6]);
                h.write(&mask(&a.octets(), self.config.ipv6_prefix));
            }
        }
        h.write(&[kind]);
        h.write(name_key);
        h.0
    }

    pub(crate) fn check(&mut self, now: Instant, key: u64) -> Verdict {
        let mask = self.slots.len() - 1;
        let base = (key as usize) & mask & !(WAYS - 1);
        let group = base..base + WAYS;
        let rate = self.config.responses_per_second.max(1);
        let fresh = TokenBucket::new(Duration::from_micros(1_000_000 / u64::from(rate)), rate);
        let idx = match group.clone().find(|&i| self.slots[i].used && self.slots[i].key == key) {
            Some(i) => i,
            None => {
                let i = group
                    .clone()
                    .find(|&i| !self.slots[i].used)
                    .or_else(|| group.clone().min_by_key(|&i| self.slots[i].last))
                    .unwrap_or(base);
                if self.slots[i].used {
                    self.evictions += 1;
                }
                self.slots[i] = Slot { key, used: true, bucket: fresh, last: now, limited: 0 };
                i
            }
        };
        let slot = &mut self.slots[idx];
        slot.last = now;
        if slot.bucket.try_take(now) {
            return Verdict::Send;
        }
        slot.limited = slot.limited.wrapping_add(1);
        match self.config.slip {
            0 => Verdict::Drop,
            s if slot.limited.is_multiple_of(s) => Verdict::Slip,
            _ => Verdict::Drop,
        }
    }
}

fn mask<const N: usize>(addr: &[u8; N], prefix: u8) -> [u8; N] {
    let mut out = *addr;
    let prefix = usize::from(prefix).min(N * 8);
    for (i, b) in out.iter_mut().enumerate() {
        let bits = prefix.saturating_sub(i * 8).min(8);
        *b &= if bits == 0 { 0 } else { 0xFFu8 << (8 - bits) };
    }
    out
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_group_clients() {
        assert_eq!(mask(&[192, 0, 2, 77], 24), [192, 0, 2, 0]);
        assert_eq!(mask(&[192, 0, 2, 77], 0), [0, 0, 0, 0]);
        assert_eq!(mask(&[192, 0, 2, 0xFF], 28), [192, 0, 2, 0xF0]);
        let r = Rrl::new(RrlConfig::default());
        let a = r.key("192.0.2.1".parse().unwrap(), 1, b"x");
        assert_eq!(a, r.key("192.0.2.200".parse().unwrap(), 1, b"x"));
        assert_ne!(a, r.key("192.0.3.1".parse().unwrap(), 1, b"x"));
        assert_ne!(a, r.key("192.0.2.1".parse().unwrap(), 2, b"x"));
    }

    #[test]
    fn full_table_evicts_least_recently_used() {
        let mut r = Rrl::new(RrlConfig { table_size: 4, ..RrlConfig::default() });
        for k in 0..4u64 {
            assert_eq!(r.check(Instant::from_secs(k), k << 8), Verdict::Send);
        }
        assert_eq!(r.evictions, 0);
        assert_eq!(r.check(Instant::from_secs(9), 99 << 8), Verdict::Send);
        assert_eq!(r.evictions, 1);
        assert_eq!(r.slots.len(), 4);
    }
}
