//! Helpers shared by unet's integration tests: the bundled capture corpus and its frames, and
//! network namespaces for interop tests with real peers.
#![forbid(unsafe_code)]

pub mod bridge;
pub mod netns;
pub mod replay;

use std::path::{Path, PathBuf};

use unet_netif::pcap::{CaptureReader, CapturedFrame, PcapError};

/// The folder holding the captures copied from the shared corpus (see its SOURCES.md).
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus").join("pcap")
}

/// Every capture of the corpus (`*.pcap` and `*.pcapng`), sorted by name.
pub fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|ext| ext == "pcap" || ext == "pcapng"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The file name of `path`, for messages and tables.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Every frame of the capture at `path`, or the first error.
pub fn read_frames(path: &Path) -> Result<Vec<CapturedFrame>, PcapError> {
    CaptureReader::open(path)?.collect()
}
