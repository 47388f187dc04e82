//! unet over a TAP device against the Linux kernel: one TCP bulk transfer with the kernel
//! as the peer, measured exactly as `smoltcp_tap_bulk` measures smoltcp
//! (benches/scripts/tcp_tap.sh runs both in the same namespace).
//!
//! ```text
//! unet_tap_bulk --tap NAME (--connect ADDR:PORT | --listen PORT) (--send N | --recv N)
//!               [--ip 192.0.2.2/24] [--mac 02:00:00:00:00:02] [--buffer B]
//! ```
//!
//! A unet [`Stack`] runs under [`unet_netif::Runner`] on [`unet_netif::Tap`] (as `unet
//! host` runs it), with unet-stack's default TCP configuration and its default storage
//! except for the TCP connection slots, whose receive and send buffers are `B` bytes (default
//! 64K). The application copies through a buffer of its own of the same size. `--send`
//! writes `N` bytes of the harness's source data and closes; `--recv` reads until the peer
//! closes and checks that exactly `N` bytes with the source data's hash arrived.
//! `--connect` retries for 10 s while the peer refuses.
//!
//! Output, one line: `role=send|recv bytes=… secs=… gbit_per_s=…`, timed from the
//! connection's establishment to the last byte received (`--recv`) or acknowledged with
//! the FIN (`--send`); then a second line with the connection's segment and
//! retransmission counters.

use std::net::SocketAddrV4;
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::{Duration, Instant as StdInstant};

use unet_benches::bulk::{expected_hash, gbit_per_s, Source, StreamHash};
use unet_core::Instant;
use unet_netif::{NetIf, Runner, Tap};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::tcp::Endpoint;
use unet_stack::{Config, ListenerHandle, Stack, Storage, TcpError, TcpHandle, TcpInfo};

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

fn parse_mac(s: &str) -> Result<[u8; 6], String> {
    let mut mac = [0u8; 6];
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() != 6 {
        return Err(format!("bad MAC {s:?}"));
    }
    for (b, p) in mac.iter_mut().zip(parts) {
        *b = u8::from_str_radix(p, 16).map_err(|e| format!("bad MAC {s:?}: {e}"))?;
    }
    Ok(mac)
}

#[derive(Clone, Copy)]
enum Open {
    Connect(SocketAddrV4),
    Listen(u16),
}

struct Options {
    tap: String,
    cidr: String,
    mac: [u8; 6],
    open: Open,
    send: bool,
    bytes: u64,
    buffer: usize,
}

fn parse_args() -> Result<Options, String> {
    let (mut tap, mut open, mut dir, mut buffer) = (None, None, None, 64usize << 10);
    let (mut cidr, mut mac) = ("192.0.2.2/24".to_string(), [2, 0, 0, 0, 0, 2]);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--tap" => tap = Some(v.clone()),
            "--ip" => cidr = v.clone(),
            "--mac" => mac = parse_mac(v)?,
            "--connect" => {
                open = Some(Open::Connect(v.parse().map_err(|e| format!("--connect: {e}"))?))
            }
            "--listen" => {
                open = Some(Open::Listen(v.parse().map_err(|e| format!("--listen: {e}"))?))
            }
            "--send" => dir = Some((true, parse_size(v)?)),
            "--recv" => dir = Some((false, parse_size(v)?)),
            "--buffer" => {
                buffer = usize::try_from(parse_size(v)?).map_err(|e| e.to_string())?.max(1)
            }
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    let usage = "needs --tap NAME, --connect ADDR:PORT or --listen PORT, --send N or --recv N";
    let (tap, open, (send, bytes)) = match (tap, open, dir) {
        (Some(t), Some(o), Some(d)) => (t, o, d),
        _ => return Err(usage.into()),
    };
    Ok(Options { tap, cidr, mac, open, send, bytes, buffer })
}

