//! Sequence numbers and their modular arithmetic (RFC 9293 §3.4).
//!
//! The sequence space is finite (0 to 2^32 − 1) and wraps: every comparison is modulo 2^32.
//! `a < b` holds when `b` lies less than half the space ahead of `a`, that is when
//! `(a − b) mod 2^32`, read as a signed 32-bit number, is negative (RFC 1982 §3.2's serial
//! number arithmetic, as every TCP implementation does it).

use core::cmp::Ordering;
use core::fmt;
use core::ops::{Add, AddAssign, Sub, SubAssign};

/// A TCP sequence or acknowledgment number (RFC 9293 §3.4).
///
/// Adding and subtracting wrap; ordering is modular, so it is only a *partial* order: two
/// numbers exactly 2^31 apart are neither less nor greater than each other (RFC 1982 §3.2
/// leaves that case undefined), and `<` is not transitive around the circle.
///
/// ```
/// use unet_tcp::SeqNumber;
/// let near_wrap = SeqNumber(u32::MAX - 1);
/// let after = near_wrap + 5;
/// assert_eq!(after, SeqNumber(3));
/// assert!(near_wrap < after);
/// assert_eq!(after.diff(near_wrap), 5);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SeqNumber(pub u32);

impl SeqNumber {
    /// The signed distance from `other` to `self`: positive when `self` is ahead.
    /// For numbers exactly 2^31 apart the result is `i32::MIN` either way.
    pub const fn diff(self, other: SeqNumber) -> i32 {
        self.0.wrapping_sub(other.0) as i32
    }

    /// `self + n`, wrapping.
    pub const fn wrapping_add(self, n: u32) -> SeqNumber {
        SeqNumber(self.0.wrapping_add(n))
    }

    /// `self − n`, wrapping.
    pub const fn wrapping_sub(self, n: u32) -> SeqNumber {
        SeqNumber(self.0.wrapping_sub(n))
    }

    /// The later of the two in modular order (`self` when they are 2^31 apart).
    pub fn max(self, other: SeqNumber) -> SeqNumber {
        if other.diff(self) > 0 {
            other
        } else {
            self
        }
    }

    /// The earlier of the two in modular order (`self` when they are 2^31 apart).
    pub fn min(self, other: SeqNumber) -> SeqNumber {
        if other.diff(self) < 0 {
            other
        } else {
            self
        }
    }

    /// `start <= self < start + len` on the circle: the acceptability tests of RFC 9293
    /// §3.4 (`RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND`) in one wrap-safe comparison.
    pub const fn in_window(self, start: SeqNumber, len: u32) -> bool {
        self.0.wrapping_sub(start.0) < len
    }
}

impl PartialOrd for SeqNumber {
    fn partial_cmp(&self, other: &SeqNumber) -> Option<Ordering> {
        match self.diff(*other) {
            0 => Some(Ordering::Equal),
            i32::MIN => None,
            d if d < 0 => Some(Ordering::Less),
            _ => Some(Ordering::Greater),
        }
    }
}

impl Add<u32> for SeqNumber {
    type Output = SeqNumber;
    fn add(self, n: u32) -> SeqNumber {
        self.wrapping_add(n)
    }
}

impl AddAssign<u32> for SeqNumber {
    fn add_assign(&mut self, n: u32) {
        *self = *self + n;
    }
}

impl Sub<u32> for SeqNumber {
    type Output = SeqNumber;
    fn sub(self, n: u32) -> SeqNumber {
        self.wrapping_sub(n)
    }
}

impl SubAssign<u32> for SeqNumber {
    fn sub_assign(&mut self, n: u32) {
        *self = *self - n;
    }
}

impl From<u32> for SeqNumber {
    fn from(v: u32) -> SeqNumber {
        SeqNumber(v)
    }
}

impl From<SeqNumber> for u32 {
    fn from(s: SeqNumber) -> u32 {
        s.0
    }
}

impl fmt::Debug for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SeqNumber({})", self.0)
    }
}

impl fmt::Display for SeqNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc9293_3_4_comparison_wraps() {
        let a = SeqNumber(0xffff_fff0);
        let b = SeqNumber(0x10);
        assert!(a < b);
        assert!(b > a);
        assert_eq!(b.diff(a), 0x20);
        assert_eq!(a.diff(b), -0x20);
        assert_eq!(a.max(b), b);
        assert_eq!(a.min(b), a);
    }

    #[test]
    fn rfc1982_3_2_antipodes_are_unordered() {
        let a = SeqNumber(5);
        let b = SeqNumber(5 + 0x8000_0000);
        assert_eq!(a.partial_cmp(&b), None);
        assert_eq!(b.partial_cmp(&a), None);
        assert!(a != b);
        // `<`, `>`, `<=` and `>=` are all false for them.
        assert!(!a.lt(&b) && !a.gt(&b) && !a.le(&b) && !a.ge(&b));
    }

    #[test]
    fn rfc9293_3_4_window_test_across_wrap() {
        let rcv_nxt = SeqNumber(u32::MAX - 10);
        assert!(SeqNumber(u32::MAX).in_window(rcv_nxt, 100));
        assert!(SeqNumber(20).in_window(rcv_nxt, 100));
        assert!(!SeqNumber(89).in_window(rcv_nxt, 100));
        assert!(!rcv_nxt.wrapping_sub(1).in_window(rcv_nxt, 100));
        // A zero window accepts nothing.
        assert!(!rcv_nxt.in_window(rcv_nxt, 0));
    }

    proptest! {
        #[test]
        fn add_then_diff_is_identity(a: u32, n in 0u32..0x8000_0000) {
            let s = SeqNumber(a);
            prop_assert_eq!((s + n).diff(s), n as i32);
            prop_assert_eq!(s + n - n, s);
            prop_assert!(n == 0 || s < s + n);
            prop_assert!(n == 0 || s + n > s);
            prop_assert_eq!(s.max(s + n), s + n);
        }

        #[test]
        fn order_is_antisymmetric(a: u32, b: u32) {
            let (x, y) = (SeqNumber(a), SeqNumber(b));
            let xy = x.partial_cmp(&y);
            let yx = y.partial_cmp(&x);
            prop_assert_eq!(xy, yx.map(Ordering::reverse));
            prop_assert_eq!(xy == Some(Ordering::Equal), a == b);
        }

        #[test]
        fn order_is_invariant_under_rotation(a: u32, b: u32, r: u32) {
            // Shifting both numbers by the same amount (a wrap in between or not) keeps
            // their order: only their distance counts.
            let (x, y) = (SeqNumber(a), SeqNumber(b));
            prop_assert_eq!(x.partial_cmp(&y), (x + r).partial_cmp(&(y + r)));
        }

        #[test]
        fn in_window_matches_distance(s: u32, start: u32, len: u32) {
            let d = s.wrapping_sub(start);
            prop_assert_eq!(SeqNumber(s).in_window(SeqNumber(start), len), d < len);
        }
    }
}
