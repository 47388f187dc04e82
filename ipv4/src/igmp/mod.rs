//! IGMP: version 1 reports (RFC 1112), version 2 (RFC 2236) and version 3 (RFC 3376).
//!
//! ```
//! use unet_ipv4::igmp::{Packet, Repr};
//! // A version 3 General Query, from tcpdump-igmpv3-queries.pcap.
//! let bytes = [0x11, 0x0a, 0xec, 0x78, 0, 0, 0, 0, 0x02, 0x7d, 0, 0];
//! let packet = Packet::new_checked(&bytes[..]).unwrap();
//! let repr = Repr::parse(&packet).unwrap();
//! assert_eq!(repr.to_string(), "igmp query v3 [max resp time 1.0s]");
//! ```

pub mod code;
mod display;
pub mod membership;
#[cfg(test)]
mod membership_tests;
mod packet;
mod record;
mod repr;
#[cfg(test)]
mod tests;

pub use membership::{GroupSlot, Membership, MembershipError};
pub use packet::{Packet, Type, HEADER_LEN, V3_QUERY_LEN};
pub use record::{GroupRecord, GroupRecords, RecordType, Sources};
pub use repr::Repr;
