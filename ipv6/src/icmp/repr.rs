//! The typed ICMPv6 message ([`Repr`]): RFC 4443 errors and echo, NDP and MLD.

use core::net::Ipv6Addr;

use unet_core::WireError;

use super::codes::{DstUnreachableCode, ParamProblemCode, TimeExceededCode};
use super::{Icmpv6Type, Message, HEADER_LEN};
use crate::mld::MldRepr;
use crate::ndp::NdpRepr;

/// A parsed ICMPv6 message.
///
/// Fields the RFCs call "unused" or "reserved" are kept, so that every parsed message
/// re-emits byte for byte. Messages of unknown types, and known informational messages with
/// a code unet does not read (echo, MLD and Packet Too Big are defined with code 0 only),
/// are kept raw in [`Repr::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repr<'a> {
    /// Destination Unreachable (RFC 4443 §3.1).
    DstUnreachable {
        /// Code.
        code: DstUnreachableCode,
        /// The unused word (RFC 4884 puts a length in it).
        unused: u32,
        /// As much of the invoking packet as fits.
        invoking: &'a [u8],
    },
    /// Packet Too Big (RFC 4443 §3.2).
    PacketTooBig {
        /// The MTU of the next-hop link.
        mtu: u32,
        /// As much of the invoking packet as fits.
        invoking: &'a [u8],
    },
    /// Time Exceeded (RFC 4443 §3.3).
    TimeExceeded {
        /// Code.
        code: TimeExceededCode,
        /// The unused word.
        unused: u32,
        /// As much of the invoking packet as fits.
        invoking: &'a [u8],
    },
    /// Parameter Problem (RFC 4443 §3.4).
    ParamProblem {
        /// Code.
        code: ParamProblemCode,
        /// Offset of the error in the invoking packet.
        pointer: u32,
        /// As much of the invoking packet as fits.
        invoking: &'a [u8],
    },
    /// Echo Request (RFC 4443 §4.1).
    EchoRequest {
        /// Identifier.
        ident: u16,
        /// Sequence Number.
        seq_no: u16,
        /// Data.
        data: &'a [u8],
    },
    /// Echo Reply (RFC 4443 §4.2).
    EchoReply {
        /// Identifier.
        ident: u16,
        /// Sequence Number.
        seq_no: u16,
        /// Data.
        data: &'a [u8],
    },
    /// A Neighbor Discovery message (RFC 4861).
    Ndp(NdpRepr<'a>),
    /// A Multicast Listener Discovery message (RFC 2710, RFC 3810).
    Mld(MldRepr<'a>),
    /// Any other message, kept raw.
    Other {
        /// Type.
        msg_type: Icmpv6Type,
        /// Code.
        code: u8,
        /// The body after the checksum.
        body: &'a [u8],
    },
}

fn split_word(body: &[u8]) -> Result<(u32, &[u8]), WireError> {
    let (w, rest) = body.split_first_chunk::<4>().ok_or(WireError::Truncated)?;
    Ok((u32::from_be_bytes(*w), rest))
}

impl<'a> Repr<'a> {
    /// Verifies the checksum against the pseudo-header of `src` and `dst`, then reads the
    /// message.
    ///
    /// Errors: [`WireError::BadChecksum`], then those of [`Repr::parse_unverified`].
    pub fn parse<T: AsRef<[u8]> + ?Sized>(
        msg: &Message<&'a T>,
        src: Ipv6Addr,
        dst: Ipv6Addr,
    ) -> Result<Repr<'a>, WireError> {
        if !msg.verify_checksum(src, dst) {
            return Err(WireError::BadChecksum);
        }
        Repr::parse_unverified(msg)
    }

    /// Reads the message without looking at the checksum (for a checksum already verified
    /// by hardware, or for fuzzing).
    ///
    /// Errors: [`WireError::Truncated`] when the body is shorter than its type's fixed part;
    /// NDP and MLD validation errors ([`NdpRepr::parse`], [`MldRepr::parse`]).
    pub fn parse_unverified<T: AsRef<[u8]> + ?Sized>(
        msg: &Message<&'a T>,
    ) -> Result<Repr<'a>, WireError> {
        let buf: &'a T = msg.buffer;
        let bytes: &'a [u8] = buf.as_ref();
        let (head, body) = bytes.split_first_chunk::<HEADER_LEN>().ok_or(WireError::Truncated)?;
        let (msg_type, code) = (Icmpv6Type(head[0]), head[1]);
        let other = Repr::Other { msg_type, code, body };
        Ok(match msg_type {
            Icmpv6Type::DST_UNREACHABLE => {
                let (unused, invoking) = split_word(body)?;
                Repr::DstUnreachable { code: DstUnreachableCode(code), unused, invoking }
            }
            Icmpv6Type::PACKET_TOO_BIG if code == 0 => {
                let (mtu, invoking) = split_word(body)?;
                Repr::PacketTooBig { mtu, invoking }
            }
            Icmpv6Type::TIME_EXCEEDED => {
                let (unused, invoking) = split_word(body)?;
                Repr::TimeExceeded { code: TimeExceededCode(code), unused, invoking }
            }
            Icmpv6Type::PARAM_PROBLEM => {
                let (pointer, invoking) = split_word(body)?;
                Repr::ParamProblem { code: ParamProblemCode(code), pointer, invoking }
            }
            Icmpv6Type::ECHO_REQUEST | Icmpv6Type::ECHO_REPLY if code == 0 => {
                let (w, data) = split_word(body)?;
                let (ident, seq_no) = ((w >> 16) as u16, w as u16);
                if msg_type == Icmpv6Type::ECHO_REQUEST {
                    Repr::EchoRequest { ident, seq_no, data }
                } else {
                    Repr::EchoReply { ident, seq_no, data }
                }
            }
            t if NdpRepr::is_ndp(t) => Repr::Ndp(NdpRepr::parse(t, code, body)?),
            t if MldRepr::is_mld(t) && code == 0 => Repr::Mld(MldRepr::parse(t, body)?),
            _ => other,
        })
    }

    /// The message type.
    pub const fn msg_type(&self) -> Icmpv6Type {
        match self {
            Repr::DstUnreachable { .. } => Icmpv6Type::DST_UNREACHABLE,
            Repr::PacketTooBig { .. } => Icmpv6Type::PACKET_TOO_BIG,
            Repr::TimeExceeded { .. } => Icmpv6Type::TIME_EXCEEDED,
            Repr::ParamProblem { .. } => Icmpv6Type::PARAM_PROBLEM,
            Repr::EchoRequest { .. } => Icmpv6Type::ECHO_REQUEST,
            Repr::EchoReply { .. } => Icmpv6Type::ECHO_REPLY,
            Repr::Ndp(n) => n.msg_type(),
            Repr::Mld(m) => m.msg_type(),
            Repr::Other { msg_type, .. } => *msg_type,
        }
    }

    /// The message code.
    pub const fn code(&self) -> u8 {
        match self {
            Repr::DstUnreachable { code, .. } => code.0,
            Repr::TimeExceeded { code, .. } => code.0,
            Repr::ParamProblem { code, .. } => code.0,
            Repr::Other { code, .. } => *code,
            _ => 0,
        }
    }

    /// Length of the body (after type, code and checksum).
    pub const fn body_len(&self) -> usize {
        match self {
            Repr::DstUnreachable { invoking: d, .. }
            | Repr::PacketTooBig { invoking: d, .. }
            | Repr::TimeExceeded { invoking: d, .. }
            | Repr::ParamProblem { invoking: d, .. }
            | Repr::EchoRequest { data: d, .. }
            | Repr::EchoReply { data: d, .. } => 4 + d.len(),
            Repr::Ndp(n) => n.body_len(),
            Repr::Mld(m) => m.body_len(),
            Repr::Other { body, .. } => body.len(),
        }
    }

    /// Length of the whole message.
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN + self.body_len()
    }

    /// Writes the message into the first [`Repr::buffer_len`] bytes of `msg` and fills the
    /// checksum for `src` and `dst`.
    ///
    /// Errors: [`WireError::BufferTooSmall`]; [`WireError::BadLength`] from an MLDv2 Query
    /// whose source list is not whole addresses or a PREF64 option out of range.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        msg: &mut Message<T>,
        src: Ipv6Addr,
        dst: Ipv6Addr,
    ) -> Result<(), WireError> {
        let len = self.buffer_len();
        let out = msg.buffer.as_mut().get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        let (head, body) = out.split_at_mut(HEADER_LEN);
        head[0] = self.msg_type().0;
        head[1] = self.code();
        let word_and = |body: &mut [u8], w: u32, rest: &[u8]| {
            body[..4].copy_from_slice(&w.to_be_bytes());
            body[4..].copy_from_slice(rest);
        };
        match self {
            Repr::DstUnreachable { unused: w, invoking: d, .. }
            | Repr::PacketTooBig { mtu: w, invoking: d }
            | Repr::TimeExceeded { unused: w, invoking: d, .. }
            | Repr::ParamProblem { pointer: w, invoking: d, .. } => word_and(body, *w, d),
            Repr::EchoRequest { ident, seq_no, data } | Repr::EchoReply { ident, seq_no, data } => {
                word_and(body, (u32::from(*ident) << 16) | u32::from(*seq_no), data)
            }
            Repr::Ndp(n) => n.emit(body)?,
            Repr::Mld(m) => m.emit(body)?,
            Repr::Other { body: b, .. } => body.copy_from_slice(b),
        }
        Message::new_unchecked(out).fill_checksum(src, dst)
    }
}
