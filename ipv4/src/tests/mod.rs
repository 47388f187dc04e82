//! Tests of the IPv4 header and options, and helpers shared by the ICMP and IGMP tests.

mod ipv4;
mod options;

extern crate std;
use std::vec::Vec;

/// Bytes from a hex string (whitespace ignored); test vectors only.
pub(crate) fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// The IPv4 packet inside an Ethernet II frame (after the 14-byte header).
pub(crate) fn after_ethernet(frame: &[u8]) -> &[u8] {
    assert_eq!(&frame[12..14], &[0x08, 0x00], "not an IPv4 frame");
    &frame[14..]
}
