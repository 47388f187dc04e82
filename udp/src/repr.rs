//! The UDP header as plain values (RFC 768).

use core::fmt;

use unet_core::{IpAddress, WireError};

use crate::packet::{Packet, HEADER_LEN};

/// A UDP header, parsed or to be emitted. The data itself stays in the buffer: layers emit
/// from the inside out, so the payload is already in place when the header is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Source Port.
    pub src_port: u16,
    /// Destination Port.
    pub dst_port: u16,
    /// Number of data octets after the header.
    pub payload_len: usize,
}

impl Repr {
    /// Largest payload the 16-bit Length field can count.
    pub const MAX_PAYLOAD_LEN: usize = u16::MAX as usize - HEADER_LEN;

    /// Reads the header of `packet`, checking its lengths and its checksum over the
    /// pseudo-header of `src` and `dst` ([`WireError::BadChecksum`]; a zero checksum is
    /// accepted over IPv4 only, see [`Packet::verify_checksum`]).
    pub fn parse<T: AsRef<[u8]> + ?Sized, A: IpAddress>(
        packet: &Packet<&T>,
        src: &A,
        dst: &A,
    ) -> Result<Repr, WireError> {
        let repr = Repr::parse_without_checksum(packet)?;
        if !packet.verify_checksum(src, dst) {
            return Err(WireError::BadChecksum);
        }
        Ok(repr)
    }

    /// Reads the header of `packet`, checking its lengths but not its checksum (for
    /// captures taken before checksum offload filled it in, or when the NIC verified it).
    pub fn parse_without_checksum<T: AsRef<[u8]> + ?Sized>(
        packet: &Packet<&T>,
    ) -> Result<Repr, WireError> {
        packet.check_len()?;
        Ok(Repr {
            src_port: packet.src_port(),
            dst_port: packet.dst_port(),
            payload_len: usize::from(packet.len()) - HEADER_LEN,
        })
    }

    /// Size of the header: always 8.
    pub const fn header_len(&self) -> usize {
        HEADER_LEN
    }

    /// Size of the whole datagram: header and data.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN.saturating_add(self.payload_len)
    }

    /// Writes the header with a zero checksum ("none", valid over IPv4 only, RFC 768) —
    /// for checksum offload, or to fill it in later with [`Packet::fill_checksum`].
    ///
    /// Fails with [`WireError::BadLength`] if the payload is too long for the Length field
    /// and [`WireError::BufferTooSmall`] if the buffer cannot hold the datagram.
    pub fn emit_header<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
    ) -> Result<(), WireError> {
        if self.payload_len > Repr::MAX_PAYLOAD_LEN {
            return Err(WireError::BadLength);
        }
        if packet.as_ref().len() < self.buffer_len() {
            return Err(WireError::BufferTooSmall);
        }
        packet.set_src_port(self.src_port);
        packet.set_dst_port(self.dst_port);
        // Cannot truncate: checked against MAX_PAYLOAD_LEN above.
        packet.set_len(self.buffer_len() as u16);
        packet.set_checksum(0);
        Ok(())
    }

    /// Writes the header and its checksum over the pseudo-header of `src` and `dst` and the
    /// data already in place. Errors as [`emit_header`](Repr::emit_header).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>, A: IpAddress>(
        &self,
        packet: &mut Packet<T>,
        src: &A,
        dst: &A,
    ) -> Result<(), WireError> {
        self.emit_header(packet)?;
        packet.fill_checksum(src, dst);
        Ok(())
    }
}

