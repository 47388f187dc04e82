//! unet-core: what every unet protocol crate shares.
//!
//! - [`time`]: [`Instant`] and [`Duration`], always supplied by the caller (machines never
//!   read a clock).
//! - [`checksum`]: the Internet checksum (RFC 1071), word-at-a-time, with incremental update
//!   (RFC 1624) and the IPv4/IPv6 pseudo-header sums.
//! - [`rng`]: the [`Rng`] abstraction over `rand_core`, and a small seeded generator for tests.
//! - [`cursor`]: a bounds-checked [`Reader`] for parsing and a [`TxBuf`] that lets each layer
//!   write its header in front of the payload (headroom) without copying.
//! - [`ip`]: [`IpProtocol`] numbers and the [`IpAddress`] trait that lets UDP and TCP be
//!   written once for IPv4 and IPv6.
//! - [`error`]: [`WireError`], the typed reason a wire parser rejects bytes.
//! - [`rate`]: [`TokenBucket`], the rate limiter for anything that answers untrusted traffic.
//! - [`ports`]: RFC 6056 ephemeral port selection (Algorithm 4, SipHash-keyed), shared by UDP
//!   and TCP.
//! - [`machine`]: [`FrameMachine`], the shape a runner drives (frames in, frames out, timers).
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod checksum;
pub mod cursor;
pub mod error;
pub mod ip;
pub mod machine;
pub mod ports;
pub mod rate;
pub mod rng;
pub mod time;

pub use checksum::Checksum;
pub use cursor::{Reader, TxBuf};
pub use error::WireError;
pub use ip::{IpAddress, IpProtocol};
pub use machine::FrameMachine;
pub use rate::TokenBucket;
pub use rng::Rng;
pub use time::{Duration, Instant};
