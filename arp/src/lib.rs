//! unet: ARP for Ethernet and IPv4 (RFC 826).
//!
//! - [`Packet`]: a zero-copy view over an ARP packet of any hardware and protocol type,
//!   ignoring link-layer padding after it.
//! - [`Repr`]: the Ethernet/IPv4 packet, parsed and emitted; other pairings are
//!   [`WireError::Unsupported`](unet_core::WireError::Unsupported).
//! - [`Operation`] and [`HardwareType`]: the registry numbers, unknown values preserved.
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

pub mod operation;
pub mod packet;
pub mod repr;

#[cfg(test)]
mod tests;

pub use operation::{HardwareType, Operation};
pub use packet::Packet;
pub use repr::Repr;
