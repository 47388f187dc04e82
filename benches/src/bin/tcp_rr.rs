//! TCP request/response rates with the kernel's TCP as the client (benches/scripts/
//! host_rates.sh, issue 5 item 3), against any echo server: `unet host --tcp-echo` over
//! TAP, or this program's own `server` (the kernel) across a veth pair.
//!
//! ```text
//! tcp_rr server ADDR:PORT
//! tcp_rr rr ADDR:PORT [--size N] [--secs T]
//! tcp_rr crr ADDR:PORT [--size N] [--secs T]
//! ```
//!
//! `rr`: one connection (TCP_NODELAY), then for `T` seconds: write an `N`-byte request,
//! read the whole `N`-byte echo back (transactions per second). `crr`: for `T` seconds:
//! connect, one `N`-byte request and its echo, close (connection setups per second; the
//! client closes first and keeps TIME-WAIT, as clients do). Both print one line:
//! `mode=… size=… count=… secs=… rate=…/s`. An echo that differs from the request fails
//! the command. `server` echoes every connection on its own thread until the peer closes.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tcp_rr: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let usage = "usage: tcp_rr server ADDR:PORT | rr|crr ADDR:PORT [--size N] [--secs T]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, addr) = match args.as_slice() {
        [m, a, ..] => (m.as_str(), a.parse::<SocketAddr>().map_err(|e| format!("{a}: {e}"))?),
        _ => return Err(usage.into()),
    };
    let (mut size, mut secs) = (1usize, 5.0f64);
    let mut it = args[2..].iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--size" => size = value.parse().map_err(|e| format!("--size: {e}"))?,
            "--secs" => secs = value.parse().map_err(|e| format!("--secs: {e}"))?,
            _ => return Err(format!("unknown option {flag}\n{usage}")),
        }
    }
    let size = size.max(1);
    let secs = Duration::from_secs_f64(secs);
    match mode {
        "server" => server(addr),
        "rr" => report("rr", size, rr(addr, size, secs)?),
        "crr" => report("crr", size, crr(addr, size, secs)?),
        _ => Err(usage.into()),
    }
}

fn report(mode: &str, size: usize, (count, elapsed): (u64, Duration)) -> Result<(), String> {
    let secs = elapsed.as_secs_f64();
    println!(
        "mode={mode} size={size} count={count} secs={secs:.3} rate={:.0}/s",
        count as f64 / secs
    );
    Ok(())
}

fn server(addr: SocketAddr) -> Result<(), String> {
    let listener = TcpListener::bind(addr).map_err(|e| format!("bind {addr}: {e}"))?;
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        std::thread::spawn(move || {
            let _ = stream.set_nodelay(true);
            let mut buf = vec![0u8; 65536];
            while let Ok(n @ 1..) = stream.read(&mut buf) {
                if stream.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

/// Connects, retrying for 10 s while the server is not up yet.
fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
            Ok(s) => {
                s.set_nodelay(true).map_err(|e| e.to_string())?;
                s.set_read_timeout(Some(Duration::from_secs(5))).map_err(|e| e.to_string())?;
                return Ok(s);
            }
            Err(e) if Instant::now() >= deadline => return Err(format!("connect {addr}: {e}")),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// One request and its whole echo, checked.
fn transaction(s: &mut TcpStream, request: &[u8], reply: &mut [u8]) -> Result<(), String> {
    s.write_all(request).map_err(|e| format!("write: {e}"))?;
    s.read_exact(reply).map_err(|e| format!("read: {e}"))?;
    if reply != request {
        return Err("the echo differs from the request".into());
    }
    Ok(())
}

fn pattern(size: usize, seed: u64) -> Vec<u8> {
    (0..size).map(|i| (i as u64).wrapping_mul(31).wrapping_add(seed) as u8).collect()
}

fn rr(addr: SocketAddr, size: usize, secs: Duration) -> Result<(u64, Duration), String> {
    let mut s = connect(addr)?;
    let mut reply = vec![0u8; size];
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < secs {
        let request = pattern(size, count);
        transaction(&mut s, &request, &mut reply)
            .map_err(|e| format!("transaction {count}: {e}"))?;
        count += 1;
    }
    Ok((count, start.elapsed()))
}

fn crr(addr: SocketAddr, size: usize, secs: Duration) -> Result<(u64, Duration), String> {
    let request = pattern(size, 7);
    let mut reply = vec![0u8; size];
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < secs {
        let mut s = connect(addr).map_err(|e| format!("connection {count}: {e}"))?;
        transaction(&mut s, &request, &mut reply)
            .map_err(|e| format!("connection {count}: {e}"))?;
        drop(s);
        count += 1;
    }
    Ok((count, start.elapsed()))
}
