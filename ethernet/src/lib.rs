//! unet: Ethernet II and IEEE 802.1Q/802.1ad frames, MAC addresses.
//!
//! - [`EthernetAddress`]: 48-bit MAC addresses.
//! - [`EtherType`]: the type/length field, with IEEE 802.3 lengths kept apart from types.
//! - [`Frame`]: a zero-copy view over an Ethernet II frame with up to [`MAX_VLAN_TAGS`]
//!   802.1Q (C-tag) / 802.1ad (S-tag) [`VlanTag`]s; [`Repr`] parses and emits its header.
//! - [`fcs`]: computing, appending and verifying the frame check sequence.
//!
//! ```
//! use unet_ethernet::{EtherType, EthernetAddress, Frame, Repr, VlanTag, VlanTags};
//!
//! let repr = Repr {
//!     src_addr: EthernetAddress([0x02, 0, 0, 0, 0, 1]),
//!     dst_addr: EthernetAddress::BROADCAST,
//!     tags: VlanTags::from_slice(&[VlanTag::c_tag(10, 0)]).unwrap(),
//!     ethertype: EtherType::IPV4,
//! };
//! let mut buf = [0u8; 64];
//! repr.emit(&mut Frame::new_unchecked(&mut buf[..])).unwrap();
//! let frame = Frame::new_checked(&buf[..]).unwrap();
//! assert_eq!(frame.header_len(), 18);
//! assert_eq!(Repr::parse(&frame).unwrap(), repr);
//! assert_eq!(
//!     repr.to_string(),
//!     "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype IPv4 (0x0800), vlan 10 p 0"
//! );
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod addr;
pub mod ethertype;
pub mod fcs;
pub mod frame;
pub mod repr;
pub mod vlan;

#[cfg(test)]
mod tests;

pub use addr::EthernetAddress;
pub use ethertype::EtherType;
pub use frame::{Frame, VlanTagIter, HEADER_LEN, MIN_FRAME_LEN};
pub use repr::Repr;
pub use vlan::{VlanTag, VlanTags, MAX_VLAN_TAGS, VLAN_TAG_LEN};
