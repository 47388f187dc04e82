//! The IPv6 fixed header (RFC 8200 §3).
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Traffic Class |           Flow Label                  |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Payload Length        |  Next Header  |   Hop Limit   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     Source Address (128 bits)                 |
//! |                  Destination Address (128 bits)               |
//! ```

use core::fmt;
use core::net::Ipv6Addr;

use unet_core::{IpProtocol, WireError};

use crate::ext::hop_by_hop::OptionsHeader;
use crate::ext::options::Ipv6Option;

/// Length of the fixed header (RFC 8200 §3).
pub const HEADER_LEN: usize = 40;

/// A view of an IPv6 packet: the fixed header and the payload it counts.
///
/// After [`Packet::new_checked`] the buffer holds the 40-byte header and at least
/// `payload_len` bytes after it, so no accessor can panic. Bytes past the payload length
/// (Ethernet padding) are not part of [`Packet::payload`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

fn addr_at(b: &[u8], at: usize) -> Ipv6Addr {
    let mut o = [0u8; 16];
    if let Some(s) = b.get(at..at + 16) {
        o.copy_from_slice(s);
    }
    Ipv6Addr::from(o)
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps `buffer` without any check; accessors may panic on a short buffer.
    pub const fn new_unchecked(buffer: T) -> Packet<T> {
        Packet { buffer }
    }

    /// Wraps `buffer` after checking that it holds the fixed header and the payload length
    /// it announces ([`WireError::Truncated`] otherwise).
    pub fn new_checked(buffer: T) -> Result<Packet<T>, WireError> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }

    /// Checks the lengths the accessors rely on.
    pub fn check_len(&self) -> Result<(), WireError> {
        let len = self.buffer.as_ref().len();
        if len < HEADER_LEN {
            return Err(WireError::Truncated);
        }
        if HEADER_LEN + usize::from(self.payload_len()) > len {
            return Err(WireError::Truncated);
        }
        Ok(())
    }

    /// The underlying buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole underlying buffer.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// Version field (6 for IPv6).
    pub fn version(&self) -> u8 {
        self.buffer.as_ref()[0] >> 4
    }

    /// Traffic Class (RFC 8200 §7): DSCP in the six high bits, ECN in the two low bits.
    pub fn traffic_class(&self) -> u8 {
        let b = self.buffer.as_ref();
        (b[0] << 4) | (b[1] >> 4)
    }

    /// Flow Label (RFC 8200 §6, RFC 6437), 20 bits.
    pub fn flow_label(&self) -> u32 {
        let b = self.buffer.as_ref();
        (u32::from(b[1] & 0x0f) << 16) | (u32::from(b[2]) << 8) | u32::from(b[3])
    }

    /// Payload Length: bytes after the fixed header, extension headers included.
    pub fn payload_len(&self) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_be_bytes([b[4], b[5]])
    }

    /// Next Header: the first extension header or the upper-layer protocol.
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.buffer.as_ref()[6])
    }

    /// Hop Limit.
    pub fn hop_limit(&self) -> u8 {
        self.buffer.as_ref()[7]
    }

    /// Source address.
    pub fn src_addr(&self) -> Ipv6Addr {
        addr_at(self.buffer.as_ref(), 8)
    }

    /// Destination address.
    pub fn dst_addr(&self) -> Ipv6Addr {
        addr_at(self.buffer.as_ref(), 24)
    }

    /// The payload, bounded by the Payload Length field (trailing link padding excluded).
    pub fn payload(&self) -> &[u8] {
        let end = HEADER_LEN + usize::from(self.payload_len());
        &self.buffer.as_ref()[HEADER_LEN..end]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    /// Sets the version field.
    pub fn set_version(&mut self, v: u8) {
        let b = self.buffer.as_mut();
        b[0] = (b[0] & 0x0f) | (v << 4);
    }
    /// Sets the traffic class.
    pub fn set_traffic_class(&mut self, tc: u8) {
        let b = self.buffer.as_mut();
        b[0] = (b[0] & 0xf0) | (tc >> 4);
        b[1] = (b[1] & 0x0f) | (tc << 4);
    }
    /// Sets the flow label (only the low 20 bits are used).
    pub fn set_flow_label(&mut self, label: u32) {
        let b = self.buffer.as_mut();
        b[1] = (b[1] & 0xf0) | ((label >> 16) as u8 & 0x0f);
        b[2] = (label >> 8) as u8;
        b[3] = label as u8;
    }
    /// Sets the payload length.
    pub fn set_payload_len(&mut self, len: u16) {
        self.buffer.as_mut()[4..6].copy_from_slice(&len.to_be_bytes());
    }
    /// Sets the next header.
    pub fn set_next_header(&mut self, nh: IpProtocol) {
        self.buffer.as_mut()[6] = nh.0;
    }
    /// Sets the hop limit.
    pub fn set_hop_limit(&mut self, hl: u8) {
        self.buffer.as_mut()[7] = hl;
    }
    /// Sets the source address.
    pub fn set_src_addr(&mut self, a: Ipv6Addr) {
        self.buffer.as_mut()[8..24].copy_from_slice(&a.octets());
    }
    /// Sets the destination address.
    pub fn set_dst_addr(&mut self, a: Ipv6Addr) {
        self.buffer.as_mut()[24..40].copy_from_slice(&a.octets());
    }
    /// The payload, writable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        let end = HEADER_LEN + usize::from(self.payload_len());
        &mut self.buffer.as_mut()[HEADER_LEN..end]
    }
}

