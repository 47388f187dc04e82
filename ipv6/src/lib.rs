//! unet: IPv6 (RFC 8200) with extension headers, ICMPv6 (RFC 4443), NDP (RFC 4861) and MLDv2 (RFC 3810) wire formats
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;
