//! unet: IPv4 (RFC 791), ICMPv4 (RFC 792) and IGMPv2/v3 (RFC 2236, RFC 3376) wire formats.
//!
//! Each unit has a view over a buffer ([`Packet`], [`icmp::Packet`], [`igmp::Packet`]) whose
//! `new_checked` validates every length its accessors rely on, and a plain `Repr`
//! ([`Repr`], [`icmp::Repr`], [`igmp::Repr`]) to parse and emit. Nothing allocates and no
//! input can make a parser panic.
//!
//! The host's IPv4 machines, sans-IO and bounded by storage the user gives:
//! [`reassembly::Reassembler`] (RFC 791 §3.2, RFC 1122 §3.3.2, RFC 5722's overlap rule),
//! [`fragment::Fragmenter`] (zero-copy fragmentation on send), the ICMP error rules,
//! builder and rate limiter in [`icmp`] (RFC 1122 §3.2.2, RFC 1812 §4.3.2),
//! [`igmp::Membership`] (RFC 2236 host) and the routing helpers in [`route`].
//!
//! ```
//! use unet_ipv4::{icmp, Packet, Repr};
//! // An ICMP echo request in an IPv4 header, from a real capture.
//! let bytes = [
//!     0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0xf6, 0xdc, 0xc0, 0x00,
//!     0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x08, 0x00, 0xf7, 0xfc, 0x00, 0x01, 0x00, 0x02,
//! ];
//! let ip = Packet::new_checked(&bytes[..]).unwrap();
//! let repr = Repr::parse(&ip).unwrap();
//! let msg = icmp::Packet::new_checked(ip.payload()).unwrap();
//! let echo = icmp::Repr::parse(&msg).unwrap();
//! assert_eq!(
//!     repr.with_payload(&echo).to_string(),
//!     "IP 192.0.2.1 > 192.0.2.2: ICMP echo request, id 1, seq 2, length 8"
//! );
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

// First, so that its `view!` macro is in scope in the modules below.
#[macro_use]
mod view;

pub mod fragment;
pub mod icmp;
pub mod igmp;
pub mod options;
pub mod packet;
pub mod reassembly;
mod repr;
pub mod route;

pub use options::{Ipv4Option, OptionType, Options, OptionsBuilder};
pub use packet::{Flags, Packet};
pub use repr::{Repr, WithPayload};

/// What a `Repr::parse_with` verifies beyond structure.
///
/// Captures taken on a host with checksum offload hold outgoing packets whose checksums the
/// NIC had yet to fill; reading those needs `Checks::OFFLOADED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checks {
    /// Verify checksums (IPv4 header, ICMP, IGMP).
    pub checksum: bool,
}

impl Checks {
    /// Every check (the default).
    pub const ALL: Checks = Checks { checksum: true };
    /// Structure only: checksums are not verified.
    pub const OFFLOADED: Checks = Checks { checksum: false };
}

impl Default for Checks {
    fn default() -> Checks {
        Checks::ALL
    }
}

#[cfg(test)]
mod tests;
