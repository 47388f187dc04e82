//! The Routing header (RFC 8200 §4.4).
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Next Header  |  Hdr Ext Len  |  Routing Type | Segments Left |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! .                       type-specific data                      .
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The type-specific data is kept raw; the address lists of type 0 (RFC 5095 deprecated it)
//! and of the Segment Routing Header (type 4, RFC 8754 §2) are readable through
//! [`RoutingRepr::addresses`].

use core::fmt;
use core::net::Ipv6Addr;

use unet_core::{IpProtocol, WireError};

use super::{len_field, len_in_8_octets};

/// A Routing Type (IANA "Routing Types" registry).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct RoutingType(pub u8);

impl RoutingType {
    /// Type 0, source routing (RFC 2460); deprecated by RFC 5095 for its amplification risk.
    pub const TYPE0: RoutingType = RoutingType(0);
    /// Nimrod (deprecated).
    pub const NIMROD: RoutingType = RoutingType(1);
    /// Type 2, Mobile IPv6 home address (RFC 6275 §6.4).
    pub const TYPE2: RoutingType = RoutingType(2);
    /// RPL Source Route Header (RFC 6554).
    pub const RPL: RoutingType = RoutingType(3);
    /// Segment Routing Header (RFC 8754).
    pub const SEGMENT_ROUTING: RoutingType = RoutingType(4);

    /// True for type 0, which RFC 5095 §3 says must not be processed.
    pub const fn is_deprecated(self) -> bool {
        matches!(self.0, 0 | 1)
    }
}

impl fmt::Debug for RoutingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for RoutingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("type 0 (deprecated)"),
            2 => f.write_str("type 2"),
            3 => f.write_str("rpl"),
            4 => f.write_str("srh"),
            v => write!(f, "type {v}"),
        }
    }
}

/// A view of a Routing header at the start of a buffer; after
/// [`RoutingHeader::new_checked`] the whole header is present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutingHeader<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> RoutingHeader<T> {
    /// Wraps without checks.
    pub const fn new_unchecked(buffer: T) -> RoutingHeader<T> {
        RoutingHeader { buffer }
    }

    /// Wraps after checking that the whole header is present ([`WireError::Truncated`]).
    pub fn new_checked(buffer: T) -> Result<RoutingHeader<T>, WireError> {
        let len = len_in_8_octets(buffer.as_ref())?;
        if buffer.as_ref().len() < len {
            return Err(WireError::Truncated);
        }
        Ok(RoutingHeader { buffer })
    }

    /// Next Header.
    pub fn next_header(&self) -> IpProtocol {
        IpProtocol(self.buffer.as_ref()[0])
    }
    /// Header length in bytes.
    pub fn header_len(&self) -> usize {
        (usize::from(self.buffer.as_ref()[1]) + 1) * 8
    }
    /// Routing Type.
    pub fn routing_type(&self) -> RoutingType {
        RoutingType(self.buffer.as_ref()[2])
    }
    /// Segments Left: route segments still to visit.
    pub fn segments_left(&self) -> u8 {
        self.buffer.as_ref()[3]
    }
    /// The type-specific data.
    pub fn data(&self) -> &[u8] {
        &self.buffer.as_ref()[4..self.header_len()]
    }
    /// What follows the header.
    pub fn payload(&self) -> &[u8] {
        &self.buffer.as_ref()[self.header_len()..]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> RoutingHeader<T> {
    /// Sets Segments Left (a router decrements it, RFC 8200 §4.4).
    pub fn set_segments_left(&mut self, v: u8) {
        self.buffer.as_mut()[3] = v;
    }
}

/// A parsed Routing header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RoutingRepr<'a> {
    /// Next Header.
    pub next_header: IpProtocol,
    /// Routing Type.
    pub routing_type: RoutingType,
    /// Segments Left.
    pub segments_left: u8,
    /// Type-specific data (header length − 4 bytes), raw.
    pub data: &'a [u8],
}

impl<'a> RoutingRepr<'a> {
    /// Reads the Routing header at the start of `bytes`.
    pub fn parse_bytes(bytes: &'a [u8]) -> Result<RoutingRepr<'a>, WireError> {
        let h = RoutingHeader::new_checked(bytes)?;
        let data = bytes.get(4..h.header_len()).ok_or(WireError::Truncated)?;
        Ok(RoutingRepr {
            next_header: h.next_header(),
            routing_type: h.routing_type(),
            segments_left: h.segments_left(),
            data,
        })
    }

    /// Header length in bytes.
    pub const fn header_len(&self) -> usize {
        4 + self.data.len()
    }
    /// Same as [`RoutingRepr::header_len`].
    pub const fn buffer_len(&self) -> usize {
        self.header_len()
    }

    /// Writes the header at the start of `buf`.
    ///
    /// Errors: [`WireError::BadLength`] unless 4 + data is a multiple of 8 up to 2048;
    /// [`WireError::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        let units = len_field(self.header_len())?;
        let out = buf.get_mut(..self.header_len()).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.next_header.0;
        out[1] = units;
        out[2] = self.routing_type.0;
        out[3] = self.segments_left;
        out[4..].copy_from_slice(self.data);
        Ok(())
    }

