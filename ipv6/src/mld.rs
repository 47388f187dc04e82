//! Multicast Listener Discovery: MLDv1 (RFC 2710 §3) and MLDv2 (RFC 3810 §5).
//!
//! [`MldRepr`] is the message body after the ICMPv6 type, code and checksum. A Query is
//! MLDv1 when its message is 24 bytes long and MLDv2 when it is 28 or more (RFC 3810 §8.1);
//! anything in between is rejected. Sources and multicast address records are iterated over
//! the borrowed bytes, without allocation.

use core::fmt;
use core::net::Ipv6Addr;

use unet_core::WireError;

use crate::icmp::Icmpv6Type;
use crate::ndp::option::addresses;

/// Decodes an MLDv2 Maximum Response Code into milliseconds (RFC 3810 §5.1.3): values below
/// 32768 are the delay itself, larger ones a floating-point mantissa and exponent.
pub const fn max_resp_delay_ms(code: u16) -> u32 {
    if code < 0x8000 {
        code as u32
    } else {
        let exp = (code >> 12) & 0x7;
        let mant = code & 0x0fff;
        ((mant as u32) | 0x1000) << (exp + 3)
    }
}

/// Decodes a Querier's Query Interval Code into seconds (RFC 3810 §5.1.9).
pub const fn qqi_seconds(qqic: u8) -> u32 {
    if qqic < 0x80 {
        qqic as u32
    } else {
        let exp = (qqic >> 4) & 0x7;
        let mant = qqic & 0x0f;
        ((mant as u32) | 0x10) << (exp + 3)
    }
}

/// A multicast address record type (RFC 3810 §5.2.12).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordType(pub u8);

impl RecordType {
    /// MODE_IS_INCLUDE (a Current State Record).
    pub const MODE_IS_INCLUDE: RecordType = RecordType(1);
    /// MODE_IS_EXCLUDE.
    pub const MODE_IS_EXCLUDE: RecordType = RecordType(2);
    /// CHANGE_TO_INCLUDE_MODE (a Filter Mode Change Record).
    pub const CHANGE_TO_INCLUDE: RecordType = RecordType(3);
    /// CHANGE_TO_EXCLUDE_MODE.
    pub const CHANGE_TO_EXCLUDE: RecordType = RecordType(4);
    /// ALLOW_NEW_SOURCES (a Source List Change Record).
    pub const ALLOW_NEW_SOURCES: RecordType = RecordType(5);
    /// BLOCK_OLD_SOURCES.
    pub const BLOCK_OLD_SOURCES: RecordType = RecordType(6);
}

impl fmt::Debug for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("is_in"),
            2 => f.write_str("is_ex"),
            3 => f.write_str("to_in"),
            4 => f.write_str("to_ex"),
            5 => f.write_str("allow"),
            6 => f.write_str("block"),
            v => write!(f, "type-{v}"),
        }
    }
}

/// One Multicast Address Record of an MLDv2 Report (RFC 3810 §5.2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct McastAddressRecord<'a> {
    /// Record Type.
    pub record_type: RecordType,
    /// Multicast Address.
    pub group: Ipv6Addr,
    /// Source addresses, 16 bytes each (iterate with [`McastAddressRecord::sources`]).
    pub source_bytes: &'a [u8],
    /// Auxiliary Data (a multiple of 4 bytes).
    pub aux_data: &'a [u8],
}

impl<'a> McastAddressRecord<'a> {
    /// Reads the record at the start of `bytes`, returning it and its length.
    pub fn parse(bytes: &'a [u8]) -> Result<(McastAddressRecord<'a>, usize), WireError> {
        let head = bytes.get(..20).ok_or(WireError::Truncated)?;
        let aux_len = usize::from(head[1]) * 4;
        let nsrc = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let mut group = [0u8; 16];
        group.copy_from_slice(&head[4..20]);
        let src_end = 20 + nsrc * 16;
        let end = src_end + aux_len;
        let source_bytes = bytes.get(20..src_end).ok_or(WireError::Truncated)?;
        let aux_data = bytes.get(src_end..end).ok_or(WireError::Truncated)?;
        let record = McastAddressRecord {
            record_type: RecordType(head[0]),
            group: Ipv6Addr::from(group),
            source_bytes,
            aux_data,
        };
        Ok((record, end))
    }

