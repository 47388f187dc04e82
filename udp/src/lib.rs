//! unet: UDP (RFC 768) for IPv4 and IPv6.
//!
//! Written once for both IP versions: the checksum takes the addresses as any
//! [`unet_core::IpAddress`] ([`core::net::Ipv4Addr`] or [`core::net::Ipv6Addr`]), which
//! supplies the pseudo-header (RFC 768, RFC 8200 §8.1).
//!
//! - [`Packet`]: a zero-copy view over a datagram's bytes, with checked construction.
//! - [`Repr`]: the header as plain values, to parse and to emit.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_udp::{Packet, Repr};
//!
//! let (src, dst) = (Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2));
//! let repr = Repr { src_port: 1024, dst_port: 53, payload_len: 5 };
//! let mut buf = [0u8; 13];
//! buf[8..].copy_from_slice(b"hello");
//! let mut packet = Packet::new_unchecked(&mut buf[..]);
//! repr.emit(&mut packet, &src, &dst).unwrap();
//!
//! let packet = Packet::new_checked(&buf[..]).unwrap();
//! assert!(packet.verify_checksum(&src, &dst));
//! assert_eq!(Repr::parse(&packet, &src, &dst), Ok(repr));
//! assert_eq!(packet.payload(), b"hello");
//! assert_eq!(repr.to_string(), "UDP 1024 > 53, length 5");
//! # extern crate std;
//! # use std::string::ToString;
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod packet;
pub mod repr;

pub use packet::{Packet, HEADER_LEN};
pub use repr::Repr;