    /// The address list of a type 0 (RFC 2460 §4.4, 4 reserved bytes then addresses),
    /// type 2 (RFC 6275 §6.4) or Segment Routing (RFC 8754 §2, the segment list) header;
    /// `None` for other types.
    pub fn addresses(&self) -> Option<Addresses<'a>> {
        let list = match self.routing_type {
            RoutingType::TYPE0 | RoutingType::TYPE2 => self.data.get(4..)?,
            RoutingType::SEGMENT_ROUTING => {
                let last = usize::from(*self.data.first()?);
                self.data.get(4..4 + 16 * (last + 1))?
            }
            _ => return None,
        };
        Some(Addresses { rest: list })
    }

    /// For a Segment Routing Header (RFC 8754 §2): Last Entry, Flags and Tag.
    pub fn srh_fields(&self) -> Option<(u8, u8, u16)> {
        if self.routing_type != RoutingType::SEGMENT_ROUTING {
            return None;
        }
        match self.data {
            [last, flags, t0, t1, ..] => Some((*last, *flags, u16::from_be_bytes([*t0, *t1]))),
            _ => None,
        }
    }
}

/// An iterator over the 16-byte addresses of a routing header (a trailing partial address
/// is ignored).
#[derive(Debug, Clone)]
pub struct Addresses<'a> {
    rest: &'a [u8],
}

impl Iterator for Addresses<'_> {
    type Item = Ipv6Addr;
    fn next(&mut self) -> Option<Ipv6Addr> {
        let (a, rest) = self.rest.split_first_chunk::<16>()?;
        self.rest = rest;
        Some(Ipv6Addr::from(*a))
    }
}

impl fmt::Display for RoutingRepr<'_> {
    /// `srcrt type 0 (deprecated), segleft 1`; `{:#}` adds the addresses and lengths.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "srcrt {}, segleft {}", self.routing_type, self.segments_left)?;
        if f.alternate() {
            write!(f, ", next-header {}, length {}", self.next_header, self.header_len())?;
            if let Some((last, flags, tag)) = self.srh_fields() {
                write!(f, ", last-entry {last}, flags 0x{flags:02x}, tag {tag}")?;
            }
            if let Some(addrs) = self.addresses() {
                for (i, a) in addrs.enumerate() {
                    write!(f, ", [{i}]{a}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::ip_of_frame;
    extern crate std;
    use proptest::prelude::*;
    use std::format;
    use std::vec;
    use std::vec::Vec;

    /// tcpdump-ipv6-routing-header.pcap frame 1: type 0, segments left 2, two addresses.
    const RH0_FRAME: &str =
        "0013c4c784f000123fae22f786dd6000000000302b05220000000000024402123ffffeae22\
        f7220000000000021100020000000000023a0400020000000022000000000002100002000000000004220000\
        000000024000020000000000048000d37b00000000";

    #[test]
    fn rfc5095_3_type0_from_capture_is_flagged_deprecated() {
        let ip = ip_of_frame(RH0_FRAME);
        let r = RoutingRepr::parse_bytes(&ip[40..]).unwrap();
        assert_eq!(r.next_header, IpProtocol::ICMPV6);
        assert_eq!(r.routing_type, RoutingType::TYPE0);
        assert!(r.routing_type.is_deprecated());
        assert_eq!(r.segments_left, 2);
        assert_eq!(r.header_len(), 40);
        let addrs: Vec<Ipv6Addr> = r.addresses().unwrap().collect();
        assert_eq!(
            addrs,
            [
                "2200::210:2:0:0:4".parse::<Ipv6Addr>().unwrap(),
                "2200::240:2:0:0:4".parse().unwrap()
            ]
        );
        let mut out = vec![0u8; r.buffer_len()];
        r.emit(&mut out).unwrap();
        assert_eq!(out, ip[40..80]);
        assert_eq!(format!("{r}"), "srcrt type 0 (deprecated), segleft 2");
        assert!(format!("{r:#}").contains("[1]2200::240:2:0:0:4"));
    }

    #[test]
    fn rfc8754_2_segment_routing_header() {
        // Last Entry 0, flags 0, tag 7, one segment 2001:db8::1.
        let mut bytes = vec![59, 2, 4, 0, 0, 0, 0, 7];
        bytes.extend_from_slice(&"2001:db8::1".parse::<Ipv6Addr>().unwrap().octets());
        bytes.extend_from_slice(&[0; 8]);
        let r = RoutingRepr::parse_bytes(&bytes).unwrap();
        assert_eq!(r.srh_fields(), Some((0, 0, 7)));
        assert_eq!(r.addresses().unwrap().count(), 1);
    }

    #[test]
    fn rfc8200_4_4_truncated_header() {
        assert_eq!(RoutingRepr::parse_bytes(&[59, 1, 0, 0, 0, 0, 0, 0]), Err(WireError::Truncated));
    }

    proptest! {
        #[test]
        fn repr_round_trip(nh in any::<u8>(), ty in any::<u8>(), sl in any::<u8>(),
                           units in 0usize..4, fill in any::<u8>()) {
            let data = vec![fill; 4 + units * 8];
            let r = RoutingRepr { next_header: IpProtocol(nh), routing_type: RoutingType(ty),
                                  segments_left: sl, data: &data };
            let mut out = vec![0u8; r.buffer_len()];
            r.emit(&mut out).unwrap();
            let p = RoutingRepr::parse_bytes(&out).unwrap();
            prop_assert_eq!(p, r);
            let _ = p.addresses().map(|a| a.count());
        }
    }
}