    /// The source addresses.
    pub fn sources(&self) -> impl Iterator<Item = Ipv6Addr> + 'a {
        addresses(self.source_bytes)
    }

    /// Bytes on the wire.
    pub const fn buffer_len(&self) -> usize {
        20 + self.source_bytes.len() + self.aux_data.len()
    }

    /// Writes the record at the start of `buf`, returning its length.
    ///
    /// Errors: [`WireError::BadLength`] when the sources are not whole addresses or too
    /// many, or the auxiliary data is not whole 32-bit words or too long;
    /// [`WireError::BufferTooSmall`].
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        if !self.source_bytes.len().is_multiple_of(16) || !self.aux_data.len().is_multiple_of(4) {
            return Err(WireError::BadLength);
        }
        let nsrc = u16::try_from(self.source_bytes.len() / 16).map_err(|_| WireError::BadLength)?;
        let aux = u8::try_from(self.aux_data.len() / 4).map_err(|_| WireError::BadLength)?;
        let len = self.buffer_len();
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.record_type.0;
        out[1] = aux;
        out[2..4].copy_from_slice(&nsrc.to_be_bytes());
        out[4..20].copy_from_slice(&self.group.octets());
        let src_end = 20 + self.source_bytes.len();
        out[20..src_end].copy_from_slice(self.source_bytes);
        out[src_end..].copy_from_slice(self.aux_data);
        Ok(len)
    }
}

/// An iterator over the records of a (validated) MLDv2 Report.
#[derive(Debug, Clone)]
pub struct McastAddressRecords<'a> {
    rest: &'a [u8],
    left: u16,
}

impl<'a> Iterator for McastAddressRecords<'a> {
    type Item = McastAddressRecord<'a>;
    fn next(&mut self) -> Option<McastAddressRecord<'a>> {
        self.left = self.left.checked_sub(1)?;
        let (r, len) = McastAddressRecord::parse(self.rest).ok()?;
        self.rest = self.rest.get(len..).unwrap_or(&[]);
        Some(r)
    }
}

/// An MLD message body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MldRepr<'a> {
    /// MLDv1 Multicast Listener Query (RFC 2710 §3.4): 24-byte message.
    QueryV1 {
        /// Maximum Response Delay, milliseconds.
        max_resp_delay: u16,
        /// Reserved.
        reserved: u16,
        /// Multicast Address (unspecified for a General Query).
        group: Ipv6Addr,
    },
    /// MLDv1 Multicast Listener Report (RFC 2710 §3).
    ReportV1 {
        /// Maximum Response Delay field (unused in a report).
        max_resp_delay: u16,
        /// Reserved.
        reserved: u16,
        /// Multicast Address being reported.
        group: Ipv6Addr,
    },
    /// MLDv1 Multicast Listener Done (RFC 2710 §3).
    Done {
        /// Maximum Response Delay field (unused).
        max_resp_delay: u16,
        /// Reserved.
        reserved: u16,
        /// Multicast Address being left.
        group: Ipv6Addr,
    },
    /// MLDv2 Query (RFC 3810 §5.1).
    QueryV2 {
        /// Maximum Response Code (decode with [`max_resp_delay_ms`]).
        max_resp_code: u16,
        /// Reserved.
        reserved: u16,
        /// Multicast Address (unspecified for a General Query).
        group: Ipv6Addr,
        /// The byte holding Resv (4 bits), S (1 bit) and QRV (3 bits), raw.
        flags: u8,
        /// Querier's Query Interval Code (decode with [`qqi_seconds`]).
        qqic: u8,
        /// Source addresses, 16 bytes each.
        source_bytes: &'a [u8],
        /// Bytes after the sources (RFC 3810 §5.1.12: ignored, but kept for the checksum).
        additional: &'a [u8],
    },
    /// MLDv2 Report (RFC 3810 §5.2).
    ReportV2 {
        /// Reserved.
        reserved: u16,
        /// Nr of Mcast Address Records.
        nr_records: u16,
        /// The records and anything after them, raw (iterate with [`MldRepr::records`]).
        records: &'a [u8],
    },
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, WireError> {
    let s = b.get(at..at + 2).ok_or(WireError::Truncated)?;
    Ok(u16::from_be_bytes([s[0], s[1]]))
}

impl<'a> MldRepr<'a> {
    /// True for the MLD message types (130, 131, 132, 143).
    pub const fn is_mld(t: Icmpv6Type) -> bool {
        matches!(t.0, 130..=132 | 143)
    }

