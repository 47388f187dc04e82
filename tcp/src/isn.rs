//! Initial sequence numbers (RFC 6528 §3).
//!
//! RFC 6528 §3: `ISN = M + F(localip, localport, remoteip, remoteport, secretkey)`, where
//! `M` is a timer that ticks every 4 microseconds and `F` a keyed pseudorandom function.
//! [`IsnGenerator`] takes `M` from the caller's [`Instant`] (microseconds / 4, wrapping) and
//! `F` as SipHash-2-4 under a 128-bit key drawn from the caller's [`RngCore`] once, at
//! construction (RFC 6528 §3 recommends SipHash-class or MD5; the key must not be
//! guessable, so seed the generator from real entropy outside tests).
//!
//! So each 4-tuple gets its own sequence-number space (an off-path attacker cannot predict
//! ours from a connection of their own), and within one 4-tuple ISNs keep increasing with
//! time, which is what lets a new incarnation be told apart from old duplicates (RFC 9293
//! §3.4.1).
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_core::{rng::SplitMix64, Instant};
//! use unet_tcp::isn::IsnGenerator;
//!
//! let isn = IsnGenerator::new(&mut SplitMix64::new(7));
//! let (a, b) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 2));
//! let first = isn.generate(Instant::from_secs(1), a, 80, b, 40000);
//! let later = isn.generate(Instant::from_secs(2), a, 80, b, 40000);
//! assert_eq!(later.diff(first), 250_000); // one second of 4 µs ticks
//! ```

use core::hash::Hasher;
use core::net::IpAddr;

use rand_core::RngCore;
use siphasher::sip::SipHasher24;
use unet_core::{Instant, IpAddress};

use crate::seq::SeqNumber;

/// Feeds a 4-tuple to `hasher`: each address as its octets (4 or 16), each port big-endian.
pub(crate) fn hash_tuple<A: IpAddress, H: Hasher>(
    hasher: &mut H,
    local: A,
    local_port: u16,
    remote: A,
    remote_port: u16,
) {
    for addr in [local, remote] {
        match addr.into() {
            IpAddr::V4(v4) => hasher.write(&v4.octets()),
            IpAddr::V6(v6) => hasher.write(&v6.octets()),
        }
    }
    hasher.write(&local_port.to_be_bytes());
    hasher.write(&remote_port.to_be_bytes());
}

/// The RFC 6528 ISN generator: a secret key, nothing else (module docs).
#[derive(Clone)]
pub struct IsnGenerator {
    key: [u8; 16],
}

impl core::fmt::Debug for IsnGenerator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The key is a secret: never print it.
        f.write_str("IsnGenerator { .. }")
    }
}

impl IsnGenerator {
    /// A generator whose key is 128 bits drawn from `rng`.
    pub fn new<R: RngCore + ?Sized>(rng: &mut R) -> IsnGenerator {
        let mut key = [0u8; 16];
        rng.fill_bytes(&mut key);
        IsnGenerator { key }
    }

    /// A generator with a fixed key (tests, replays).
    pub const fn from_key(key: [u8; 16]) -> IsnGenerator {
        IsnGenerator { key }
    }

    /// `F`: the keyed hash of the 4-tuple (RFC 6528 §3), truncated to 32 bits.
    fn offset<A: IpAddress>(&self, local: A, local_port: u16, remote: A, remote_port: u16) -> u32 {
        let mut h = SipHasher24::new_with_key(&self.key);
        hash_tuple(&mut h, local, local_port, remote, remote_port);
        h.finish() as u32
    }

    /// The ISN for a connection from `local:local_port` to `remote:remote_port` at `now`:
    /// `M + F(...)` with `M` = `now` in 4 µs ticks, modulo 2^32 (RFC 6528 §3).
    pub fn generate<A: IpAddress>(
        &self,
        now: Instant,
        local: A,
        local_port: u16,
        remote: A,
        remote_port: u16,
    ) -> SeqNumber {
        let m = (now.as_micros() / 4) as u32; // wraps every 4.77 hours, as RFC 6528 expects
        SeqNumber(m.wrapping_add(self.offset(local, local_port, remote, remote_port)))
    }
}

#[cfg(test)]
mod tests {
    use core::net::{Ipv4Addr, Ipv6Addr};

    use unet_core::rng::SplitMix64;
    use unet_core::Duration;

    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const B: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 2);

    #[test]
    fn rfc6528_3_different_tuples_get_different_isns() {
        let g = IsnGenerator::new(&mut SplitMix64::new(1));
        let t = Instant::from_secs(5);
        let base = g.generate(t, A, 80, B, 40000);
        assert_ne!(base, g.generate(t, A, 80, B, 40001));
        assert_ne!(base, g.generate(t, A, 81, B, 40000));
        assert_ne!(base, g.generate(t, B, 80, A, 40000));
        assert_ne!(base, g.generate(t, A, 80, Ipv4Addr::new(198, 51, 100, 3), 40000));
        // The other direction of the same connection is a different tuple too.
        assert_ne!(base, g.generate(t, B, 40000, A, 80));
        let v6 = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
        let v6b = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
        assert_ne!(g.generate(t, v6, 80, v6b, 1), g.generate(t, v6b, 80, v6, 1));
    }

    #[test]
    fn rfc6528_3_same_tuple_later_is_larger_by_the_4us_clock() {
        let g = IsnGenerator::new(&mut SplitMix64::new(2));
        let t = Instant::from_secs(100);
        let first = g.generate(t, A, 80, B, 40000);
        let later = g.generate(t + Duration::from_micros(4_000), A, 80, B, 40000);
        assert_eq!(later.diff(first), 1_000);
        assert!(later > first);
        // Same tick: same ISN.
        assert_eq!(g.generate(t + Duration::from_micros(3), A, 80, B, 40000), first);
    }

    #[test]
    fn rfc6528_3_keys_make_the_offset_unpredictable_and_fixed_keys_deterministic() {
        let t = Instant::from_secs(1);
        let k = [7u8; 16];
        let g1 = IsnGenerator::from_key(k);
        let g2 = IsnGenerator::from_key(k);
        assert_eq!(g1.generate(t, A, 80, B, 1), g2.generate(t, A, 80, B, 1));
        let other = IsnGenerator::from_key([8u8; 16]);
        assert_ne!(g1.generate(t, A, 80, B, 1), other.generate(t, A, 80, B, 1));
        // Seeded generators: same seed, same key.
        let s1 = IsnGenerator::new(&mut SplitMix64::new(9));
        let s2 = IsnGenerator::new(&mut SplitMix64::new(9));
        assert_eq!(s1.generate(t, A, 80, B, 1), s2.generate(t, A, 80, B, 1));
        assert_eq!(std::format!("{s1:?}"), "IsnGenerator { .. }");
    }

    extern crate std;
}
