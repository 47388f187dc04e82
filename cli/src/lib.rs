//! The `unet` command's library half: what the subcommands do, testable without a process.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
