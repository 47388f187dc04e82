//! unet: Ethernet II and IEEE 802.1Q/802.1ad frames, MAC addresses
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod addr;

pub use addr::EthernetAddress;
