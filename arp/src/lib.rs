//! unet: ARP for Ethernet and IPv4 (RFC 826): the wire format and the machines built on it.
//!
//! Wire format:
//!
//! - [`Packet`]: a zero-copy view over an ARP packet of any hardware and protocol type,
//!   ignoring link-layer padding after it.
//! - [`Repr`]: the Ethernet/IPv4 packet, parsed and emitted; other pairings are
//!   [`WireError::Unsupported`](unet_core::WireError::Unsupported).
//! - [`Operation`] and [`HardwareType`]: the registry numbers, unknown values preserved.
//!
//! Machines (pure, sans-IO, no allocation: storage comes from the caller):
//!
//! - [`NeighborCache`] ([`cache`]): the bounded IPv4 → Ethernet table (RFC 826 packet
//!   reception, RFC 1122 §2.3.2.1), with expiry, unicast refresh, LRU eviction, rate-limited
//!   retries, replies for our addresses and RFC 5227 §2.4 conflict reports.
//! - [`PendingQueue`] ([`pending`]): packets waiting for an address to resolve (RFC 1122
//!   §2.3.2.2), bounded per destination, in total and in bytes.
//! - [`AddressConflictDetection`] ([`acd`]): RFC 5227 probe, announce and defend, or
//!   announce-only for statically configured addresses.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_arp::{Packet, Repr};
//! use unet_ethernet::EthernetAddress;
//!
//! let me = EthernetAddress([0x02, 0, 0, 0, 0, 2]);
//! let request = Repr::request(me, Ipv4Addr::new(192, 0, 2, 2), Ipv4Addr::new(192, 0, 2, 1));
//! // Sent in a minimum-size Ethernet frame: 28 bytes of ARP, 18 of padding.
//! let mut buf = [0u8; 46];
//! request.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
//! let packet = Packet::new_checked(&buf[..]).unwrap();
//! assert_eq!((packet.packet_len(), packet.padding().len()), (28, 18));
//! let parsed = Repr::parse(&packet).unwrap();
//! assert_eq!(parsed, request);
//! assert_eq!(parsed.to_string(), "Request who-has 192.0.2.1 tell 192.0.2.2");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod acd;
pub mod cache;
pub mod operation;
pub mod packet;
pub mod pending;
pub mod repr;

#[cfg(test)]
mod tests;

pub use acd::{AcdConfig, AcdEvent, AcdState, AcdStats, AddressConflictDetection, DefendPolicy};
pub use cache::{
    CacheConfig, CacheError, CacheEvent, CacheStats, Neighbor, NeighborCache, NeighborState,
    Resolution, Transmit,
};
pub use operation::{HardwareType, Operation};
pub use packet::Packet;
pub use pending::{Dropped, PendingConfig, PendingPacket, PendingQueue, PendingStats};
pub use repr::Repr;
