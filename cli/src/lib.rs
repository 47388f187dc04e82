//! The `unet` command's library half: what the subcommands do, testable without a process.
//!
//! - [`decode`]: the dissector that walks every layer of a captured frame unet understands;
//! - [`commands`]: the subcommands (`unet decode`), writing to any `io::Write`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod commands;
pub mod decode;

/// The capture reader and writer, re-exported for users of the dissector (and the fuzz
/// targets, which depend on this crate only).
pub use unet_netif::pcap;
