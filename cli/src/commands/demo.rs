//! `unet demo [--seed N] [--pcap FILE] [--quiet-wire] [--tap]`: the README's main job.
//!
//! Without `--tap`: unet hosts on an in-memory switch in virtual time ([`crate::demo`]),
//! a transcript on stdout and a capture of every frame. With `--tap` (root): a unet host
//! in a network namespace and the kernel's tools talking to it ([`crate::demo::tap`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::demo::{self, DemoError, DemoOptions};

/// The capture's default file name.
pub const DEFAULT_PCAP: &str = "unet-demo.pcap";

/// Arguments of `unet demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Seed of the simulation (link faults, the stacks' generators): same seed, same run.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Where to write the capture [default: ./unet-demo.pcap, or the temporary directory
    /// if the current one is not writable].
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// Do not print the frames on the wire, only what the hosts report.
    #[arg(long)]
    pub quiet_wire: bool,
    /// Needs root: run a unet host in a fresh network namespace on a TAP device and let the
    /// Linux kernel's ping, arping and socat talk to it.
    #[arg(long)]
    pub tap: bool,
}

/// How a demo ended.
#[derive(Debug)]
pub enum DemoOutcome {
    /// Every scene completed; the capture is at the path.
    Complete(PathBuf),
    /// Some scenes did not complete (named); the capture is at the path.
    Incomplete(Vec<&'static str>, PathBuf),
}

/// Creates the capture at `path`, or, for the default path in a directory we cannot write,
/// in the temporary directory.
fn capture_path(asked: Option<&Path>) -> PathBuf {
    if let Some(p) = asked {
        return p.to_path_buf();
    }
    let here = PathBuf::from(DEFAULT_PCAP);
    match std::fs::OpenOptions::new().create(true).append(true).open(&here) {
        Ok(_) => here,
        Err(_) => std::env::temp_dir().join(DEFAULT_PCAP),
    }
}

/// Runs the in-memory demo, printing to `out`.
pub fn run(args: &DemoArgs, out: &mut dyn Write) -> Result<DemoOutcome, DemoError> {
    let options = DemoOptions { seed: args.seed, wire: !args.quiet_wire };
    let (summary, frames) = demo::run(&options, out)?;
    let path = capture_path(args.pcap.as_deref());
    demo::write_pcap(&path, &frames)
        .map_err(|error| DemoError::Pcap { path: path.clone(), error })?;
    let shown = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let p = shown.display();
    let lines = [
        String::new(),
        format!(
            "capture: {} frames written to {p} (pcap, opens in Wireshark and tcpdump)",
            frames.len()
        ),
        format!("view it: unet decode {p}     (or: tcpdump -nr {p})"),
    ];
    for l in lines {
        writeln!(out, "{l}").map_err(DemoError::Output)?;
    }
    out.flush().map_err(DemoError::Output)?;
    Ok(if summary.failed.is_empty() {
        DemoOutcome::Complete(path)
    } else {
        DemoOutcome::Incomplete(summary.failed, path)
    })
}

/// `unet demo --tap`: returns the exit status.
#[cfg(target_os = "linux")]
pub fn run_tap(args: &DemoArgs, out: &mut dyn Write) -> std::process::ExitCode {
    let path = args.pcap.clone().unwrap_or_else(|| capture_path(None));
    match demo::tap::run(&path, out) {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("unet demo --tap: some steps did not go as expected (see above)");
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("unet demo --tap: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
