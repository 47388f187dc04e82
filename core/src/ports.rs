//! Ephemeral port selection (RFC 6056), shared by UDP and TCP.
//!
//! [`EphemeralPorts`] implements RFC 6056 §3.3.4, "Algorithm 4: Double-Hash Port Selection
//! Algorithm":
//!
//! ```text
//! offset = F(local_IP, remote_IP, remote_port, secret_key1)
//! index  = G(local_IP, remote_IP, remote_port, secret_key2)
//! port   = min_ephemeral + (offset + table[index]) % num_ephemeral;  table[index]++
//! ```
//!
//! Why this one of the five: Algorithm 1 and 2 (plain random) reuse a port soon after it
//! was freed with some probability, which the peer's TIME-WAIT may still remember;
//! Algorithm 3 (one hash plus a single global counter) lets anyone who connects to the host
//! read that counter and so learn how many connections the host opened to *others*; the
//! double hash gives each group of destinations its own counter (`table[index]`), so port
//! sequences toward one destination reveal nothing about the others while successive
//! ports toward the *same* destination still advance and stay far from each other's
//! recent choices. Algorithm 5 (random increments) trades collision avoidance for little.
//! `F` and `G` are SipHash-2-4 under two independent 128-bit keys drawn from the caller's
//! [`Rng`](crate::Rng) at construction, the table is seeded from it too; so the output is a
//! deterministic function of the generator's seed, the inputs and the call history.
//!
//! The transport decides what a conflict is: [`EphemeralPorts::select`] asks a callback
//! whether a candidate port is suitable (RFC 6056 `check_suitable_port()`), and gives up with
//! [`PortError::Exhausted`] after a bounded number of attempts.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_core::ports::{EphemeralPorts, PortRange};
//! use unet_core::rng::SplitMix64;
//!
//! let mut ports: EphemeralPorts = EphemeralPorts::new(&mut SplitMix64::new(1));
//! let local = Ipv4Addr::new(192, 0, 2, 1);
//! let remote = Ipv4Addr::new(198, 51, 100, 7);
//! let port = ports.select(&local, &remote, 53, |_port| false).unwrap();
//! assert!(PortRange::DYNAMIC.contains(port));
//! ```

use core::fmt;
use core::hash::Hasher;
use core::net::IpAddr;

use rand_core::RngCore;
use siphasher::sip::SipHasher24;

use crate::IpAddress;

/// An inclusive range of port numbers to pick ephemeral ports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortRange {
    min: u16,
    max: u16,
}

impl PortRange {
    /// The IANA Dynamic and/or Private Ports, 49152–65535 (RFC 6335 §6), which RFC 6056
    /// §3.2 recommends as the default ephemeral range.
    pub const DYNAMIC: PortRange = PortRange { min: 49152, max: 65535 };

    /// The ports `min..=max`. Fails with [`PortError::InvalidRange`] if the range is empty
    /// or includes port 0 (which means "any port" and can never be selected).
    pub const fn new(min: u16, max: u16) -> Result<PortRange, PortError> {
        if min == 0 || min > max {
            return Err(PortError::InvalidRange);
        }
        Ok(PortRange { min, max })
    }

    /// The lowest port of the range.
    pub const fn min(&self) -> u16 {
        self.min
    }

    /// The highest port of the range.
    pub const fn max(&self) -> u16 {
        self.max
    }

    /// How many ports the range holds (`num_ephemeral` in RFC 6056), 1 to 65535.
    pub const fn len(&self) -> u32 {
        self.max as u32 - self.min as u32 + 1
    }

    /// Always false: a `PortRange` holds at least one port.
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// True if `port` is in the range.
    pub const fn contains(&self, port: u16) -> bool {
        self.min <= port && port <= self.max
    }
}

impl Default for PortRange {
    fn default() -> PortRange {
        PortRange::DYNAMIC
    }
}

/// Why no ephemeral port could be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PortError {
    /// Every candidate tried was in use (the whole range, or the attempt limit).
    Exhausted,
    /// The configured range is empty or includes port 0.
    InvalidRange,
}

