//! TCP bulk throughput between two stacks in one process over the in-memory link, for
//! scripts that take medians over repeated runs (the criterion bench `tcp_bulk` measures
//! the same thing).
//!
//! ```text
//! tcp_bulk [--stack smoltcp|unet] [--bytes N] [--buffer B] [--runs R]
//! ```
//!
//! Sizes take a `K`, `M` or `G` suffix (powers of 1024). Defaults: 256M bytes, 64K
//! buffers, 1 run. Each run is one new connection on the same pair of stacks; it prints
//! `stack=… bytes=… buffer=… secs=… gbit_per_s=…`, and with several runs a last line
//! `median gbit_per_s=… min=… max=…`. A run whose received stream does not hash to the
//! source's fails the command.

use std::process::ExitCode;

use unet_benches::bulk::{expected_hash, gbit_per_s, timed_transfer, BulkPair};
use unet_benches::smoltcp_bulk::SmoltcpPair;
use unet_benches::unet_bulk::UnetPair;

/// Parses `123`, `64K`, `256M`, `1G` (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, mult) = match s.as_bytes().last() {
        Some(b'K' | b'k') => (&s[..s.len() - 1], 1u64 << 10),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 1 << 20),
        Some(b'G' | b'g') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    let n: u64 = digits.parse().map_err(|e| format!("bad size {s:?}: {e}"))?;
    n.checked_mul(mult).ok_or_else(|| format!("size {s:?} too large"))
}

struct Options {
    stack: String,
    bytes: u64,
    buffer: usize,
    runs: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options { stack: "smoltcp".into(), bytes: 256 << 20, buffer: 64 << 10, runs: 1 };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--stack" => o.stack = value.clone(),
            "--bytes" => o.bytes = parse_size(value)?,
            "--buffer" => {
                o.buffer = usize::try_from(parse_size(value)?).map_err(|e| e.to_string())?
            }
            "--runs" => o.runs = value.parse().map_err(|e| format!("--runs: {e}"))?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if o.buffer == 0 || o.runs == 0 {
        return Err("--buffer and --runs must be at least 1".into());
    }
    Ok(o)
}

fn run<P: BulkPair>(o: &Options) -> Result<(), String> {
    let expected = expected_hash(o.bytes);
    let mut pair = P::new(o.buffer);
    let mut rates = Vec::with_capacity(o.runs);
    for _ in 0..o.runs {
        let elapsed = timed_transfer(&mut pair, o.bytes, expected)?;
        let rate = gbit_per_s(o.bytes, elapsed);
        println!(
            "stack={} bytes={} buffer={} secs={:.6} gbit_per_s={rate:.3}",
            o.stack,
            o.bytes,
            o.buffer,
            elapsed.as_secs_f64()
        );
        rates.push(rate);
    }
    if rates.len() > 1 {
        rates.sort_by(f64::total_cmp);
        let mid = rates.len() / 2;
        let median =
            if rates.len() % 2 == 1 { rates[mid] } else { (rates[mid - 1] + rates[mid]) / 2.0 };
        println!(
            "median gbit_per_s={median:.3} min={:.3} max={:.3}",
            rates[0],
            rates[rates.len() - 1]
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|o| match o.stack.as_str() {
        "smoltcp" => run::<SmoltcpPair>(&o),
        "unet" => run::<UnetPair>(&o),
        other => Err(format!("unknown stack {other:?} (known: smoltcp, unet)")),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp_bulk: {e}");
            ExitCode::FAILURE
        }
    }
}
