//! IGMP messages as plain values (RFC 1112, RFC 2236, RFC 3376).

use core::net::Ipv4Addr;

use unet_core::{checksum, Duration, WireError};

use super::code;
use super::packet::{Packet, Type, HEADER_LEN, V3_QUERY_LEN};
use super::record::{GroupRecords, Sources};
use crate::Checks;

/// An IGMP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Repr<'a> {
    /// Version 1 or 2 Membership Query: an 8-byte query (RFC 3376 §7.1). A Max Resp Code
    /// of zero makes it a version 1 query (RFC 2236 §4).
    Query {
        /// Max Resp Time in tenths of a second (not a float code in version 2).
        max_resp_code: u8,
        /// 0.0.0.0 for a General Query, the group for a Group-Specific Query.
        group_addr: Ipv4Addr,
    },
    /// Version 3 Membership Query (RFC 3376 §4.1): 12 bytes or more.
    QueryV3 {
        /// Max Resp Code (RFC 3376 §4.1.1; see [`code`]).
        max_resp_code: u8,
        /// Group Address.
        group_addr: Ipv4Addr,
        /// Suppress Router-Side Processing.
        s_flag: bool,
        /// Querier's Robustness Variable (3 bits).
        qrv: u8,
        /// Querier's Query Interval Code.
        qqic: u8,
        /// Number of Sources.
        num_sources: u16,
        /// The sources (`num_sources` × 4 bytes) and any additional data after them
        /// (RFC 3376 §4.1.10: included in the checksum, otherwise ignored).
        sources: &'a [u8],
    },
    /// Version 1 Membership Report (RFC 1112 Appendix I).
    ReportV1 {
        /// The group joined.
        group_addr: Ipv4Addr,
    },
    /// Version 2 Membership Report (RFC 2236 §2).
    ReportV2 {
        /// The group joined.
        group_addr: Ipv4Addr,
    },
    /// Leave Group (RFC 2236 §2).
    LeaveGroup {
        /// The group left.
        group_addr: Ipv4Addr,
    },
    /// Version 3 Membership Report (RFC 3376 §4.2).
    ReportV3 {
        /// Number of Group Records.
        num_records: u16,
        /// The records (and anything after them); walk with [`Repr::group_records`].
        records: &'a [u8],
    },
    /// Any other type (DVMRP, mtrace, multicast router discovery...), kept whole.
    Other {
        /// Type.
        msg_type: Type,
        /// Byte 1.
        code: u8,
        /// Bytes 4 to 7.
        rest_of_header: [u8; 4],
        /// Everything after the first 8 bytes.
        data: &'a [u8],
    },
}

impl<'a> Repr<'a> {
    /// Reads a message, verifying its checksum.
    pub fn parse<T: AsRef<[u8]> + ?Sized>(packet: &Packet<&'a T>) -> Result<Repr<'a>, WireError> {
        Repr::parse_with(packet, Checks::ALL)
    }

    /// Reads a message with the checks `checks` asks for.
    ///
    /// A query is told apart by its length (RFC 3376 §7.1): 8 bytes is version 1 or 2, 12
    /// or more version 3, anything else [`WireError::BadLength`]. Version 1/2 reports and
    /// leaves may be longer than 8 bytes; the rest is ignored (RFC 2236 §2.5). Other
    /// errors: [`WireError::BadChecksum`]; [`WireError::Truncated`] when the sources or
    /// records announced do not fit.
    pub fn parse_with<T: AsRef<[u8]> + ?Sized>(
        packet: &Packet<&'a T>,
        checks: Checks,
    ) -> Result<Repr<'a>, WireError> {
        if checks.checksum && !packet.verify_checksum() {
            return Err(WireError::BadChecksum);
        }
        let group_addr = packet.group_addr();
        Ok(match packet.msg_type() {
            Type::MEMBERSHIP_QUERY if packet.len() == HEADER_LEN => {
                Repr::Query { max_resp_code: packet.max_resp_code(), group_addr }
            }
            Type::MEMBERSHIP_QUERY if packet.len() >= V3_QUERY_LEN => {
                let num_sources = packet.num_sources();
                let sources = packet.as_slice().get(V3_QUERY_LEN..).unwrap_or(&[]);
                if sources.len() < usize::from(num_sources) * 4 {
                    return Err(WireError::Truncated);
                }
                Repr::QueryV3 {
                    max_resp_code: packet.max_resp_code(),
                    group_addr,
                    s_flag: packet.s_flag(),
                    qrv: packet.qrv(),
                    qqic: packet.qqic(),
                    num_sources,
                    sources,
                }
            }
            Type::MEMBERSHIP_QUERY => return Err(WireError::BadLength),
            Type::V1_REPORT => Repr::ReportV1 { group_addr },
            Type::V2_REPORT => Repr::ReportV2 { group_addr },
            Type::LEAVE_GROUP => Repr::LeaveGroup { group_addr },
            Type::V3_REPORT => {
                let num_records = packet.num_group_records();
                let records = packet.as_slice().get(HEADER_LEN..).unwrap_or(&[]);
                GroupRecords::new(records, num_records).try_for_each(|r| r.map(|_| ()))?;
                Repr::ReportV3 { num_records, records }
            }
            msg_type => Repr::Other {
                msg_type,
                code: packet.max_resp_code(),
                rest_of_header: packet.group_addr().octets(),
                data: packet.as_slice().get(HEADER_LEN..).unwrap_or(&[]),
            },
        })
    }

