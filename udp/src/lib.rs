//! unet: UDP (RFC 768) for IPv4 and IPv6: the wire format and the sockets.
//!
//! Written once for both IP versions: the checksum takes the addresses as any
//! [`unet_core::IpAddress`] ([`core::net::Ipv4Addr`] or [`core::net::Ipv6Addr`]), which
//! supplies the pseudo-header (RFC 768, RFC 8200 §8.1), and the sockets are generic over it.
//!
//! Wire format:
//! - [`Packet`]: a zero-copy view over a datagram's bytes, with checked construction.
//! - [`Repr`]: the header as plain values, to parse and to emit.
//!
//! Sockets (pure sans-IO, no allocation: all storage is the caller's):
//! - [`PacketBuffer`]: a bounded FIFO of datagrams, each one contiguous, written in place.
//! - [`UdpSocket`]: bind/connect state, receive and transmit queues, hop limit, and the
//!   ICMP error slot (RFC 1122 §4.1.3.3).
//! - [`UdpTable`]: the bounded socket set: bind and connect rules (ephemeral ports per
//!   RFC 6056 from [`unet_core::ports`]), demultiplexing ([`UdpTable::receive`] →
//!   [`Delivery`]), ICMP error routing ([`UdpTable::handle_icmp_error`]) and draining for
//!   transmission ([`UdpTable::poll_transmit`] → [`Transmit`]), with [`UdpCounters`].
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

pub mod counters;
pub mod demux;
pub mod endpoint;
pub mod error;
pub mod icmp;
pub mod packet;
pub mod packet_buffer;
pub mod repr;
pub mod socket;
pub mod table;
pub mod transmit;

#[cfg(test)]
mod test_util;

pub use counters::UdpCounters;
pub use demux::Delivery;
pub use endpoint::{Endpoint, UdpMetadata};
pub use error::UdpError;
pub use icmp::{IcmpError, IcmpErrorKind};
pub use packet::{Packet, HEADER_LEN};
pub use packet_buffer::{BufferError, PacketBuffer, PacketMetadata};
pub use repr::Repr;
pub use socket::{max_payload_len, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
pub use table::{SocketHandle, UdpTable};
pub use transmit::Transmit;
