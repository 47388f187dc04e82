//! unet-netif: drivers that move frames between a unet stack and the world.
//!
//! Today: [`pcap`], reading pcap/pcapng captures and writing pcap (feature `std`, on by
//! default). The `NetIf` trait with its TAP, in-memory and Solo5 drivers comes later.
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "std")]
pub mod pcap;
