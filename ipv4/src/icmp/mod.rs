//! ICMP for IPv4 (RFC 792), with RFC 950 address masks, RFC 1191 next-hop MTU, RFC 1256
//! router discovery and RFC 4884 extensions (kept opaque).
//!
//! For a host's stack: [`may_send_error`] (RFC 1122 §3.2.2's "MUST NOT send" rules),
//! [`ErrorMessage`] (the errors a host sends, quoting at most 576 bytes),
//! [`IcmpRateLimiter`] and [`ReceivedError`] (a received error, read for the transport it
//! concerns).
//!
//! ```
//! use unet_ipv4::icmp::{Packet, Repr};
//! let repr = Repr::EchoRequest { ident: 1, seq_no: 2, data: b"ping" };
//! let mut buf = [0u8; 12];
//! repr.emit(&mut Packet::new_unchecked(&mut buf[..])).unwrap();
//! let packet = Packet::new_checked(&buf[..]).unwrap();
//! assert_eq!(Repr::parse(&packet), Ok(repr));
//! assert_eq!(repr.to_string(), "ICMP echo request, id 1, seq 2, length 12");
//! ```

mod display;
mod errors;
#[cfg(test)]
mod errors_tests;
mod original;
mod packet;
mod quote;
mod rate;
mod repr;
mod router;
#[cfg(test)]
mod tests;
mod types;

pub use errors::{may_send_error, ErrorKind, ErrorMessage, Suppressed, DEFAULT_TTL, MAX_ERROR_LEN};
pub use original::Original;
pub use packet::{Packet, HEADER_LEN};
pub use quote::ReceivedError;
pub use rate::IcmpRateLimiter;
pub use repr::Repr;
pub use router::{RouterEntries, RouterEntry};
pub use types::{ParamProblem, Redirect, TimeExceeded, Type, Unreachable};