impl fmt::Display for PortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PortError::Exhausted => "no ephemeral port available",
            PortError::InvalidRange => "invalid ephemeral port range",
        })
    }
}

/// RFC 6056 §3.3.4 double-hash ephemeral port selection.
///
/// `TABLE_LEN` is the number of per-destination-group counters (`TABLE_LENGTH` in the
/// RFC; 2 bytes each, default 64). More counters mean fewer unrelated destinations share
/// one, hence less information about each other; the RFC suggests 10 is already useful.
/// It must be at least 1 (checked at compile time).
#[derive(Clone)]
pub struct EphemeralPorts<const TABLE_LEN: usize = 64> {
    range: PortRange,
    /// Upper bound on candidates per call, on top of the range length.
    attempt_limit: u32,
    /// Secret key of `F` (the offset).
    key_offset: (u64, u64),
    /// Secret key of `G` (the table index).
    key_index: (u64, u64),
    table: [u16; TABLE_LEN],
}

impl<const TABLE_LEN: usize> fmt::Debug for EphemeralPorts<TABLE_LEN> {
    // The keys and counters are secrets: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EphemeralPorts")
            .field("range", &self.range)
            .field("max_attempts", &self.max_attempts())
            .field("table_len", &TABLE_LEN)
            .finish_non_exhaustive()
    }
}

impl<const TABLE_LEN: usize> EphemeralPorts<TABLE_LEN> {
    const TABLE_NOT_EMPTY: () = assert!(TABLE_LEN > 0, "EphemeralPorts needs TABLE_LEN >= 1");

    /// A selector over [`PortRange::DYNAMIC`], with keys and counters drawn from `rng`
    /// (RFC 6056 §3.3.4: "Initialization at system boot time"). Give it a generator seeded
    /// from real entropy outside tests: the keys are what keeps ports unpredictable.
    pub fn new(rng: &mut (impl RngCore + ?Sized)) -> EphemeralPorts<TABLE_LEN> {
        EphemeralPorts::with_range(rng, PortRange::DYNAMIC)
    }

    /// A selector over `range` (see [`new`](EphemeralPorts::new)). By default it may try
    /// every port of the range once before giving up, as the RFC's loop does.
    pub fn with_range(
        rng: &mut (impl RngCore + ?Sized),
        range: PortRange,
    ) -> EphemeralPorts<TABLE_LEN> {
        #[allow(clippy::let_unit_value)]
        let () = Self::TABLE_NOT_EMPTY;
        let key_offset = (rng.next_u64(), rng.next_u64());
        let key_index = (rng.next_u64(), rng.next_u64());
        let mut table = [0u16; TABLE_LEN];
        for counter in table.iter_mut() {
            // RFC 6056 §3.3.4: table[i] = random() % 65536.
            *counter = rng.next_u32() as u16;
        }
        EphemeralPorts { range, attempt_limit: u32::MAX, key_offset, key_index, table }
    }

    /// The range ports are picked from.
    pub fn range(&self) -> PortRange {
        self.range
    }

    /// Changes the range (the keys, counters and attempt limit stay).
    pub fn set_range(&mut self, range: PortRange) {
        self.range = range;
    }

    /// How many candidates [`select`](EphemeralPorts::select) checks at most.
    pub fn max_attempts(&self) -> u32 {
        self.attempt_limit.min(self.range.len())
    }

    /// Bounds the candidates one [`select`](EphemeralPorts::select) checks, to bound the
    /// work of a call when the range is nearly full (at least 1; never more than the range
    /// length, whatever the range becomes). With
    /// fewer attempts than ports, `select` may fail while a free port remains.
    pub fn set_max_attempts(&mut self, attempts: u32) {
        self.attempt_limit = attempts.max(1);
    }

