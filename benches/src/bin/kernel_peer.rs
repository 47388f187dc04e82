//! The Linux kernel's TCP as the peer of a bulk transfer (benches/scripts/tcp_tap.sh): it
//! sinks or sources `N` bytes of the harness's source data (`unet_benches::bulk`) over one
//! connection and reports its own throughput.
//!
//! ```text
//! kernel_peer listen ADDR:PORT (--sink N | --source N) [--chunk C]
//! kernel_peer connect ADDR:PORT (--sink N | --source N) [--chunk C]
//! ```
//!
//! `listen` accepts one connection; `connect` retries for 10 s while the peer is not up
//! yet. `--sink` reads until the peer closes, checks that exactly `N` bytes arrived with the
//! source data's hash, and closes. `--source` writes `N` bytes, shuts its sending half down,
//! and waits for the peer to close, so that its time covers delivery. The application
//! copies through a buffer of `C` bytes (default 64K). Sizes take `K`, `M`, `G` suffixes.
//!
//! Output, one line: `role=sink|source bytes=… secs=… gbit_per_s=…`, timed from the
//! connection's establishment (accept or connect returning) to the end of the transfer.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use unet_benches::bulk::{expected_hash, gbit_per_s, Source, StreamHash};

fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.as_bytes().last() {
        Some(b'K' | b'k') => (&s[..s.len() - 1], 10),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 20),
        Some(b'G' | b'g') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    let n: u64 = digits.parse().map_err(|e| format!("bad size {s:?}: {e}"))?;
    n.checked_mul(1 << shift).ok_or_else(|| format!("size {s:?} too large"))
}

enum Role {
    Sink(u64),
    Source(u64),
}

/// Reads to the end; the hash of what arrived.
fn sink(stream: &mut TcpStream, bytes: u64, chunk: usize) -> Result<u64, String> {
    let mut buf = vec![0u8; chunk];
    let mut hash = StreamHash::new();
    let mut received = 0u64;
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hash.update(&buf[..n]);
                received += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("read after {received} bytes: {e}")),
        }
    }
    if received != bytes {
        return Err(format!("received {received} bytes, expected {bytes}"));
    }
    Ok(hash.finish())
}

fn source(stream: &mut TcpStream, bytes: u64, chunk: usize) -> Result<(), String> {
    let mut src = Source::new();
    let mut buf = vec![0u8; chunk];
    let mut sent = 0u64;
    while sent < bytes {
        // Copy into the application's own buffer first, as the other side's harness does.
        let mut filled = 0;
        while filled < chunk && sent + (filled as u64) < bytes {
            let part = src.peek((bytes - sent - filled as u64).min((chunk - filled) as u64));
            buf[filled..filled + part.len()].copy_from_slice(part);
            let n = part.len();
            src.advance(n);
            filled += n;
        }
        stream.write_all(&buf[..filled]).map_err(|e| format!("write after {sent} bytes: {e}"))?;
        sent += filled as u64;
    }
    stream.shutdown(Shutdown::Write).map_err(|e| format!("shutdown: {e}"))?;
    // The peer closes once it has everything: wait for that.
    let mut rest = [0u8; 64];
    loop {
        match stream.read(&mut rest) {
            Ok(0) => return Ok(()),
            Ok(_) => return Err("the sink sent data back".into()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("waiting for the sink to close: {e}")),
        }
    }
}

fn connect_with_retry(addr: SocketAddr) -> Result<TcpStream, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() >= deadline => return Err(format!("connect {addr}: {e}")),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: kernel_peer listen|connect ADDR:PORT (--sink N | --source N) [--chunk C]";
    let (mode, addr) = match (args.first(), args.get(1)) {
        (Some(m), Some(a)) => (m.as_str(), a),
        _ => return Err(usage.into()),
    };
    let addr: SocketAddr = addr.parse().map_err(|e| format!("bad address {addr}: {e}"))?;
    let (mut role, mut chunk) = (None, 64usize << 10);
    let mut it = args[2..].iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--sink" => role = Some(Role::Sink(parse_size(value)?)),
            "--source" => role = Some(Role::Source(parse_size(value)?)),
            "--chunk" => {
                chunk = usize::try_from(parse_size(value)?).map_err(|e| e.to_string())?.max(1)
            }
            _ => return Err(format!("unknown option {flag}\n{usage}")),
        }
    }
    let role = role.ok_or(usage)?;
    let mut stream = match mode {
        "listen" => {
            let listener = TcpListener::bind(addr).map_err(|e| format!("bind {addr}: {e}"))?;
            listener.accept().map_err(|e| format!("accept: {e}"))?.0
        }
        "connect" => connect_with_retry(addr)?,
        _ => return Err(usage.into()),
    };
    let start = Instant::now();
    let (name, bytes, hash) = match role {
        Role::Sink(n) => ("sink", n, Some(sink(&mut stream, n, chunk)?)),
        Role::Source(n) => {
            source(&mut stream, n, chunk)?;
            ("source", n, None)
        }
    };
    let elapsed = start.elapsed();
    // Checked outside the timed part: the hash the source data should have.
    if hash.is_some_and(|h| h != expected_hash(bytes)) {
        return Err("received stream differs from the source data".into());
    }
    println!(
        "role={name} bytes={bytes} secs={:.6} gbit_per_s={:.3}",
        elapsed.as_secs_f64(),
        gbit_per_s(bytes, elapsed)
    );
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kernel_peer: {e}");
            ExitCode::FAILURE
        }
    }
}