    /// Reads the body of an MLD message of type `msg_type`.
    ///
    /// Errors: [`WireError::Unsupported`] for a non-MLD type; [`WireError::Truncated`];
    /// [`WireError::BadLength`] for a Query of 25 to 27 bytes (RFC 3810 §8.1) or an MLDv1
    /// Report or Done longer than 24 bytes.
    pub fn parse(msg_type: Icmpv6Type, body: &'a [u8]) -> Result<MldRepr<'a>, WireError> {
        if msg_type == Icmpv6Type::MLDV2_REPORT {
            let nr_records = u16_at(body, 2)?;
            let records = body.get(4..).ok_or(WireError::Truncated)?;
            let mut rest = records;
            for _ in 0..nr_records {
                let (_, len) = McastAddressRecord::parse(rest)?;
                rest = rest.get(len..).ok_or(WireError::Truncated)?;
            }
            return Ok(MldRepr::ReportV2 { reserved: u16_at(body, 0)?, nr_records, records });
        }
        if !Self::is_mld(msg_type) {
            return Err(WireError::Unsupported);
        }
        let head = body.get(..20).ok_or(WireError::Truncated)?;
        let max_resp_delay = u16::from_be_bytes([head[0], head[1]]);
        let reserved = u16::from_be_bytes([head[2], head[3]]);
        let mut g = [0u8; 16];
        g.copy_from_slice(&head[4..20]);
        let group = Ipv6Addr::from(g);
        Ok(match (msg_type, body.len()) {
            (Icmpv6Type::MLD_QUERY, 20) => MldRepr::QueryV1 { max_resp_delay, reserved, group },
            (Icmpv6Type::MLD_QUERY, 21..=23) => return Err(WireError::BadLength),
            (Icmpv6Type::MLD_QUERY, _) => {
                let nsrc = usize::from(u16_at(body, 22)?);
                let end = 24 + nsrc * 16;
                MldRepr::QueryV2 {
                    max_resp_code: max_resp_delay,
                    reserved,
                    group,
                    flags: body[20],
                    qqic: body[21],
                    source_bytes: body.get(24..end).ok_or(WireError::Truncated)?,
                    additional: body.get(end..).unwrap_or(&[]),
                }
            }
            // RFC 2710 §3: Report and Done are fixed 24-byte messages.
            (_, 21..) => return Err(WireError::BadLength),
            (Icmpv6Type::MLD_REPORT, _) => MldRepr::ReportV1 { max_resp_delay, reserved, group },
            _ => MldRepr::Done { max_resp_delay, reserved, group },
        })
    }

    /// The ICMPv6 type.
    pub const fn msg_type(&self) -> Icmpv6Type {
        match self {
            MldRepr::QueryV1 { .. } | MldRepr::QueryV2 { .. } => Icmpv6Type::MLD_QUERY,
            MldRepr::ReportV1 { .. } => Icmpv6Type::MLD_REPORT,
            MldRepr::Done { .. } => Icmpv6Type::MLD_DONE,
            MldRepr::ReportV2 { .. } => Icmpv6Type::MLDV2_REPORT,
        }
    }

    /// Length of the body after type, code and checksum.
    pub const fn body_len(&self) -> usize {
        match self {
            MldRepr::QueryV1 { .. } | MldRepr::ReportV1 { .. } | MldRepr::Done { .. } => 20,
            MldRepr::QueryV2 { source_bytes, additional, .. } => {
                24 + source_bytes.len() + additional.len()
            }
            MldRepr::ReportV2 { records, .. } => 4 + records.len(),
        }
    }

    /// For a Query, the maximum response delay in milliseconds (RFC 2710 §3.4,
    /// RFC 3810 §5.1.3).
    pub const fn max_resp_delay(&self) -> Option<u32> {
        match self {
            MldRepr::QueryV1 { max_resp_delay, .. } => Some(*max_resp_delay as u32),
            MldRepr::QueryV2 { max_resp_code, .. } => Some(max_resp_delay_ms(*max_resp_code)),
            _ => None,
        }
    }

    /// For an MLDv2 Query: S (Suppress Router-Side Processing, RFC 3810 §5.1.7) and QRV
    /// (Querier's Robustness Variable, §5.1.8).
    pub const fn query_flags(&self) -> Option<(bool, u8)> {
        match self {
            MldRepr::QueryV2 { flags, .. } => Some((*flags & 0x08 != 0, *flags & 0x07)),
            _ => None,
        }
    }

    /// For an MLDv2 Query, its sources.
    pub fn sources(&self) -> impl Iterator<Item = Ipv6Addr> + 'a {
        let bytes: &'a [u8] = match self {
            MldRepr::QueryV2 { source_bytes, .. } => source_bytes,
            _ => &[],
        };
        addresses(bytes)
    }

    /// For an MLDv2 Report, its records (none for other messages).
    pub fn records(&self) -> McastAddressRecords<'a> {
        match self {
            MldRepr::ReportV2 { nr_records, records, .. } => {
                McastAddressRecords { rest: records, left: *nr_records }
            }
            _ => McastAddressRecords { rest: &[], left: 0 },
        }
    }

    /// Writes the body into `body` (the ICMPv6 message from byte 4).
    ///
    /// Errors: [`WireError::BufferTooSmall`]; [`WireError::BadLength`] when a Query's
    /// sources are not whole addresses or more than 65535.
    pub fn emit(&self, body: &mut [u8]) -> Result<(), WireError> {
        let out = body.get_mut(..self.body_len()).ok_or(WireError::BufferTooSmall)?;
        match self {
            MldRepr::QueryV1 { max_resp_delay, reserved, group }
            | MldRepr::ReportV1 { max_resp_delay, reserved, group }
            | MldRepr::Done { max_resp_delay, reserved, group } => {
                out[..2].copy_from_slice(&max_resp_delay.to_be_bytes());
                out[2..4].copy_from_slice(&reserved.to_be_bytes());
                out[4..20].copy_from_slice(&group.octets());
            }
            MldRepr::QueryV2 {
                max_resp_code,
                reserved,
                group,
                flags,
                qqic,
                source_bytes,
                additional,
            } => {
                if source_bytes.len() % 16 != 0 {
                    return Err(WireError::BadLength);
                }
                let n = u16::try_from(source_bytes.len() / 16).map_err(|_| WireError::BadLength)?;
                out[..2].copy_from_slice(&max_resp_code.to_be_bytes());
                out[2..4].copy_from_slice(&reserved.to_be_bytes());
                out[4..20].copy_from_slice(&group.octets());
                out[20] = *flags;
                out[21] = *qqic;
                out[22..24].copy_from_slice(&n.to_be_bytes());
                let end = 24 + source_bytes.len();
                out[24..end].copy_from_slice(source_bytes);
                out[end..].copy_from_slice(additional);
            }
            MldRepr::ReportV2 { reserved, nr_records, records } => {
                out[..2].copy_from_slice(&reserved.to_be_bytes());
                out[2..4].copy_from_slice(&nr_records.to_be_bytes());
                out[4..].copy_from_slice(records);
            }
        }
        Ok(())
    }
}

