//! A UDP echo client and server for side-by-side rate measurements
//! (benches/scripts/ipv4_host.sh): the same client against `unet host --udp-echo` over TAP
//! and against this server in the kernel across a veth pair.
//!
//! ```text
//! udp_echo server ADDR:PORT
//! udp_echo client ADDR:PORT [--secs T] [--size N] [--window W]
//! ```
//!
//! The client keeps `W` requests outstanding (1: a closed loop, one at a time) for `T`
//! seconds; each answered request is replaced by a new one. A request unanswered for
//! 100 ms is counted lost and replaced. It prints one line:
//! `answered=… lost=… secs=… rate=…/s rtt_avg_us=…`.

use std::collections::VecDeque;
use std::net::{SocketAddr, UdpSocket};
use std::process::ExitCode;
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("server") => args.get(1).ok_or("server needs ADDR:PORT".into()).and_then(|a| server(a)),
        Some("client") => client(&args[1..]),
        _ => Err("usage: udp_echo server ADDR:PORT | client ADDR:PORT [--secs T] [--size N] [--window W]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("udp_echo: {e}");
            ExitCode::FAILURE
        }
    }
}

fn server(addr: &str) -> Result<(), String> {
    let sock = UdpSocket::bind(addr).map_err(|e| format!("bind {addr}: {e}"))?;
    let mut buf = vec![0u8; 65536];
    loop {
        let (n, peer) = sock.recv_from(&mut buf).map_err(|e| e.to_string())?;
        // A full socket buffer on the way back just loses the echo, as a network would.
        let _ = sock.send_to(&buf[..n], peer);
    }
}

fn client(args: &[String]) -> Result<(), String> {
    let target: SocketAddr = args
        .first()
        .ok_or("client needs ADDR:PORT")?
        .parse()
        .map_err(|e| format!("bad address: {e}"))?;
    let (mut secs, mut size, mut window) = (5.0f64, 64usize, 1usize);
    let mut it = args[1..].iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--secs" => secs = value.parse().map_err(|e| format!("--secs: {e}"))?,
            "--size" => size = value.parse().map_err(|e| format!("--size: {e}"))?,
            "--window" => window = value.parse().map_err(|e| format!("--window: {e}"))?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let size = size.max(8);
    let window = window.max(1);
    let sock = UdpSocket::bind("0.0.0.0:0").map_err(|e| e.to_string())?;
    sock.connect(target).map_err(|e| e.to_string())?;
    sock.set_read_timeout(Some(Duration::from_millis(10))).map_err(|e| e.to_string())?;
    let lost_after = Duration::from_millis(100);
    let mut out = vec![0u8; size];
    let mut buf = vec![0u8; 65536];
    // Outstanding requests: sequence number and when each was sent, oldest first.
    let mut outstanding: VecDeque<(u64, Instant)> = VecDeque::new();
    let (mut next_seq, mut answered, mut lost) = (0u64, 0u64, 0u64);
    let mut rtt_total = Duration::ZERO;
    let start = Instant::now();
    let end = start + Duration::from_secs_f64(secs);
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        while outstanding.front().is_some_and(|(_, t)| now.duration_since(*t) > lost_after) {
            outstanding.pop_front();
            lost += 1;
        }
        while outstanding.len() < window {
            out[..8].copy_from_slice(&next_seq.to_be_bytes());
            // Timed from before the call: on a veth pair the kernel may run the whole
            // path to the server within send(2).
            let sent = Instant::now();
            match sock.send(&out) {
                Ok(_) => outstanding.push_back((next_seq, sent)),
                // ECONNREFUSED from an earlier ICMP error, or a full buffer: try later.
                Err(_) => break,
            }
            next_seq += 1;
        }
        match sock.recv(&mut buf) {
            Ok(n) if n == size => {
                let seq = u64::from_be_bytes(buf[..8].try_into().unwrap_or_default());
                if let Some(pos) = outstanding.iter().position(|(s, _)| *s == seq) {
                    if let Some((_, sent)) = outstanding.remove(pos) {
                        rtt_total += sent.elapsed();
                        answered += 1;
                    }
                }
            }
            Ok(_) | Err(_) => {}
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rtt_avg_us = (rtt_total.as_micros() as u64).checked_div(answered).unwrap_or(0);
    println!(
        "answered={answered} lost={lost} secs={elapsed:.2} rate={:.0}/s rtt_avg_us={rtt_avg_us}",
        answered as f64 / elapsed
    );
    Ok(())
}