/// `UDP 53 > 1024, length 33` (the data length, as tcpdump prints it); `{:#}` names every
/// field: `UDP src port 53, dst port 1024, length 41 (data 33)`.
impl fmt::Display for Repr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(
                f,
                "UDP src port {}, dst port {}, length {} (data {})",
                self.src_port,
                self.dst_port,
                self.buffer_len(),
                self.payload_len
            )
        } else {
            write!(f, "UDP {} > {}, length {}", self.src_port, self.dst_port, self.payload_len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::net::{Ipv4Addr, Ipv6Addr};
    use proptest::prelude::*;
    extern crate std;
    use std::{format, vec};

    #[test]
    fn display_forms() {
        let r = Repr { src_port: 53, dst_port: 1024, payload_len: 33 };
        assert_eq!(format!("{r}"), "UDP 53 > 1024, length 33");
        assert_eq!(format!("{r:#}"), "UDP src port 53, dst port 1024, length 41 (data 33)");
    }

    #[test]
    fn rfc768_emit_refuses_payload_beyond_length_field() {
        let r = Repr { src_port: 1, dst_port: 2, payload_len: Repr::MAX_PAYLOAD_LEN + 1 };
        let mut buf = vec![0u8; 70000];
        assert_eq!(
            r.emit_header(&mut Packet::new_unchecked(&mut buf[..])),
            Err(WireError::BadLength)
        );
        let r = Repr { payload_len: 4, ..r };
        let mut small = [0u8; 11];
        assert_eq!(
            r.emit_header(&mut Packet::new_unchecked(&mut small[..])),
            Err(WireError::BufferTooSmall)
        );
    }

    #[test]
    fn rfc768_bad_checksum_rejected() {
        let (s, d) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(198, 51, 100, 7));
        let r = Repr { src_port: 68, dst_port: 67, payload_len: 3 };
        let mut buf = [0u8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3];
        r.emit(&mut Packet::new_unchecked(&mut buf[..]), &s, &d).unwrap();
        buf[9] ^= 0x40;
        let p = Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(Repr::parse(&p, &s, &d), Err(WireError::BadChecksum));
        assert_eq!(Repr::parse_without_checksum(&p), Ok(r));
    }

    proptest! {
        #[test]
        fn roundtrip_ipv4(src_port: u16, dst_port: u16, payload in proptest::collection::vec(any::<u8>(), 0..300),
                          s: [u8; 4], d: [u8; 4]) {
            let (s, d) = (Ipv4Addr::from(s), Ipv4Addr::from(d));
            let r = Repr { src_port, dst_port, payload_len: payload.len() };
            let mut buf = vec![0u8; r.buffer_len()];
            buf[HEADER_LEN..].copy_from_slice(&payload);
            r.emit(&mut Packet::new_unchecked(&mut buf[..]), &s, &d).unwrap();
            let p = Packet::new_checked(&buf[..]).unwrap();
            prop_assert_ne!(p.checksum(), 0);
            prop_assert_eq!(Repr::parse(&p, &s, &d), Ok(r));
            prop_assert_eq!(p.payload(), &payload[..]);
        }

        #[test]
        fn roundtrip_ipv6(src_port: u16, dst_port: u16, payload in proptest::collection::vec(any::<u8>(), 0..300),
                          s: [u8; 16], d: [u8; 16]) {
            let (s, d) = (Ipv6Addr::from(s), Ipv6Addr::from(d));
            let r = Repr { src_port, dst_port, payload_len: payload.len() };
            let mut buf = vec![0u8; r.buffer_len()];
            buf[HEADER_LEN..].copy_from_slice(&payload);
            r.emit(&mut Packet::new_unchecked(&mut buf[..]), &s, &d).unwrap();
            let p = Packet::new_checked(&buf[..]).unwrap();
            prop_assert_eq!(Repr::parse(&p, &s, &d), Ok(r));
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_reemit_exactly(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(p) = Packet::new_checked(&bytes[..]) {
                let r = Repr::parse_without_checksum(&p).unwrap();
                let mut out = vec![0u8; r.buffer_len()];
                out.copy_from_slice(p.datagram());
                let mut q = Packet::new_unchecked(&mut out[..]);
                r.emit_header(&mut q).unwrap();
                q.set_checksum(p.checksum());
                prop_assert_eq!(&out[..], p.datagram());
            }
        }
    }
}
