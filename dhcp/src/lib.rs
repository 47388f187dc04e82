//! unet: DHCPv4 (RFC 2131) and BOOTP (RFC 951) wire format
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;
