//! ICMP messages as plain values (RFC 792, RFC 950, RFC 1191, RFC 1256, RFC 4884).

use core::net::Ipv4Addr;

use unet_core::{checksum, Reader, WireError};

use super::original::Original;
use super::packet::{Packet, HEADER_LEN};
use super::router::RouterEntries;
use super::types::{ParamProblem, Redirect, TimeExceeded, Type, Unreachable};
use crate::Checks;

/// An ICMP message. Every RFC 792 type, plus RFC 950 address masks and RFC 1256 router
/// discovery; anything else is kept as [`Repr::Other`] so a re-emit reproduces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Repr<'a> {
    /// Echo Reply (type 0).
    EchoReply {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data, echoed back.
        data: &'a [u8],
    },
    /// Echo request (type 8).
    EchoRequest {
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Data to be echoed.
        data: &'a [u8],
    },
    /// Destination Unreachable (type 3).
    DstUnreachable {
        /// Why.
        code: Unreachable,
        /// Bytes 6–7: the next-hop MTU for code 4 (RFC 1191 §4), zero ("unused") otherwise.
        next_hop_mtu: u16,
        /// The quoted datagram.
        original: Original<'a>,
    },
    /// Source Quench (type 4).
    SourceQuench {
        /// The quoted datagram.
        datagram: &'a [u8],
    },
    /// Redirect (type 5).
    Redirect {
        /// For what.
        code: Redirect,
        /// The gateway to use instead.
        gateway: Ipv4Addr,
        /// The quoted datagram.
        datagram: &'a [u8],
    },
    /// Time Exceeded (type 11).
    TimeExceeded {
        /// In transit or in reassembly.
        code: TimeExceeded,
        /// The quoted datagram.
        original: Original<'a>,
    },
    /// Parameter Problem (type 12).
    ParamProblem {
        /// Which kind.
        code: ParamProblem,
        /// The octet of the quoted datagram where the error was found (code 0).
        pointer: u8,
        /// The quoted datagram.
        original: Original<'a>,
    },
    /// Timestamp (type 13) or Timestamp Reply (type 14), told apart by `reply`.
    Timestamp {
        /// True for a Timestamp Reply.
        reply: bool,
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// Originate timestamp: milliseconds since midnight UT.
        originate: u32,
        /// Receive timestamp.
        receive: u32,
        /// Transmit timestamp.
        transmit: u32,
    },
    /// Information Request (15) or Reply (16).
    Information {
        /// True for an Information Reply.
        reply: bool,
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
    },
    /// Address Mask Request (17) or Reply (18) (RFC 950 Appendix I).
    AddressMask {
        /// True for an Address Mask Reply.
        reply: bool,
        /// Identifier.
        ident: u16,
        /// Sequence number.
        seq_no: u16,
        /// The subnet mask (0 in requests).
        mask: Ipv4Addr,
    },
    /// Router Advertisement (type 9, RFC 1256 §3.1).
    RouterAdvertisement {
        /// Code: 0, or 16 "does not route common traffic" (RFC 3344 §2.1).
        code: u8,
        /// Number of router addresses advertised.
        num_addrs: u8,
        /// 32-bit words per entry (at least 2).
        entry_size: u8,
        /// Lifetime in seconds.
        lifetime: u16,
        /// The entries and anything after them; walk with [`Repr::router_entries`].
        entries: &'a [u8],
    },
    /// Router Solicitation (type 10, RFC 1256 §3.2).
    RouterSolicitation,
    /// Any other type, kept whole.
    Other {
        /// Type.
        msg_type: Type,
        /// Code.
        code: u8,
        /// Bytes 4 to 7.
        rest_of_header: [u8; 4],
        /// Everything after the header.
        data: &'a [u8],
    },
}

/// Requires the code of a type that defines only code 0.
fn code_zero<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&T>) -> Result<(), WireError> {
    if packet.msg_code() == 0 {
        Ok(())
    } else {
        Err(WireError::Malformed)
    }
}