/// A parsed IPv6 fixed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Traffic Class (DSCP and ECN).
    pub traffic_class: u8,
    /// Flow Label (20 bits).
    pub flow_label: u32,
    /// Payload Length: extension headers and upper-layer data.
    pub payload_len: u16,
    /// Next Header.
    pub next_header: IpProtocol,
    /// Hop Limit.
    pub hop_limit: u8,
    /// Source address.
    pub src_addr: Ipv6Addr,
    /// Destination address.
    pub dst_addr: Ipv6Addr,
}

impl Repr {
    /// Reads the fixed header of a checked packet.
    ///
    /// Errors: [`WireError::BadVersion`] unless the version is 6; [`WireError::Unsupported`]
    /// for a jumbogram (RFC 2675: Payload Length 0 and a Hop-by-Hop Jumbo Payload option),
    /// which unet does not carry.
    pub fn parse<T: AsRef<[u8]>>(packet: &Packet<T>) -> Result<Repr, WireError> {
        packet.check_len()?;
        if packet.version() != 6 {
            return Err(WireError::BadVersion);
        }
        if packet.payload_len() == 0 && packet.next_header() == IpProtocol::HOP_BY_HOP {
            let rest = packet.as_bytes().get(HEADER_LEN..).unwrap_or(&[]);
            if is_jumbogram(rest) {
                return Err(WireError::Unsupported);
            }
        }
        Ok(Repr {
            traffic_class: packet.traffic_class(),
            flow_label: packet.flow_label(),
            payload_len: packet.payload_len(),
            next_header: packet.next_header(),
            hop_limit: packet.hop_limit(),
            src_addr: packet.src_addr(),
            dst_addr: packet.dst_addr(),
        })
    }

    /// Length of the header this emits: 40.
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// Length of the whole packet: header and payload.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.payload_len as usize
    }

    /// Writes the fixed header (the payload is left in place).
    ///
    /// Errors: [`WireError::BufferTooSmall`] when the buffer cannot hold the header.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
    ) -> Result<(), WireError> {
        if packet.as_bytes().len() < HEADER_LEN {
            return Err(WireError::BufferTooSmall);
        }
        packet.set_version(6);
        packet.set_traffic_class(self.traffic_class);
        packet.set_flow_label(self.flow_label);
        packet.set_payload_len(self.payload_len);
        packet.set_next_header(self.next_header);
        packet.set_hop_limit(self.hop_limit);
        packet.set_src_addr(self.src_addr);
        packet.set_dst_addr(self.dst_addr);
        Ok(())
    }
}

/// True when `rest` starts with a Hop-by-Hop header that carries a Jumbo Payload option.
fn is_jumbogram(rest: &[u8]) -> bool {
    match OptionsHeader::new_checked(rest) {
        Ok(h) => h.options().any(|o| matches!(o, Ok(Ipv6Option::JumboPayload(_)))),
        Err(_) => false,
    }
}

