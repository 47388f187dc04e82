//! One IPv4 option, typed: parse and emit (RFC 791 §3.1, RFC 1108, RFC 2113).

use unet_core::WireError;

use super::walk::{Addresses, Timestamps};
use super::{OptionType, TimestampFlag};

/// One option, typed. Borrowed parts are the option's own bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ipv4Option<'a> {
    /// End of Option List: the bytes after it are padding.
    EndOfList,
    /// No Operation, used to align the next option.
    Nop,
    /// Record Route (RFC 791): `route` holds the address slots, `pointer` (one-based, from
    /// the option's start, at least 4) the next free slot.
    RecordRoute {
        /// Pointer octet.
        pointer: u8,
        /// The route data (address slots), after the pointer.
        route: &'a [u8],
    },
    /// Loose Source and Record Route (RFC 791).
    LooseSourceRoute {
        /// Pointer octet.
        pointer: u8,
        /// The route data.
        route: &'a [u8],
    },
    /// Strict Source and Record Route (RFC 791).
    StrictSourceRoute {
        /// Pointer octet.
        pointer: u8,
        /// The route data.
        route: &'a [u8],
    },
    /// Internet Timestamp (RFC 791).
    Timestamp {
        /// Pointer octet (one-based, at least 5).
        pointer: u8,
        /// Overflow count: nodes that could not register a timestamp (4 bits).
        overflow: u8,
        /// What each entry holds.
        flag: TimestampFlag,
        /// The entries, after the overflow/flag octet.
        data: &'a [u8],
    },
    /// Basic Security Option (RFC 1108 §2).
    Security {
        /// Classification level (RFC 1108 §2.3: 0x3d Top Secret … 0xab Unclassified).
        classification: u8,
        /// Protection Authority flags, possibly empty.
        authority: &'a [u8],
    },
    /// Extended Security Option (RFC 1108 §3).
    ExtendedSecurity {
        /// Additional Security Info Format Code.
        format: u8,
        /// Additional security information.
        info: &'a [u8],
    },
    /// Stream Identifier (RFC 791).
    StreamId(u16),
    /// Router Alert (RFC 2113 §2.1); value 0: "router shall examine packet".
    RouterAlert(u16),
    /// Any other option: its type and the bytes after its length octet.
    Unknown {
        /// Option type.
        kind: OptionType,
        /// Option data (without type and length octets).
        data: &'a [u8],
    },
}

impl<'a> Ipv4Option<'a> {
    /// Reads one option at the start of `bytes`; returns it and its length on the wire.
    pub fn parse(bytes: &'a [u8]) -> Result<(Ipv4Option<'a>, usize), WireError> {
        let kind = OptionType(*bytes.first().ok_or(WireError::BadOption)?);
        match kind {
            OptionType::END_OF_LIST => return Ok((Ipv4Option::EndOfList, 1)),
            OptionType::NOP => return Ok((Ipv4Option::Nop, 1)),
            _ => {}
        }
        // Every other option is type, length (counting both), data (RFC 791 §3.1, case 2).
        let len = usize::from(*bytes.get(1).ok_or(WireError::BadOption)?);
        if len < 2 {
            return Err(WireError::BadOption);
        }
        let body = bytes.get(2..len).ok_or(WireError::BadOption)?;
        let option = match kind {
            OptionType::RECORD_ROUTE
            | OptionType::LOOSE_SOURCE_ROUTE
            | OptionType::STRICT_SOURCE_ROUTE => {
                let (&pointer, route) = body.split_first().ok_or(WireError::BadOption)?;
                // "The smallest legal value for the pointer is 4."
                if pointer < 4 {
                    return Err(WireError::BadOption);
                }
                match kind {
                    OptionType::RECORD_ROUTE => Ipv4Option::RecordRoute { pointer, route },
                    OptionType::LOOSE_SOURCE_ROUTE => {
                        Ipv4Option::LooseSourceRoute { pointer, route }
                    }
                    _ => Ipv4Option::StrictSourceRoute { pointer, route },
                }
            }
            OptionType::TIMESTAMP => {
                let [pointer, oflw_flg, data @ ..] = body else {
                    return Err(WireError::BadOption);
                };
                let flag = TimestampFlag(oflw_flg & 0x0f);
                // "The smallest legal value is 5"; only flags 0, 1 and 3 are defined.
                if *pointer < 5 || !matches!(flag.0, 0 | 1 | 3) {
                    return Err(WireError::BadOption);
                }
                Ipv4Option::Timestamp { pointer: *pointer, overflow: oflw_flg >> 4, flag, data }
            }
            OptionType::SECURITY => {
                let (&classification, authority) =
                    body.split_first().ok_or(WireError::BadOption)?;
                Ipv4Option::Security { classification, authority }
            }
            OptionType::EXTENDED_SECURITY => {
                let (&format, info) = body.split_first().ok_or(WireError::BadOption)?;
                Ipv4Option::ExtendedSecurity { format, info }
            }
            OptionType::STREAM_ID | OptionType::ROUTER_ALERT => {
                // Both are exactly four octets long.
                let [hi, lo] = body else {
                    return Err(WireError::BadOption);
                };
                let value = u16::from_be_bytes([*hi, *lo]);
                if kind == OptionType::STREAM_ID {
                    Ipv4Option::StreamId(value)
                } else {
                    Ipv4Option::RouterAlert(value)
                }
            }
            _ => Ipv4Option::Unknown { kind, data: body },
        };
        Ok((option, len))
    }

