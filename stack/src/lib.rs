//! unet-stack: composes the protocol layers into one `Stack` (frames in; frames, socket
//! events and timeouts out).
//!
//! **Status:** the composition arrives with issue 3 (an IPv4 host). Until then this crate
//! only re-exports the layers so dependants can name them from one place; it has no `Stack`
//! and claims no behaviour.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use unet_arp as arp;
pub use unet_core as core;
pub use unet_ethernet as ethernet;
pub use unet_ipv4 as ipv4;
pub use unet_ipv6 as ipv6;
pub use unet_tcp as tcp;
pub use unet_udp as udp;
