//! Checksums that do not verify. A capture of a host's own outgoing traffic holds packets
//! whose checksums the NIC had yet to fill in (checksum offload), so a bad checksum does not
//! end the walk, as it does not in tcpdump: the layer is read without it, decoding goes on
//! into its payload, and the layer carries a [`ChecksumStatus`] saying what the field holds
//! and what would have verified.
//!
//! The value that would have verified is computed by the layer's own crate
//! (`fill_checksum` on a copy of the unit), so it follows each protocol's rules: the IPv4
//! header alone (RFC 791 §3.1), the whole ICMP/IGMP message (RFC 792, RFC 2236 §2.3,
//! RFC 3376 §4.1.2), the pseudo-header and whole datagram or segment for UDP, TCP and ICMPv6
//! (RFC 768, RFC 9293 §3.1, RFC 4443 §2.3, RFC 8200 §8.1), with UDP's computed zero sent as
//! all ones.

use std::fmt;

use unet_core::{IpAddress, WireError};

/// How a layer's checksum compared with the bytes it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChecksumStatus {
    /// True when the checksum verified.
    pub ok: bool,
    /// The value the checksum field carries.
    pub found: u16,
    /// The value that verifies: what a sender computes for these bytes. When `ok`, this is
    /// `found` (which is not recomputed: `0x0000` and `0xffff` can both verify, and UDP
    /// over IPv4 accepts a zero "no checksum").
    pub expected: u16,
}

impl ChecksumStatus {
    /// A checksum that verified.
    pub const fn correct(found: u16) -> ChecksumStatus {
        ChecksumStatus { ok: true, found, expected: found }
    }

    /// A checksum that did not verify, and the value that would have.
    pub const fn incorrect(found: u16, expected: u16) -> ChecksumStatus {
        ChecksumStatus { ok: false, found, expected }
    }
}

/// `bad cksum 0x0000 -> 0xb404` or `cksum ok` (the line of a frame prints the first, in
/// brackets, and nothing for the second); the alternate form, for `-v`, is tcpdump's
/// verbose one: `cksum 0x0000 (incorrect -> 0xb404)`, `cksum 0xb404 (correct)`.
impl fmt::Display for ChecksumStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.ok, f.alternate()) {
            (true, false) => f.write_str("cksum ok"),
            (false, false) => {
                write!(f, "bad cksum 0x{:04x} -> 0x{:04x}", self.found, self.expected)
            }
            (true, true) => write!(f, "cksum 0x{:04x} (correct)", self.found),
            (false, true) => {
                write!(f, "cksum 0x{:04x} (incorrect -> 0x{:04x})", self.found, self.expected)
            }
        }
    }
}

/// The status of a checksum field holding `found`: `verified` says whether it verified, and
/// `expected` computes the right value (only called when it did not).
pub(crate) fn status(
    found: u16,
    verified: bool,
    expected: impl FnOnce() -> Result<u16, WireError>,
) -> Result<ChecksumStatus, WireError> {
    if verified {
        Ok(ChecksumStatus::correct(found))
    } else {
        Ok(ChecksumStatus::incorrect(found, expected()?))
    }
}

/// The IPv4 header checksum of `bytes` (a checked IPv4 packet).
pub(crate) fn ipv4(bytes: &[u8]) -> Result<u16, WireError> {
    let mut copy = bytes.to_vec();
    let mut packet = unet_ipv4::Packet::new_checked(&mut copy[..])?;
    packet.fill_checksum();
    Ok(packet.checksum())
}

/// The ICMPv4 checksum of `bytes` (a checked ICMP message).
pub(crate) fn icmpv4(bytes: &[u8]) -> Result<u16, WireError> {
    let mut copy = bytes.to_vec();
    let mut packet = unet_ipv4::icmp::Packet::new_checked(&mut copy[..])?;
    packet.fill_checksum();
    Ok(packet.checksum())
}

/// The IGMP checksum of `bytes` (a checked IGMP message).
pub(crate) fn igmp(bytes: &[u8]) -> Result<u16, WireError> {
    let mut copy = bytes.to_vec();
    let mut packet = unet_ipv4::igmp::Packet::new_checked(&mut copy[..])?;
    packet.fill_checksum();
    Ok(packet.checksum())
}

/// The ICMPv6 checksum of `bytes` (a checked ICMPv6 message) from `src` to `dst`.
pub(crate) fn icmpv6(
    bytes: &[u8],
    src: std::net::Ipv6Addr,
    dst: std::net::Ipv6Addr,
) -> Result<u16, WireError> {
    let mut copy = bytes.to_vec();
    let mut msg = unet_ipv6::Message::new_checked(&mut copy[..])?;
    msg.fill_checksum(src, dst)?;
    Ok(msg.checksum())
}

/// The UDP checksum of `bytes` (a checked UDP datagram) from `src` to `dst`.
pub(crate) fn udp<A: IpAddress>(bytes: &[u8], src: &A, dst: &A) -> Result<u16, WireError> {
    let mut copy = bytes.to_vec();
    let mut packet = unet_udp::Packet::new_checked(&mut copy[..])?;
    packet.fill_checksum(src, dst);
    Ok(packet.checksum())
}

/// The TCP checksum of `bytes` (a checked TCP segment) from `src` to `dst`.
pub(crate) fn tcp<A: IpAddress>(bytes: &[u8], src: &A, dst: &A) -> Result<u16, WireError> {
    let mut copy = bytes.to_vec();
    let mut segment = unet_tcp::Segment::new_checked(&mut copy[..])?;
    segment.fill_checksum(src, dst);
    Ok(segment.checksum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_one_liner_and_verbose() {
        let bad = ChecksumStatus::incorrect(0, 0xb404);
        assert_eq!(bad.to_string(), "bad cksum 0x0000 -> 0xb404");
        assert_eq!(format!("{bad:#}"), "cksum 0x0000 (incorrect -> 0xb404)");
        let good = ChecksumStatus::correct(0x178b);
        assert_eq!(good.to_string(), "cksum ok");
        assert_eq!(format!("{good:#}"), "cksum 0x178b (correct)");
    }

    /// RFC 1071 §3's example is a sum, not a header; this is a real one: the IPv4 header of
    /// the DHCP OFFER in charrua-dhcp2.pcap, whose checksum was left 0 for the NIC.
    #[test]
    fn rfc791_3_1_header_checksum_of_an_offloaded_header() {
        let header = [
            0x45, 0x00, 0x01, 0x48, 0x04, 0x45, 0x00, 0x00, 0x80, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0x0a,
        ];
        let mut packet = header.to_vec();
        packet.resize(0x148, 0);
        assert_eq!(ipv4(&packet), Ok(0xb404));
        // The bytes given are left alone.
        assert_eq!(packet[10..12], [0, 0]);
        assert_eq!(ipv4(&header[..10]), Err(WireError::Truncated));
    }
}
