//! unet: IPv4 (RFC 791), ICMPv4 (RFC 792) and IGMPv2/v3 wire formats
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;