/// Requires the data after the header to be exactly `len` bytes.
fn exact<'a>(data: &'a [u8], len: usize) -> Result<Reader<'a>, WireError> {
    if data.len() < len {
        Err(WireError::Truncated)
    } else if data.len() > len {
        Err(WireError::BadLength)
    } else {
        Ok(Reader::new(data))
    }
}

impl<'a> Repr<'a> {
    /// Reads a message, verifying its checksum.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, WireError> {
        Repr::parse_with(packet, Checks::ALL)
    }

    /// Reads a message with the checks `checks` asks for.
    ///
    /// Errors: [`WireError::BadChecksum`]; [`WireError::Malformed`] for a non-zero code
    /// where the type defines only code 0, or an RFC 1256 advertisement with no address or
    /// entries shorter than 2 words; [`WireError::Truncated`] / [`WireError::BadLength`]
    /// when a fixed-size message (timestamp, information, address mask, router
    /// solicitation) has fewer / more bytes than its type defines, or an RFC 4884 length
    /// runs past the message.
    pub fn parse_with<T: AsRef<[u8]> + ?Sized>(
        packet: &Packet<&'a T>,
        checks: Checks,
    ) -> Result<Repr<'a>, WireError> {
        if checks.checksum && !packet.verify_checksum() {
            return Err(WireError::BadChecksum);
        }
        let data = packet.as_slice().get(HEADER_LEN..).ok_or(WireError::Truncated)?;
        let (ident, seq_no) = (packet.ident(), packet.seq_no());
        let t = packet.msg_type();
        Ok(match t {
            Type::ECHO_REPLY | Type::ECHO_REQUEST => {
                code_zero(packet)?;
                if t == Type::ECHO_REPLY {
                    Repr::EchoReply { ident, seq_no, data }
                } else {
                    Repr::EchoRequest { ident, seq_no, data }
                }
            }
            Type::DST_UNREACHABLE => Repr::DstUnreachable {
                code: Unreachable(packet.msg_code()),
                next_hop_mtu: packet.next_hop_mtu(),
                original: Original::parse(packet.rfc4884_length(), data)?,
            },
            Type::SOURCE_QUENCH => {
                code_zero(packet)?;
                Repr::SourceQuench { datagram: data }
            }
            Type::REDIRECT => Repr::Redirect {
                code: Redirect(packet.msg_code()),
                gateway: packet.gateway(),
                datagram: data,
            },
            Type::TIME_EXCEEDED => Repr::TimeExceeded {
                code: TimeExceeded(packet.msg_code()),
                original: Original::parse(packet.rfc4884_length(), data)?,
            },
            Type::PARAM_PROBLEM => Repr::ParamProblem {
                code: ParamProblem(packet.msg_code()),
                pointer: packet.pointer(),
                original: Original::parse(packet.rfc4884_length(), data)?,
            },
            Type::TIMESTAMP | Type::TIMESTAMP_REPLY => {
                code_zero(packet)?;
                let mut r = exact(data, 12)?;
                Repr::Timestamp {
                    reply: t == Type::TIMESTAMP_REPLY,
                    ident,
                    seq_no,
                    originate: r.be_u32()?,
                    receive: r.be_u32()?,
                    transmit: r.be_u32()?,
                }
            }
            Type::INFO_REQUEST | Type::INFO_REPLY => {
                code_zero(packet)?;
                exact(data, 0)?;
                Repr::Information { reply: t == Type::INFO_REPLY, ident, seq_no }
            }
            Type::ADDRESS_MASK_REQUEST | Type::ADDRESS_MASK_REPLY => {
                code_zero(packet)?;
                let mut r = exact(data, 4)?;
                let mask = Ipv4Addr::from(r.array::<4>()?);
                Repr::AddressMask { reply: t == Type::ADDRESS_MASK_REPLY, ident, seq_no, mask }
            }
            Type::ROUTER_ADVERTISEMENT => {
                let [num_addrs, entry_size, ..] = packet.rest_of_header();
                // RFC 1256 §5.2 validity checks: Num Addrs ≥ 1, Addr Entry Size ≥ 2, and
                // the ICMP length covers the entries.
                if num_addrs == 0 || entry_size < 2 {
                    return Err(WireError::Malformed);
                }
                if data.len() < usize::from(num_addrs) * usize::from(entry_size) * 4 {
                    return Err(WireError::Truncated);
                }
                Repr::RouterAdvertisement {
                    code: packet.msg_code(),
                    num_addrs,
                    entry_size,
                    lifetime: packet.seq_no(),
                    entries: data,
                }
            }
            Type::ROUTER_SOLICITATION => {
                code_zero(packet)?;
                exact(data, 0)?;
                Repr::RouterSolicitation
            }
            _ => Repr::Other {
                msg_type: t,
                code: packet.msg_code(),
                rest_of_header: packet.rest_of_header(),
                data,
            },
        })
    }

    /// The message type.
    pub fn msg_type(&self) -> Type {
        match self {
            Repr::EchoReply { .. } => Type::ECHO_REPLY,
            Repr::EchoRequest { .. } => Type::ECHO_REQUEST,
            Repr::DstUnreachable { .. } => Type::DST_UNREACHABLE,
            Repr::SourceQuench { .. } => Type::SOURCE_QUENCH,
            Repr::Redirect { .. } => Type::REDIRECT,
            Repr::TimeExceeded { .. } => Type::TIME_EXCEEDED,
            Repr::ParamProblem { .. } => Type::PARAM_PROBLEM,
            Repr::Timestamp { reply: false, .. } => Type::TIMESTAMP,
            Repr::Timestamp { reply: true, .. } => Type::TIMESTAMP_REPLY,
            Repr::Information { reply: false, .. } => Type::INFO_REQUEST,
            Repr::Information { reply: true, .. } => Type::INFO_REPLY,
            Repr::AddressMask { reply: false, .. } => Type::ADDRESS_MASK_REQUEST,
            Repr::AddressMask { reply: true, .. } => Type::ADDRESS_MASK_REPLY,
            Repr::RouterAdvertisement { .. } => Type::ROUTER_ADVERTISEMENT,
            Repr::RouterSolicitation => Type::ROUTER_SOLICITATION,
            Repr::Other { msg_type, .. } => *msg_type,
        }
    }

    /// The message code.
    pub fn code(&self) -> u8 {
        match self {
            Repr::DstUnreachable { code, .. } => code.0,
            Repr::Redirect { code, .. } => code.0,
            Repr::TimeExceeded { code, .. } => code.0,
            Repr::ParamProblem { code, .. } => code.0,
            Repr::RouterAdvertisement { code, .. } | Repr::Other { code, .. } => *code,
            _ => 0,
        }
    }

    /// The quoted datagram of an error message.
    pub fn quoted_datagram(&self) -> Option<&'a [u8]> {
        match self {
            Repr::DstUnreachable { original, .. }
            | Repr::TimeExceeded { original, .. }
            | Repr::ParamProblem { original, .. } => Some(original.datagram),
            Repr::SourceQuench { datagram } | Repr::Redirect { datagram, .. } => Some(datagram),
            _ => None,
        }
    }

    /// The entries of a Router Advertisement (empty for other messages).
    pub fn router_entries(&self) -> RouterEntries<'a> {
        match self {
            Repr::RouterAdvertisement { num_addrs, entry_size, entries, .. } => {
                RouterEntries::new(entries, *num_addrs, *entry_size)
            }
            _ => RouterEntries::new(&[], 0, 2),
        }
    }

    /// Bytes 4 to 7 as this message writes them.
    fn rest_of_header(&self) -> Result<[u8; 4], WireError> {
        let id_seq = |ident: u16, seq_no: u16| {
            let [a, b] = ident.to_be_bytes();
            let [c, d] = seq_no.to_be_bytes();
            [a, b, c, d]
        };
        Ok(match *self {
            Repr::EchoReply { ident, seq_no, .. }
            | Repr::EchoRequest { ident, seq_no, .. }
            | Repr::Timestamp { ident, seq_no, .. }
            | Repr::Information { ident, seq_no, .. }
            | Repr::AddressMask { ident, seq_no, .. } => id_seq(ident, seq_no),
            Repr::DstUnreachable { next_hop_mtu, original, .. } => {
                let [c, d] = next_hop_mtu.to_be_bytes();
                [0, original.length_words()?, c, d]
            }
            Repr::SourceQuench { .. } | Repr::RouterSolicitation => [0; 4],
            Repr::Redirect { gateway, .. } => gateway.octets(),
            Repr::TimeExceeded { original, .. } => [0, original.length_words()?, 0, 0],
            Repr::ParamProblem { pointer, original, .. } => {
                [pointer, original.length_words()?, 0, 0]
            }
            Repr::RouterAdvertisement { num_addrs, entry_size, lifetime, .. } => {
                let [c, d] = lifetime.to_be_bytes();
                [num_addrs, entry_size, c, d]
            }
            Repr::Other { rest_of_header, .. } => rest_of_header,
        })
    }

    /// The data after the header: up to two slices written one after the other.
    fn data_parts(&self) -> (&'a [u8], &'a [u8]) {
        match *self {
            Repr::EchoReply { data, .. }
            | Repr::EchoRequest { data, .. }
            | Repr::Other { data, .. } => (data, &[]),
            Repr::DstUnreachable { original, .. }
            | Repr::TimeExceeded { original, .. }
            | Repr::ParamProblem { original, .. } => {
                (original.datagram, original.extensions.unwrap_or(&[]))
            }
            Repr::SourceQuench { datagram } | Repr::Redirect { datagram, .. } => (datagram, &[]),
            Repr::RouterAdvertisement { entries, .. } => (entries, &[]),
            Repr::Timestamp { .. }
            | Repr::Information { .. }
            | Repr::AddressMask { .. }
            | Repr::RouterSolicitation => (&[], &[]),
        }
    }

    /// Length of the whole message.
    pub fn buffer_len(&self) -> usize {
        let fixed = match self {
            Repr::Timestamp { .. } => 12,
            Repr::AddressMask { .. } => 4,
            Repr::DstUnreachable { original, .. }
            | Repr::TimeExceeded { original, .. }
            | Repr::ParamProblem { original, .. } => original.len(),
            _ => {
                let (a, b) = self.data_parts();
                a.len() + b.len()
            }
        };
        HEADER_LEN + fixed
    }

    /// Writes the whole message (header and data) into the start of `packet` and fills the
    /// checksum over it.
    ///
    /// Errors: [`WireError::BufferTooSmall`] if the buffer is shorter than
    /// [`buffer_len`](Repr::buffer_len); [`WireError::BadLength`] if an [`Original`] with
    /// extensions has a quoted datagram that is empty, not a multiple of 4 bytes or longer
    /// than 1020 bytes (RFC 4884 §4.1 cannot describe it).
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
    ) -> Result<(), WireError> {
        let len = self.buffer_len();
        let rest = self.rest_of_header()?;
        let buf = packet.as_mut().get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        buf[0] = self.msg_type().0;
        buf[1] = self.code();
        buf[2..4].fill(0);
        buf[4..8].copy_from_slice(&rest);
        let data = &mut buf[HEADER_LEN..];
        match *self {
            Repr::Timestamp { originate, receive, transmit, .. } => {
                data[0..4].copy_from_slice(&originate.to_be_bytes());
                data[4..8].copy_from_slice(&receive.to_be_bytes());
                data[8..12].copy_from_slice(&transmit.to_be_bytes());
            }
            Repr::AddressMask { mask, .. } => data.copy_from_slice(&mask.octets()),
            _ => {
                let (a, b) = self.data_parts();
                let (first, second) = data.split_at_mut(a.len());
                first.copy_from_slice(a);
                second.copy_from_slice(b);
            }
        }
        let c = checksum::checksum(buf);
        buf[2..4].copy_from_slice(&c.to_be_bytes());
        Ok(())
    }
}
