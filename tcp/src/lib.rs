//! unet: TCP (RFC 9293) wire format and options, for IPv4 and IPv6.
//!
//! Written once for both IP versions: checksums take the addresses as any
//! [`unet_core::IpAddress`], which supplies the pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1).
//!
//! - [`Segment`] (also named [`Packet`]): a zero-copy view over a segment's bytes.
//! - [`Repr`]: the header as plain values, to parse and to emit; its [`TcpOptions`] are
//!   either the raw bytes of a received segment (re-emitted exactly) or an [`OptionSet`]
//!   of typed values (emitted in Linux's canonical layout).
//! - [`TcpOption`], [`OptionIter`]: single options (RFC 9293 §3.2, RFC 7323, RFC 2018).
//! - [`TcpFlags`]: the control bits; [`SeqNumber`]: modular sequence numbers (§3.4).
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod assembler;
pub mod buffer;
pub mod congestion;
pub mod conn;
mod display;
pub mod flags;
pub mod isn;
pub mod listener;
pub mod option;
pub mod options;
pub mod repr;
pub mod rtt;
pub mod sack;
pub mod scoreboard;
pub mod segment;
pub mod seq;
pub mod syncookie;

#[cfg(test)]
mod tests;

pub use assembler::Assembler;
pub use buffer::RingBuffer;
pub use congestion::{Congestion, CongestionConfig, CongestionControl};
pub use conn::{Connection, Endpoint};
pub use flags::TcpFlags;
pub use isn::IsnGenerator;
pub use listener::{Listener, ListenerConfig};
pub use option::{OptionIter, SackBlock, SackBlocks, TcpOption, TcpOptionKind, Timestamps};
pub use options::{Layout, OptionSet, Options, TcpOptions, MAX_OPTIONS_LEN};
pub use repr::Repr;
pub use rtt::{RttConfig, RttEstimator};
pub use scoreboard::Scoreboard;
pub use segment::{Packet, Segment, HEADER_LEN, MAX_HEADER_LEN};
pub use seq::SeqNumber;
pub use syncookie::SynCookies;