    /// The option type octet.
    pub fn kind(&self) -> OptionType {
        match self {
            Ipv4Option::EndOfList => OptionType::END_OF_LIST,
            Ipv4Option::Nop => OptionType::NOP,
            Ipv4Option::RecordRoute { .. } => OptionType::RECORD_ROUTE,
            Ipv4Option::LooseSourceRoute { .. } => OptionType::LOOSE_SOURCE_ROUTE,
            Ipv4Option::StrictSourceRoute { .. } => OptionType::STRICT_SOURCE_ROUTE,
            Ipv4Option::Timestamp { .. } => OptionType::TIMESTAMP,
            Ipv4Option::Security { .. } => OptionType::SECURITY,
            Ipv4Option::ExtendedSecurity { .. } => OptionType::EXTENDED_SECURITY,
            Ipv4Option::StreamId(_) => OptionType::STREAM_ID,
            Ipv4Option::RouterAlert(_) => OptionType::ROUTER_ALERT,
            Ipv4Option::Unknown { kind, .. } => *kind,
        }
    }

    /// Bytes this option takes on the wire.
    pub fn buffer_len(&self) -> usize {
        match self {
            Ipv4Option::EndOfList | Ipv4Option::Nop => 1,
            Ipv4Option::RecordRoute { route, .. }
            | Ipv4Option::LooseSourceRoute { route, .. }
            | Ipv4Option::StrictSourceRoute { route, .. } => 3 + route.len(),
            Ipv4Option::Timestamp { data, .. } => 4 + data.len(),
            Ipv4Option::Security { authority, .. } => 3 + authority.len(),
            Ipv4Option::ExtendedSecurity { info, .. } => 3 + info.len(),
            Ipv4Option::StreamId(_) | Ipv4Option::RouterAlert(_) => 4,
            Ipv4Option::Unknown { data, .. } => 2 + data.len(),
        }
    }

    /// Writes the option at the start of `buf`; returns the bytes written.
    ///
    /// [`WireError::BufferTooSmall`] if `buf` is too short, [`WireError::BadOption`] if the
    /// option would not fit its one-octet length field.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.kind().0;
        if len == 1 {
            return Ok(1);
        }
        out[1] = u8::try_from(len).map_err(|_| WireError::BadOption)?;
        // Every variant is a fixed part followed by variable data that ends the option.
        let tail: &[u8] = match self {
            Ipv4Option::EndOfList | Ipv4Option::Nop => &[],
            Ipv4Option::RecordRoute { pointer, route }
            | Ipv4Option::LooseSourceRoute { pointer, route }
            | Ipv4Option::StrictSourceRoute { pointer, route } => {
                out[2] = *pointer;
                route
            }
            Ipv4Option::Timestamp { pointer, overflow, flag, data } => {
                out[2] = *pointer;
                out[3] = (overflow << 4) | (flag.0 & 0x0f);
                data
            }
            Ipv4Option::Security { classification: b, authority: d }
            | Ipv4Option::ExtendedSecurity { format: b, info: d } => {
                out[2] = *b;
                d
            }
            Ipv4Option::StreamId(v) | Ipv4Option::RouterAlert(v) => {
                out[2..4].copy_from_slice(&v.to_be_bytes());
                &[]
            }
            Ipv4Option::Unknown { data, .. } => data,
        };
        out[len - tail.len()..].copy_from_slice(tail);
        Ok(len)
    }

    /// The addresses of a route option's slots (empty for other options).
    pub fn route_addresses(&self) -> Addresses<'a> {
        match self {
            Ipv4Option::RecordRoute { route, .. }
            | Ipv4Option::LooseSourceRoute { route, .. }
            | Ipv4Option::StrictSourceRoute { route, .. } => Addresses { bytes: route },
            _ => Addresses { bytes: &[] },
        }
    }

    /// The entries of a Timestamp option (empty for other options).
    pub fn timestamps(&self) -> Timestamps<'a> {
        match self {
            Ipv4Option::Timestamp { flag, data, .. } => {
                Timestamps { bytes: data, with_addresses: flag.has_addresses() }
            }
            _ => Timestamps { bytes: &[], with_addresses: false },
        }
    }
}
