//! What the three wire views of this crate ([`crate::Packet`], [`crate::icmp::Packet`],
//! [`crate::igmp::Packet`]) share: the view type itself with its buffer plumbing
//! ([`view!`]), and the big-endian field readers and writers their accessors are made of.
//!
//! Each view keeps its own `new_checked`, since what it checks is the format's own rule;
//! [`at_least`] is the length check they start with.

use core::net::Ipv4Addr;

use unet_core::WireError;

/// Defines a view `$name<T: AsRef<[u8]>>` over a buffer (docs and attributes given first),
/// with what every view has alike: `new_unchecked` (documented by `unchecked`),
/// `into_inner`, `AsRef<[u8]>`/`AsMut<[u8]>`, `as_slice` on borrowed buffers, and the
/// private `bytes()`/`bytes_mut()` the accessors read and write through.
macro_rules! view {
    ($(#[$attr:meta])* pub struct $name:ident; unchecked = $unchecked:literal;) => {
        $(#[$attr])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name<T: AsRef<[u8]>> {
            buffer: T,
        }

        impl<T: AsRef<[u8]>> $name<T> {
            #[doc = $unchecked]
            pub const fn new_unchecked(buffer: T) -> $name<T> {
                $name { buffer }
            }

            /// Gives the buffer back.
            pub fn into_inner(self) -> T {
                self.buffer
            }

            fn bytes(&self) -> &[u8] {
                self.buffer.as_ref()
            }
        }

        impl<T: AsRef<[u8]> + AsMut<[u8]>> $name<T> {
            fn bytes_mut(&mut self) -> &mut [u8] {
                self.buffer.as_mut()
            }
        }

        impl<T: AsRef<[u8]>> AsRef<[u8]> for $name<T> {
            fn as_ref(&self) -> &[u8] {
                self.buffer.as_ref()
            }
        }

        impl<T: AsRef<[u8]> + AsMut<[u8]>> AsMut<[u8]> for $name<T> {
            fn as_mut(&mut self) -> &mut [u8] {
                self.buffer.as_mut()
            }
        }

        impl<'a, T: AsRef<[u8]> + ?Sized> $name<&'a T> {
            /// The whole buffer with the buffer's lifetime (not the view's), so that a `Repr`
            /// parsed from a borrowed view can outlive the view.
            pub fn as_slice(&self) -> &'a [u8] {
                T::as_ref(self.buffer)
            }
        }
    };
}

/// [`WireError::Truncated`] unless `bytes` holds at least `len` bytes.
pub(crate) fn at_least(bytes: &[u8], len: usize) -> Result<(), WireError> {
    if bytes.len() < len {
        return Err(WireError::Truncated);
    }
    Ok(())
}

/// The big-endian `u16` at `at`. Panics past the end: accessors call it only on offsets
/// their view's `new_checked` guarantees.
pub(crate) fn be16(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

/// The big-endian `u16` at `at`, with 0 for any byte past the end: for fields only some
/// messages of a format are long enough to hold.
pub(crate) fn be16_or_zero(bytes: &[u8], at: usize) -> u16 {
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    u16::from_be_bytes([byte(at), byte(at.saturating_add(1))])
}

/// Writes `value` big-endian at `at` (panics past the end, as [`be16`]).
pub(crate) fn set_be16(bytes: &mut [u8], at: usize, value: u16) {
    bytes[at..at + 2].copy_from_slice(&value.to_be_bytes())
}

/// The address in the four bytes at `at` (panics past the end, as [`be16`]).
pub(crate) fn ipv4_addr(bytes: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3])
}

/// Writes `addr` in the four bytes at `at` (panics past the end, as [`be16`]).
pub(crate) fn set_ipv4_addr(bytes: &mut [u8], at: usize, addr: Ipv4Addr) {
    bytes[at..at + 4].copy_from_slice(&addr.octets())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn be16_reads_network_order_and_set_be16_writes_it() {
        let mut b = [0u8; 4];
        set_be16(&mut b, 1, 0x1234);
        assert_eq!(b, [0, 0x12, 0x34, 0]);
        assert_eq!(be16(&b, 1), 0x1234);
    }

    #[test]
    fn be16_or_zero_reads_missing_bytes_as_zero() {
        assert_eq!(be16_or_zero(&[0xab, 0xcd], 0), 0xabcd);
        assert_eq!(be16_or_zero(&[0xab, 0xcd], 1), 0xcd00);
        assert_eq!(be16_or_zero(&[0xab, 0xcd], 2), 0);
        assert_eq!(be16_or_zero(&[0xab], usize::MAX), 0);
    }

    #[test]
    fn ipv4_addr_round_trips() {
        let mut b = [0u8; 6];
        set_ipv4_addr(&mut b, 2, Ipv4Addr::new(192, 0, 2, 1));
        assert_eq!(b, [0, 0, 192, 0, 2, 1]);
        assert_eq!(ipv4_addr(&b, 2), Ipv4Addr::new(192, 0, 2, 1));
    }

    #[test]
    fn at_least_rejects_short_buffers_as_truncated() {
        assert_eq!(at_least(&[0; 7], 8), Err(WireError::Truncated));
        assert_eq!(at_least(&[0; 8], 8), Ok(()));
    }
}
