//! ICMP for IPv4 (RFC 792), with RFC 950 address masks, RFC 1191 next-hop MTU, RFC 1256
//! router discovery and RFC 4884 extensions (kept opaque).
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
mod original;
mod packet;
mod repr;
mod router;
#[cfg(test)]
mod tests;
mod types;

pub use original::Original;
pub use packet::{Packet, HEADER_LEN};
pub use repr::Repr;
pub use router::{RouterEntries, RouterEntry};
pub use types::{ParamProblem, Redirect, TimeExceeded, Type, Unreachable};
