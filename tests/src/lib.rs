//! Helpers shared by unet's integration tests (paths to the bundled capture corpus).
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// The folder holding the captures copied from the shared corpus (see its SOURCES.md).
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus").join("pcap")
}
