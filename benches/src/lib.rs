//! Shared helpers for unet's benchmarks.
#![forbid(unsafe_code)]
