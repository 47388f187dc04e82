//! `unet demo`: unet hosts talking to each other on an in-memory switch, in virtual time,
//! with a transcript of what they do and a capture of every frame.
//!
//! Without privileges and deterministic for a seed. The demo is a list of [`SCENES`], each
//! a small function over the [`World`] (TCP's in `scenes/tcp.rs`); later protocols (DHCP,
//! DNS) add theirs. With `--tap` ([`tap`]) a unet host runs in a fresh network namespace
//! instead and the Linux kernel's own tools talk to it.

mod capture;
mod digest;
mod scenes;
#[cfg(target_os = "linux")]
pub mod tap;
mod transcript;
mod world;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;

use unet_netif::sim::SimError;

pub use capture::write_pcap;
pub use scenes::{Scene, SCENES};
pub use transcript::{describe, Transcript};
pub use world::{DemoHost, HostId, Turn, World, LINK_DELAY};

/// The hosts every scene may use, added by the first scene.
pub const ALPHA: HostId = 0;
/// The second host.
pub const BRAVO: HostId = 1;
/// The third host.
pub const CHARLIE: HostId = 2;

/// How to run the demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Seed of the switch's faults and the stacks' generators.
    pub seed: u64,
    /// Print every frame on the wire.
    pub wire: bool,
}

/// What a demo run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Scenes that did not complete within their time (empty when all went well).
    pub failed: Vec<&'static str>,
    /// Frames that crossed the switch (all in the capture).
    pub frames: usize,
}

/// Why the demo could not run.
#[derive(Debug)]
#[non_exhaustive]
pub enum DemoError {
    /// Writing the transcript failed.
    Output(std::io::Error),
    /// The simulation stopped (a livelock or a driver failure: a bug).
    Sim(SimError),
    /// A scene could not set itself up (a bug).
    Setup(String),
    /// The capture could not be written.
    Pcap {
        /// The file.
        path: PathBuf,
        /// Why.
        error: unet_netif::pcap::PcapError,
    },
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::Output(e) => write!(f, "writing the transcript: {e}"),
            DemoError::Sim(e) => write!(f, "simulation: {e}"),
            DemoError::Setup(e) => write!(f, "setting up: {e}"),
            DemoError::Pcap { path, error } => write!(f, "writing {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for DemoError {}

/// Runs every scene, writing the transcript to `out`; returns the summary and every frame
/// that crossed the switch (for [`write_pcap`]).
pub fn run(
    options: &DemoOptions,
    out: &mut dyn Write,
) -> Result<(DemoSummary, Vec<unet_netif::memory::MirroredFrame>), DemoError> {
    let mut world = World::new(options.seed, Transcript::new(out, options.wire));
    world.log.raw(&format!(
        "unet demo: unet hosts on an in-memory switch, in virtual time (seed {})",
        options.seed
    ));
    if options.wire {
        world.log.raw("   lines with '>' are frames on the wire, as `unet decode` reads them");
    }
    let mut failed = Vec::new();
    for (i, scene) in SCENES.iter().enumerate() {
        world.log.heading(i + 1, scene.title);
        if !(scene.run)(&mut world)? {
            world.log.note(&format!("!! scene '{}' did not complete", scene.name));
            failed.push(scene.name);
        }
    }
    let frames = world.log.finish().map_err(DemoError::Output)?;
    Ok((DemoSummary { failed, frames: frames.len() }, frames))
}
