//! The `unet` command's library half: what the subcommands do, testable without a process.
//!
//! - [`decode`]: the dissector that walks every layer of a captured frame unet understands;
//! - [`host`]: the pieces of `unet host` (settings, UDP echo and TCP applications, log,
//!   signals);
//! - [`demo`]: `unet demo`, hosts on an in-memory switch in virtual time, and its `--tap`
//!   mode against the Linux kernel;
//! - [`commands`]: the subcommands (`unet decode`, `unet host`, `unet demo`), writing to
//!   any `io::Write`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod commands;
pub mod decode;
pub mod demo;
pub mod dhcp_server;
pub mod dns_server;
pub mod host;

/// The capture reader and writer, re-exported for users of the dissector (and the fuzz
/// targets, which depend on this crate only).
pub use unet_netif::pcap;