/// The application's side of the transfer, called by the runner at every turn.
struct App {
    open: Open,
    listener: Option<ListenerHandle>,
    handle: Option<TcpHandle>,
    send: bool,
    closed: bool,
    bytes: u64,
    source: Source,
    hash: StreamHash,
    buf: Vec<u8>,
    done: u64,
    /// When the connection was seen established, and when the transfer ended.
    started: Option<StdInstant>,
    finished: Option<StdInstant>,
    retry_at: Option<StdInstant>,
    connect_until: StdInstant,
    deadline: StdInstant,
    info: Option<TcpInfo>,
    error: Option<String>,
}

impl App {
    fn open(&mut self, s: &mut Stack<'static>, now: Instant) -> Result<(), String> {
        match self.open {
            Open::Connect(remote) => {
                let remote = Endpoint::new(*remote.ip(), remote.port());
                self.handle =
                    Some(s.tcp_connect(now, remote, None).map_err(|e| format!("connect: {e}"))?);
            }
            Open::Listen(port) => {
                self.listener = Some(s.tcp_listen(port, 1).map_err(|e| format!("listen: {e}"))?);
            }
        }
        Ok(())
    }

    fn turn(&mut self, s: &mut Stack<'static>, now: Instant) -> Result<ControlFlow<()>, String> {
        while s.poll_event().is_some() {}
        let wall = StdInstant::now();
        if wall > self.deadline {
            return Err(format!("timed out after {} of {} bytes", self.done, self.bytes));
        }
        if self.handle.is_none() {
            if let Some(l) = self.listener {
                self.handle = s.tcp_accept(now, l);
            }
        }
        if let (Some(t), Some(h)) = (self.retry_at, self.handle) {
            if wall >= t {
                // Refused (the peer is not listening yet): try again.
                self.retry_at = None;
                let _ = s.tcp_close(now, h);
                self.handle = None;
                self.open(s, now)?;
            }
            return Ok(ControlFlow::Continue(()));
        }
        let Some(h) = self.handle else { return Ok(ControlFlow::Continue(())) };
        let state = s.tcp_state(h).ok();
        if let Ok(info) = s.tcp_info(h) {
            self.info = Some(info);
        }
        if self.started.is_none() {
            match state {
                Some(State::Established | State::CloseWait) => self.started = Some(wall),
                Some(State::Closed) if wall < self.connect_until => {
                    self.retry_at = Some(wall + Duration::from_millis(100));
                    return Ok(ControlFlow::Continue(()));
                }
                Some(State::Closed) => return Err("the peer refused the connection".into()),
                _ => return Ok(ControlFlow::Continue(())),
            }
        }
        if self.send {
            while self.done < self.bytes {
                // The application fills its own buffer, then hands it to the socket.
                let chunk = self.source.peek((self.bytes - self.done).min(self.buf.len() as u64));
                let n = chunk.len();
                self.buf[..n].copy_from_slice(chunk);
                let sent = s.tcp_send(h, &self.buf[..n]).map_err(|e| format!("send: {e}"))?;
                self.source.advance(sent);
                self.done += sent as u64;
                if sent < n {
                    break;
                }
            }
            if self.done == self.bytes && !self.closed {
                s.tcp_close(now, h).map_err(|e| format!("close: {e}"))?;
                self.closed = true;
            }
            // After tcp_close the stack keeps answering tcp_state until the slot goes.
            let state = s.tcp_state(h).ok();
            let acked =
                matches!(state, Some(State::FinWait2 | State::TimeWait | State::Closed) | None);
            if self.finished.is_none() && self.closed && acked {
                self.finished = Some(wall);
            }
            if matches!(state, Some(State::TimeWait | State::Closed) | None) {
                if self.finished.is_none() {
                    return Err(format!("connection reset after {} bytes", self.done));
                }
                return Ok(ControlFlow::Break(()));
            }
        } else {
            if !self.closed {
                loop {
                    match s.tcp_recv(h, &mut self.buf) {
                        Ok(0) => break,
                        Ok(n) => {
                            self.hash.update(&self.buf[..n]);
                            self.done += n as u64;
                        }
                        Err(TcpError::Connection(ConnError::Finished)) => {
                            self.finished.get_or_insert(wall);
                            s.tcp_close(now, h).map_err(|e| format!("close: {e}"))?;
                            self.closed = true;
                            break;
                        }
                        Err(e) => return Err(format!("receive after {} bytes: {e}", self.done)),
                    }
                }
            }
            let state = s.tcp_state(h).ok();
            if self.closed && matches!(state, Some(State::Closed | State::TimeWait) | None) {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    }
}

fn run(o: Options) -> Result<(), String> {
    let mut tap = Tap::open(&o.tap, o.mac).map_err(|e| format!("TAP {}: {e}", o.tap))?;
    let runner = Runner::new();
    let cidr = o.cidr.parse().map_err(|_| format!("--ip: bad address {:?}", o.cidr))?;
    let mut config = Config::new(EthernetAddress(o.mac)).with_ipv4(cidr);
    config.mtu = tap.mtu();
    config.acd = false;
    config.seed = u64::from(std::process::id());
    let storage = Storage {
        tcp_connections: Storage::tcp_slots(4, o.buffer, o.buffer),
        ..Storage::with_defaults()
    };
    let mut stack = Stack::new(config, storage, runner.clock_ref().now());
    let now = StdInstant::now();
    let mut app = App {
        open: o.open,
        listener: None,
        handle: None,
        send: o.send,
        closed: false,
        bytes: o.bytes,
        source: Source::new(),
        hash: StreamHash::new(),
        buf: vec![0; o.buffer],
        done: 0,
        started: None,
        finished: None,
        retry_at: None,
        connect_until: now + Duration::from_secs(10),
        deadline: now + Duration::from_secs(300),
        info: None,
        error: None,
    };
    app.open(&mut stack, runner.clock_ref().now())?;
    // The last ACK of our FIN (sender) or of the peer's (receiver) is still queued when
    // the app says Break: the runner sends pending transmits before returning.
    runner
        .run(&mut tap, &mut stack, |s, now| match app.turn(s, now) {
            Ok(flow) => flow,
            Err(e) => {
                app.error = Some(e);
                ControlFlow::Break(())
            }
        })
        .map_err(|e| format!("TAP {}: {e}", o.tap))?;
    if let Some(e) = app.error {
        return Err(e);
    }
    let (Some(start), Some(end)) = (app.started, app.finished) else {
        return Err("the transfer did not complete".into());
    };
    if app.done != o.bytes {
        return Err(format!("moved {} bytes, expected {}", app.done, o.bytes));
    }
    if !o.send && app.hash.finish() != expected_hash(o.bytes) {
        return Err("received stream differs from the source data".into());
    }
    let elapsed = end - start;
    println!(
        "role={} bytes={} secs={:.6} gbit_per_s={:.3}",
        if o.send { "send" } else { "recv" },
        o.bytes,
        elapsed.as_secs_f64(),
        gbit_per_s(o.bytes, elapsed)
    );
    if let Some(i) = app.info {
        let c = i.counters;
        println!(
            "segments_out={} segments_in={} retransmitted={} timeouts={} fast_retransmits={}",
            c.segments_out, c.segments_in, c.retransmitted_segments, c.timeouts, c.fast_retransmits
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("unet_tap_bulk: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_macs_parse() {
        assert_eq!(parse_size("64K"), Ok(65536));
        assert_eq!(parse_size("3"), Ok(3));
        assert!(parse_size("x").is_err());
        assert_eq!(parse_mac("02:00:00:00:00:0a"), Ok([2, 0, 0, 0, 0, 10]));
        assert!(parse_mac("02:00").is_err());
    }
}
