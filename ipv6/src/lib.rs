//! unet-ipv6: IPv6 (RFC 8200) with its extension header chain, ICMPv6 (RFC 4443), Neighbor
//! Discovery (RFC 4861) and Multicast Listener Discovery (RFC 2710, RFC 3810) wire formats.
//!
//! Every unit follows the workspace conventions (docs/ARCHITECTURE.md): a view
//! (`Packet<T>`, `Message<T>`, ...) whose `new_checked` makes every accessor panic-free, and
//! a plain `Repr` with `parse`/`buffer_len`/`emit`. Nothing allocates; option lists and
//! records are iterators over the borrowed bytes, and unknown items are kept raw so that a
//! re-emit reproduces the input byte for byte.
//!
//! - [`packet`]: the fixed header ([`Packet`], [`Repr`]);
//! - [`ext`]: Hop-by-Hop, Destination Options, Routing and Fragment headers;
//! - [`chain`]: the bounded walk from the fixed header to the upper layer;
//! - [`icmp`]: ICMPv6 messages, with [`ndp`] and [`mld`] inside them;
//! - [`summary`]: a tcpdump-like one-line rendering of a whole packet.
//!
//! ```
//! use unet_ipv6::{Packet, Repr};
//! let bytes = [
//!     0x60, 0, 0, 0, 0, 0, 59, 64, // no payload, No Next Header, hop limit 64
//!     0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
//!     0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
//! ];
//! let repr = Repr::parse(&Packet::new_checked(&bytes[..]).unwrap()).unwrap();
//! assert_eq!(repr.hop_limit, 64);
//! assert_eq!(repr.to_string(), "2001:db8::1 > 2001:db8::2: IPv6-NoNxt, length 0");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod chain;
pub mod ext;
pub mod icmp;
pub mod mld;
pub mod ndp;
pub mod packet;
pub mod summary;

#[cfg(test)]
mod testutil;

pub use chain::{Chain, ChainError, ExtHeader, ExtHeaders};
pub use icmp::{Icmpv6Type, Message};
pub use mld::MldRepr;
pub use ndp::NdpRepr;
pub use packet::{Packet, Repr};
pub use summary::Summary;
