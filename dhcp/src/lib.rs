//! unet: the DHCPv4 (RFC 2131) and BOOTP (RFC 951) wire format.
//!
//! - [`Message`]: a view over a message in a buffer (fixed fields, magic cookie, options).
//! - [`Repr`]: the message as plain data; `parse` then `emit` reproduces the original
//!   octets, because options are kept raw and decoded on access.
//! - [`option`]: option codes, an iterator over option TLVs that follows option overload
//!   into `file` and `sname` (RFC 2131 §4.1), RFC 3396 joining of long options, typed
//!   values ([`DhcpOption`]) and an [`OptionBuilder`] that splits long options and pads to
//!   the 300-octet BOOTP minimum.
//!
//! Nothing here allocates: views borrow, typed values borrow, and anything that must be
//! copied (joined long options, decoded names) is written into a buffer the caller gives.
//!
//! ```
//! use unet_dhcp::{DhcpOption, Message, MessageType, OptionBuilder, Repr, Vendor};
//! # use core::net::Ipv4Addr;
//! let mut opts = [0u8; 64];
//! let mut b = OptionBuilder::new(&mut opts);
//! b.push(&DhcpOption::MessageType(MessageType::DISCOVER)).unwrap();
//! let n = b.finish(true).unwrap();
//! let repr = Repr {
//!     op: unet_dhcp::Op::BOOTREQUEST,
//!     htype: unet_dhcp::HardwareType::ETHERNET,
//!     hlen: 6,
//!     hops: 0,
//!     xid: 0x3903f326,
//!     secs: 0,
//!     flags: unet_dhcp::Flags::empty(),
//!     ciaddr: Ipv4Addr::UNSPECIFIED,
//!     yiaddr: Ipv4Addr::UNSPECIFIED,
//!     siaddr: Ipv4Addr::UNSPECIFIED,
//!     giaddr: Ipv4Addr::UNSPECIFIED,
//!     chaddr: unet_dhcp::fixed_field(&[0x00, 0x11, 0x22, 0x33, 0x44, 0x55]).unwrap(),
//!     sname: [0; 64],
//!     file: [0; 128],
//!     vendor: Vendor::Options(&opts[..n]),
//! };
//! let mut buf = [0u8; 300];
//! repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
//! let parsed = Repr::parse(&Message::new_checked(&buf[..]).unwrap()).unwrap();
//! assert_eq!(parsed, repr);
//! assert_eq!(
//!     format!("{parsed}"),
//!     "BOOTP/DHCP, Request from 00:11:22:33:44:55, length 300, xid 0x3903f326, DHCP-Message Discover"
//! );
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod client;
mod display;
pub mod message;
pub mod option;
mod repr;
pub mod server;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod proptests;

pub use message::{
    Flags, HardwareType, Message, Op, BOOTP_MIN_LEN, FIXED_LEN, MAGIC_COOKIE, OPTIONS_OFFSET,
};
pub use option::{
    DhcpOption, MessageType, OptionBuilder, OptionCode, OptionIter, Options, Overload, RawOption,
};
pub use repr::{fixed_field, Repr, Vendor};