impl fmt::Display for Repr {
    /// `2001:db8::1 > 2001:db8::2: ICMPv6, length 32`; `{:#}` adds every field.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(
                f,
                "IP6 (version 6, class 0x{:02x}, flowlabel 0x{:05x}, payload length {}, \
                 next-header {} ({}), hlim {}) {} > {}",
                self.traffic_class,
                self.flow_label,
                self.payload_len,
                self.next_header,
                self.next_header.0,
                self.hop_limit,
                self.src_addr,
                self.dst_addr
            )
        } else {
            write!(
                f,
                "{} > {}: {}, length {}",
                self.src_addr, self.dst_addr, self.next_header, self.payload_len
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use crate::testutil::{hex, RAW_IPV6_DNS};
    use proptest::prelude::*;
    use std::string::ToString;
    use std::vec;

    #[test]
    fn rfc8200_3_capture_linktype_ipv6() {
        let bytes = hex(RAW_IPV6_DNS);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        let r = Repr::parse(&p).unwrap();
        assert_eq!(r.next_header, IpProtocol::UDP);
        assert_eq!(r.hop_limit, 64);
        assert_eq!(r.payload_len, 37);
        assert_eq!(r.src_addr, "2001:db8::1".parse::<Ipv6Addr>().unwrap());
        assert_eq!(r.dst_addr, "2620:fe::9".parse::<Ipv6Addr>().unwrap());
        assert_eq!(p.payload().len(), 37);
        let mut out = vec![0u8; r.buffer_len()];
        out[HEADER_LEN..].copy_from_slice(p.payload());
        r.emit(&mut Packet::new_unchecked(&mut out[..])).unwrap();
        assert_eq!(out, bytes);
        assert_eq!(r.to_string(), "2001:db8::1 > 2620:fe::9: UDP, length 37");
        assert!(std::format!("{r:#}").contains("hlim 64"));
    }

    #[test]
    fn rfc8200_3_short_buffer_is_truncated() {
        let bytes = hex(RAW_IPV6_DNS);
        assert_eq!(Packet::new_checked(&bytes[..39]).unwrap_err(), WireError::Truncated);
        // The payload length says 37 bytes; one is missing.
        assert_eq!(Packet::new_checked(&bytes[..76]).unwrap_err(), WireError::Truncated);
    }

    #[test]
    fn rfc8200_3_version_must_be_six() {
        let mut bytes = hex(RAW_IPV6_DNS);
        bytes[0] = 0x45;
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(Repr::parse(&p), Err(WireError::BadVersion));
    }

    #[test]
    fn rfc8200_3_trailing_padding_excluded_from_payload() {
        let mut bytes = hex(RAW_IPV6_DNS);
        bytes.extend_from_slice(&[0; 5]);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(p.payload().len(), 37);
    }

    #[test]
    fn rfc2675_jumbogram_is_unsupported() {
        let mut bytes = [0u8; 48];
        bytes[0] = 0x60;
        // Next header Hop-by-Hop: next header 59, length 0, Jumbo Payload (0xc2, len 4).
        bytes[6] = 0;
        bytes[40..48].copy_from_slice(&[59, 0, 0xc2, 4, 0, 1, 0, 0]);
        let p = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(Repr::parse(&p), Err(WireError::Unsupported));
    }

    proptest! {
        #[test]
        fn repr_round_trip(tc in any::<u8>(), fl in 0u32..(1 << 20), len in 0u16..64, nh in any::<u8>(),
                           hl in any::<u8>(), s in any::<[u8; 16]>(), d in any::<[u8; 16]>()) {
            let r = Repr { traffic_class: tc, flow_label: fl, payload_len: len,
                           next_header: IpProtocol(nh), hop_limit: hl,
                           src_addr: s.into(), dst_addr: d.into() };
            let mut buf = vec![0u8; r.buffer_len()];
            r.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
            let p = Packet::new_checked(&buf[..]).unwrap();
            // A zero-length Hop-by-Hop with zero bytes after it is not a jumbogram.
            prop_assert_eq!(Repr::parse(&p).unwrap(), r);
        }

        #[test]
        fn any_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..120)) {
            if let Ok(p) = Packet::new_checked(&data[..]) {
                let _ = Repr::parse(&p);
                let _ = p.payload();
            }
        }
    }
}