    /// Picks an ephemeral port for a communication from `local` to `remote`:`remote_port`
    /// (pass the unspecified address and port 0 for what is not known yet, e.g. a `bind`
    /// to port 0 before any `connect`).
    ///
    /// `in_use(port)` is RFC 6056's `check_suitable_port()` negated: it returns true when
    /// the transport cannot use `port` for this tuple. Successive calls for the same tuple
    /// return successive candidates (their group's counter advances), so a port is not
    /// reused soon after it was released. Fails with [`PortError::Exhausted`] when
    /// [`max_attempts`](EphemeralPorts::max_attempts) candidates were all in use.
    pub fn select<A: IpAddress>(
        &mut self,
        local: &A,
        remote: &A,
        remote_port: u16,
        mut in_use: impl FnMut(u16) -> bool,
    ) -> Result<u16, PortError> {
        let num_ephemeral = self.range.len();
        let attempts = self.max_attempts();
        let offset = hash(self.key_offset, local, remote, remote_port);
        let index = (hash(self.key_index, local, remote, remote_port) % TABLE_LEN as u64) as usize;
        let Some(counter) = self.table.get_mut(index) else {
            // Unreachable: index < TABLE_LEN. Kept as an error rather than a panic.
            return Err(PortError::Exhausted);
        };
        for _ in 0..attempts {
            let step = offset.wrapping_add(u64::from(*counter)) % u64::from(num_ephemeral);
            // step < num_ephemeral <= 65535 and min + step <= max: no overflow.
            let port = self.range.min.saturating_add(step as u16);
            *counter = counter.wrapping_add(1);
            if !in_use(port) {
                return Ok(port);
            }
        }
        Err(PortError::Exhausted)
    }
}

