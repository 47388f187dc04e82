//! The subcommands of `unet`, each a function over its parsed arguments and an output.
//!
//! Only `decode` exists today; `host`, `demo` and the servers join as the stack grows, each
//! as a module here and a variant of [`Command`].

pub mod decode;

use clap::Subcommand;

/// A `unet` subcommand and its arguments.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every frame of a pcap or pcapng capture, one line per frame, tcpdump-style.
    Decode(decode::DecodeArgs),
}