impl fmt::Display for MldRepr<'_> {
    /// `multicast listener report v2, 1 group record(s)`; `{:#}` lists every field,
    /// source and record.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alt = f.alternate();
        match self {
            MldRepr::QueryV1 { max_resp_delay, reserved, group } => {
                write!(
                    f,
                    "multicast listener query max resp delay: {max_resp_delay} addr: {group}"
                )?;
                if alt {
                    write!(f, ", reserved 0x{reserved:04x}")?;
                }
            }
            MldRepr::ReportV1 { max_resp_delay, reserved, group }
            | MldRepr::Done { max_resp_delay, reserved, group } => {
                write!(f, "{} addr: {group}", self.msg_type())?;
                if alt {
                    write!(f, ", max resp delay {max_resp_delay}, reserved 0x{reserved:04x}")?;
                }
            }
            MldRepr::QueryV2 { max_resp_code, reserved, group, qqic, source_bytes, .. } => {
                write!(f, "multicast listener query v2 [gaddr {group}")?;
                let (s, qrv) = self.query_flags().unwrap_or((false, 0));
                if alt {
                    write!(
                        f,
                        " max resp delay {}ms (code {max_resp_code}), reserved 0x{reserved:04x}, \
                         S {}, qrv {qrv}, qqi {}s (code {qqic})",
                        max_resp_delay_ms(*max_resp_code),
                        u8::from(s),
                        qqi_seconds(*qqic)
                    )?;
                    for src in self.sources() {
                        write!(f, " src {src}")?;
                    }
                } else {
                    write!(f, " {} source(s)", source_bytes.len() / 16)?;
                }
                f.write_str("]")?;
            }
            MldRepr::ReportV2 { reserved, nr_records, .. } => {
                write!(f, "multicast listener report v2, {nr_records} group record(s)")?;
                if alt {
                    write!(f, ", reserved 0x{reserved:04x}")?;
                    for r in self.records() {
                        write!(f, " [gaddr {} {}", r.group, r.record_type)?;
                        for s in r.sources() {
                            write!(f, " {s}")?;
                        }
                        if !r.aux_data.is_empty() {
                            write!(f, " aux {}", r.aux_data.len())?;
                        }
                        f.write_str("]")?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "mld_tests.rs"]
mod tests;