/// SipHash-2-4 of (local address, remote address, remote port) under `key`, over a byte
/// encoding that is the same on every platform (so a fixed key gives fixed ports anywhere).
/// 2-4 rather than 1-3: the same function as TCP's ISNs and SYN cookies, so an image links
/// one SipHash.
fn hash<A: IpAddress>(key: (u64, u64), local: &A, remote: &A, remote_port: u16) -> u64 {
    let mut h = SipHasher24::new_with_keys(key.0, key.1);
    for addr in [(*local).into(), (*remote).into()] {
        match addr {
            IpAddr::V4(a) => h.write(&a.octets()),
            IpAddr::V6(a) => h.write(&a.octets()),
        }
    }
    h.write(&remote_port.to_be_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;
    use core::net::{Ipv4Addr, Ipv6Addr};
    extern crate std;
    use std::collections::BTreeSet;
    use std::vec::Vec;

    const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

    fn remote(i: u32) -> Ipv4Addr {
        Ipv4Addr::from(0xc633_6400 | (i & 0xff)) // 198.51.100.0/24
    }

    #[test]
    fn rfc6335_6_default_range_is_dynamic_ports() {
        let p: EphemeralPorts = EphemeralPorts::new(&mut SplitMix64::new(0));
        assert_eq!(p.range(), PortRange::DYNAMIC);
        assert_eq!((p.range().min(), p.range().max(), p.range().len()), (49152, 65535, 16384));
        assert_eq!(p.max_attempts(), 16384);
        assert_eq!(PortRange::new(0, 10), Err(PortError::InvalidRange));
        assert_eq!(PortRange::new(11, 10), Err(PortError::InvalidRange));
        assert_eq!(PortRange::new(1, 65535).map(|r| r.len()), Ok(65535));
    }

    #[test]
    fn rfc6056_3_3_4_fixed_key_is_deterministic() {
        let run = |seed| {
            let mut p: EphemeralPorts = EphemeralPorts::new(&mut SplitMix64::new(seed));
            (0..50)
                .map(|i| p.select(&LOCAL, &remote(i), 53, |_| false).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
        // Pinned: the byte encoding fed to SipHash is the same on every platform, so a
        // fixed key gives these ports anywhere (a change here changes every host's ports).
        assert_eq!(run(42)[..4], [50906, 58665, 55206, 64006]);
    }

    #[test]
    fn rfc6056_3_3_4_same_tuple_advances_its_counter() {
        let mut p: EphemeralPorts = EphemeralPorts::new(&mut SplitMix64::new(7));
        let r = PortRange::DYNAMIC;
        let a = p.select(&LOCAL, &remote(1), 53, |_| false).unwrap();
        let b = p.select(&LOCAL, &remote(1), 53, |_| false).unwrap();
        // Successive ports toward one destination follow each other (mod the range), so a
        // port just released is the last one to come back.
        let next = if a == r.max() { r.min() } else { a + 1 };
        assert_eq!(b, next);
    }

    #[test]
    fn rfc6056_3_3_4_ports_spread_over_the_range() {
        // 4096 destinations, 16 buckets of 1024 ports: each bucket should get about 256.
        let mut p: EphemeralPorts<256> = EphemeralPorts::new(&mut SplitMix64::new(99));
        let mut buckets = [0u32; 16];
        for i in 0..4096u32 {
            let rem = Ipv4Addr::from(0xcb00_7100u32 | (i >> 4)); // 203.0.113.x
            let port = p.select(&LOCAL, &rem, (i & 0xf) as u16 + 1000, |_| false).unwrap();
            assert!(PortRange::DYNAMIC.contains(port));
            buckets[usize::from((port - 49152) / 1024)] += 1;
        }
        // Chi-square with 15 degrees of freedom; 37.7 is the 0.1% critical value.
        let chi2: f64 = buckets.iter().map(|&n| (f64::from(n) - 256.0).powi(2) / 256.0).sum();
        assert!(chi2 < 37.7, "chi2 = {chi2}, buckets = {buckets:?}");
    }

    #[test]
    fn rfc6056_3_3_4_no_port_reused_while_in_use() {
        let range = PortRange::new(40000, 40999).unwrap();
        let mut p: EphemeralPorts = EphemeralPorts::with_range(&mut SplitMix64::new(3), range);
        let mut used = BTreeSet::new();
        for i in 0..1000u32 {
            let port = p.select(&LOCAL, &remote(i % 3), 53, |c| used.contains(&c)).unwrap();
            assert!(range.contains(port));
            assert!(used.insert(port), "port {port} handed out twice");
        }
        assert_eq!(used.len(), 1000);
        // Range full: a typed error, after at most one pass.
        let mut calls = 0;
        let res = p.select(&LOCAL, &remote(5), 53, |c| {
            calls += 1;
            used.contains(&c)
        });
        assert_eq!(res, Err(PortError::Exhausted));
        assert_eq!(calls, 1000);
    }

    #[test]
    fn rfc6056_3_3_4_attempts_are_bounded() {
        let mut p: EphemeralPorts<8> = EphemeralPorts::new(&mut SplitMix64::new(5));
        p.set_max_attempts(10);
        let mut calls = 0;
        let res = p.select(&Ipv6Addr::UNSPECIFIED, &Ipv6Addr::LOCALHOST, 0, |_| {
            calls += 1;
            true
        });
        assert_eq!((res, calls), (Err(PortError::Exhausted), 10));
        p.set_max_attempts(0);
        assert_eq!(p.max_attempts(), 1);
        p.set_range(PortRange::new(5000, 5001).unwrap());
        assert_eq!(p.max_attempts(), 1);
        p.set_max_attempts(u32::MAX);
        assert_eq!(p.max_attempts(), 2);
        // A one-port range: every call offers that port.
        p.set_range(PortRange::new(65535, 65535).unwrap());
        assert_eq!(p.select(&Ipv6Addr::LOCALHOST, &Ipv6Addr::LOCALHOST, 1, |_| false), Ok(65535));
    }

    #[test]
    fn debug_hides_the_keys() {
        let p: EphemeralPorts = EphemeralPorts::new(&mut SplitMix64::new(0));
        let s = std::format!("{p:?}");
        assert!(s.contains("49152") && !s.contains("key"));
        assert_eq!(std::format!("{}", PortError::Exhausted), "no ephemeral port available");
    }
}
