//! `unet decode FILE [-v]`: every frame of a capture, one line each, as unet's parsers see
//! it.
//!
//! A line is the frame number, the timestamp (seconds since the epoch, with as many digits
//! as the file records: 6 or 9), then each layer's one-liner joined by ` | `. A layer whose
//! checksum does not verify is marked as tcpdump does, `[bad cksum 0x0000 -> 0xb404]`, and
//! decoding goes on into its payload (captures of a host's own traffic hold checksums the
//! NIC had yet to fill in); `-v` prints every verified checksum, `cksum 0xb404 (correct)`.
//! A frame a layer refuses ends with that layer's name and typed reason,
//! `[ipv4: truncated]`, and decoding goes on with the next frame. A file that is not a capture, or that is cut or
//! corrupt, ends the command with an error after the frames read so far.

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::decode::{dissect, Dissection, Options, Outcome};
use crate::pcap::{CaptureReader, CapturedFrame, PcapError, TimestampPrecision};

/// Arguments of `unet decode`.
#[derive(Debug, Clone, Args)]
pub struct DecodeArgs {
    /// The pcap or pcapng file to read.
    pub file: PathBuf,
    /// Also print every field of every layer, one layer per indented line.
    #[arg(short, long)]
    pub verbose: bool,
    /// Stop after this many frames.
    #[arg(short = 'c', long, value_name = "N")]
    pub count: Option<usize>,
    /// Do not verify checksums, nor mark those that do not verify.
    #[arg(long)]
    pub no_checksum: bool,
}

/// What a run saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeSummary {
    /// Frames read.
    pub frames: usize,
    /// Frames every layer of which decoded.
    pub complete: usize,
    /// Frames with a layer whose checksum did not verify (counted in `complete` or
    /// `stopped` as well).
    pub bad_checksum: usize,
    /// Frames a layer refused (printed with its reason).
    pub stopped: usize,
    /// Frames skipped for a link type unet does not decode.
    pub unsupported: usize,
}

/// Why `unet decode` failed.
#[derive(Debug)]
pub enum DecodeError {
    /// The capture could not be opened or read to its end.
    Capture(PcapError),
    /// Writing the output failed.
    Output(io::Error),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Capture(e) => e.fmt(f),
            DecodeError::Output(e) => write!(f, "writing output: {e}"),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DecodeError::Capture(e) => Some(e),
            DecodeError::Output(e) => Some(e),
        }
    }
}

/// `1700000000.123456` or, for a nanosecond capture, `1700000000.123456789`.
pub fn format_timestamp(t: Duration, precision: TimestampPrecision) -> String {
    match precision {
        TimestampPrecision::Micros => format!("{}.{:06}", t.as_secs(), t.subsec_micros()),
        TimestampPrecision::Nanos => format!("{}.{:09}", t.as_secs(), t.subsec_nanos()),
    }
}

/// Writes one frame: its line and, with `verbose`, every layer's fields.
pub fn write_frame(
    out: &mut dyn Write,
    number: usize,
    frame: &CapturedFrame,
    dissection: &Dissection,
    verbose: bool,
) -> io::Result<()> {
    let ts = format_timestamp(frame.timestamp, frame.precision);
    writeln!(out, "{number} {ts} {}", dissection.line())?;
    if verbose {
        writeln!(
            out,
            "    frame {number}: {} bytes captured of {} on the wire, {}",
            frame.data.len(),
            frame.original_len,
            frame.link_type
        )?;
        for layer in &dissection.layers {
            // A multi-line form (DNS prints dig's sections) continues further in; blank
            // separator lines are dropped so every detail line stays indented.
            let mut indent = "    ";
            for line in layer.verbose.lines().filter(|l| !l.trim().is_empty()) {
                writeln!(out, "{indent}{line}")?;
                indent = "        ";
            }
        }
        if let Outcome::Stopped(stop) = dissection.outcome {
            writeln!(out, "    {stop} at offset {}", stop.offset)?;
        }
    }
    Ok(())
}

/// Runs `unet decode` with `args`, printing to `out`.
pub fn run(args: &DecodeArgs, out: &mut dyn Write) -> Result<DecodeSummary, DecodeError> {
    let reader = CaptureReader::open(&args.file).map_err(DecodeError::Capture)?;
    let options = Options { skip_checksums: args.no_checksum };
    let mut summary = DecodeSummary::default();
    for item in reader {
        if args.count.is_some_and(|n| summary.frames >= n) {
            break;
        }
        summary.frames = summary.frames.saturating_add(1);
        let number = summary.frames;
        match item {
            Ok(frame) => {
                let dissection = dissect(frame.link_type, &frame.data, options);
                if dissection.bad_checksums().next().is_some() {
                    summary.bad_checksum = summary.bad_checksum.saturating_add(1);
                }
                if dissection.outcome.is_complete() {
                    summary.complete = summary.complete.saturating_add(1);
                } else {
                    summary.stopped = summary.stopped.saturating_add(1);
                }
                write_frame(out, number, &frame, &dissection, args.verbose)
                    .map_err(DecodeError::Output)?;
            }
            Err(e) if !e.is_fatal() => {
                summary.unsupported = summary.unsupported.saturating_add(1);
                writeln!(out, "{number} [{e}]").map_err(DecodeError::Output)?;
            }
            Err(e) => {
                out.flush().map_err(DecodeError::Output)?;
                return Err(DecodeError::Capture(e));
            }
        }
    }
    out.flush().map_err(DecodeError::Output)?;
    Ok(summary)
}