    /// The message type.
    pub fn msg_type(&self) -> Type {
        match self {
            Repr::Query { .. } | Repr::QueryV3 { .. } => Type::MEMBERSHIP_QUERY,
            Repr::ReportV1 { .. } => Type::V1_REPORT,
            Repr::ReportV2 { .. } => Type::V2_REPORT,
            Repr::LeaveGroup { .. } => Type::LEAVE_GROUP,
            Repr::ReportV3 { .. } => Type::V3_REPORT,
            Repr::Other { msg_type, .. } => *msg_type,
        }
    }

    /// The Max Resp Time of a query: tenths of a second as such in version 1/2, decoded
    /// from the float code in version 3 (RFC 3376 §4.1.1). `None` for other messages.
    pub fn max_resp_time(&self) -> Option<Duration> {
        match *self {
            Repr::Query { max_resp_code, .. } => {
                Some(Duration::from_millis(u64::from(max_resp_code) * 100))
            }
            Repr::QueryV3 { max_resp_code, .. } => Some(code::max_resp_time(max_resp_code)),
            _ => None,
        }
    }

    /// The source addresses of a version 3 query (empty for other messages).
    pub fn sources(&self) -> Sources<'a> {
        match *self {
            Repr::QueryV3 { num_sources, sources, .. } => {
                let len = (usize::from(num_sources) * 4).min(sources.len());
                Sources::new(sources.get(..len).unwrap_or(&[]))
            }
            _ => Sources::new(&[]),
        }
    }

    /// The group records of a version 3 report (empty for other messages).
    pub fn group_records(&self) -> GroupRecords<'a> {
        match *self {
            Repr::ReportV3 { num_records, records } => GroupRecords::new(records, num_records),
            _ => GroupRecords::new(&[], 0),
        }
    }

    /// Length of the whole message.
    pub fn buffer_len(&self) -> usize {
        match self {
            Repr::Query { .. }
            | Repr::ReportV1 { .. }
            | Repr::ReportV2 { .. }
            | Repr::LeaveGroup { .. } => HEADER_LEN,
            Repr::QueryV3 { sources, .. } => V3_QUERY_LEN + sources.len(),
            Repr::ReportV3 { records, .. } => HEADER_LEN + records.len(),
            Repr::Other { data, .. } => HEADER_LEN + data.len(),
        }
    }

    /// Writes the whole message into the start of `packet` and fills the checksum over it
    /// ([`WireError::BufferTooSmall`] if the buffer is shorter than
    /// [`buffer_len`](Repr::buffer_len)). Reserved and unused fields are written as zero.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(
        &self,
        packet: &mut Packet<T>,
    ) -> Result<(), WireError> {
        let len = self.buffer_len();
        let buf = packet.as_mut().get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        buf.fill(0);
        buf[0] = self.msg_type().0;
        match *self {
            Repr::Query { max_resp_code, group_addr } => {
                buf[1] = max_resp_code;
                buf[4..8].copy_from_slice(&group_addr.octets());
            }
            Repr::QueryV3 {
                max_resp_code,
                group_addr,
                s_flag,
                qrv,
                qqic,
                num_sources,
                sources,
            } => {
                buf[1] = max_resp_code;
                buf[4..8].copy_from_slice(&group_addr.octets());
                buf[8] = (u8::from(s_flag) << 3) | (qrv & 0x07);
                buf[9] = qqic;
                buf[10..12].copy_from_slice(&num_sources.to_be_bytes());
                buf[12..].copy_from_slice(sources);
            }
            Repr::ReportV1 { group_addr }
            | Repr::ReportV2 { group_addr }
            | Repr::LeaveGroup { group_addr } => {
                buf[4..8].copy_from_slice(&group_addr.octets());
            }
            Repr::ReportV3 { num_records, records } => {
                buf[6..8].copy_from_slice(&num_records.to_be_bytes());
                buf[8..].copy_from_slice(records);
            }
            Repr::Other { code, rest_of_header, data, .. } => {
                buf[1] = code;
                buf[4..8].copy_from_slice(&rest_of_header);
                buf[8..].copy_from_slice(data);
            }
        }
        let c = checksum::checksum(buf);
        buf[2..4].copy_from_slice(&c.to_be_bytes());
        Ok(())
    }
}
