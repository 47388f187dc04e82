//! smoltcp 0.14 over a TAP device against the Linux kernel: one TCP bulk transfer with
//! the kernel as the peer (benches/scripts/tcp_tap.sh runs it in a network namespace).
//!
//! ```text
//! smoltcp_tap_bulk --tap NAME (--connect ADDR:PORT | --listen PORT) (--send N | --recv N)
//!                  [--ip 192.0.2.2/24] [--mac 02:00:00:00:00:02] [--buffer B]
//! ```
//!
//! smoltcp runs as a [`FrameMachine`](unet_core::FrameMachine)
//! ([`SmoltcpMachine`]) under [`unet_netif::Runner`] on [`unet_netif::Tap`]: the event loop
//! and driver unet's host uses, so that only the stacks differ. Its TCP socket has receive
//! and send buffers of `B` bytes (default 64K); the application copies through a buffer of
//! its own of the same size. `--send` writes `N` bytes of the harness's source data and
//! closes; `--recv` reads until the peer closes and checks that exactly `N` bytes with the
//! source data's hash arrived. `--connect` retries for 10 s while the peer refuses.
//!
//! Output, one line: `role=send|recv bytes=… secs=… gbit_per_s=…`, timed from the
//! connection's establishment to the last byte received (`--recv`) or acknowledged with
//! the FIN (`--send`).

use std::net::{Ipv4Addr, SocketAddrV4};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::{Duration, Instant as StdInstant};

use smoltcp::iface::SocketHandle;
use smoltcp::socket::tcp::{self, State};
use unet_benches::bulk::{expected_hash, gbit_per_s, Source, StreamHash};
use unet_benches::smoltcp_machine::SmoltcpMachine;
use unet_netif::{NetIf, Runner, Tap};

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

enum Open {
    Connect(SocketAddrV4),
    Listen(u16),
}

struct Options {
    tap: String,
    ip: Ipv4Addr,
    prefix: u8,
    mac: [u8; 6],
    open: Open,
    send: bool,
    bytes: u64,
    buffer: usize,
}

fn parse_args() -> Result<Options, String> {
    let (mut tap, mut open, mut dir, mut buffer) = (None, None, None, 64usize << 10);
    let (mut ip, mut prefix, mut mac) = (Ipv4Addr::new(192, 0, 2, 2), 24, [2, 0, 0, 0, 0, 2]);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--tap" => tap = Some(v.clone()),
            "--ip" => {
                let (a, p) = v.split_once('/').ok_or("--ip wants ADDR/PREFIX")?;
                ip = a.parse().map_err(|e| format!("--ip: {e}"))?;
                prefix = p.parse().map_err(|e| format!("--ip prefix: {e}"))?;
            }
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
    Ok(Options { tap, ip, prefix, mac, open, send, bytes, buffer })
}

/// The application's side of the transfer, called by the runner at every turn.
struct App {
    handle: SocketHandle,
    open: Open,
    send: bool,
    bytes: u64,
    source: Source,
    hash: StreamHash,
    buf: Vec<u8>,
    done: u64,
    local_port: u16,
    /// When the connection was seen established, and when the transfer ended.
    started: Option<StdInstant>,
    finished: Option<StdInstant>,
    retry_at: Option<StdInstant>,
    deadline: StdInstant,
    error: Option<String>,
}

impl App {
    fn open(&mut self, m: &mut SmoltcpMachine) -> Result<(), String> {
        match self.open {
            Open::Connect(remote) => {
                self.local_port =
                    if self.local_port >= 65000 { 49152 } else { self.local_port + 1 };
                m.connect(self.handle, remote, self.local_port).map_err(|e| format!("connect: {e}"))
            }
            Open::Listen(port) => {
                m.tcp(self.handle).listen(port).map_err(|e| format!("listen: {e}"))
            }
        }
    }

    fn turn(&mut self, m: &mut SmoltcpMachine) -> Result<ControlFlow<()>, String> {
        let now = StdInstant::now();
        if now > self.deadline {
            return Err(format!("timed out after {} of {} bytes", self.done, self.bytes));
        }
        let s = m.tcp(self.handle);
        if self.started.is_none() {
            match s.state() {
                State::Established => self.started = Some(now),
                State::Closed if self.retry_at.is_some_and(|t| now >= t) => {
                    self.retry_at = None;
                    self.open(m)?;
                    return Ok(ControlFlow::Continue(()));
                }
                // Refused (the peer is not listening yet): try again shortly.
                State::Closed if self.retry_at.is_none() => {
                    self.retry_at = Some(now + Duration::from_millis(100));
                    return Ok(ControlFlow::Continue(()));
                }
                _ => return Ok(ControlFlow::Continue(())),
            }
        }
        let s = m.tcp(self.handle);
        if self.send {
            while self.done < self.bytes && s.can_send() {
                // The application fills its own buffer, then hands it to the socket.
                let chunk = self.source.peek((self.bytes - self.done).min(self.buf.len() as u64));
                let n = chunk.len();
                self.buf[..n].copy_from_slice(chunk);
                let sent = s.send_slice(&self.buf[..n]).map_err(|e| format!("send: {e}"))?;
                self.source.advance(sent);
                self.done += sent as u64;
                if sent < n {
                    break;
                }
            }
            if self.done == self.bytes && s.may_send() {
                s.close();
            }
            let acked = matches!(s.state(), State::FinWait2 | State::TimeWait | State::Closed);
            if self.finished.is_none() && self.done == self.bytes && acked {
                self.finished = Some(now);
            }
            if s.state() == State::Closed && self.finished.is_none() {
                return Err(format!("connection reset after {} bytes", self.done));
            }
            if matches!(s.state(), State::TimeWait | State::Closed) {
                return Ok(ControlFlow::Break(()));
            }
        } else {
            loop {
                match s.recv_slice(&mut self.buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        self.hash.update(&self.buf[..n]);
                        self.done += n as u64;
                    }
                    Err(tcp::RecvError::Finished) => {
                        self.finished.get_or_insert(now);
                        s.close();
                        break;
                    }
                    Err(tcp::RecvError::InvalidState) => {
                        return Err(format!("connection reset after {} bytes", self.done));
                    }
                }
            }
            if self.finished.is_some()
                && matches!(s.state(), State::Closed | State::TimeWait | State::LastAck)
            {
                return Ok(ControlFlow::Break(()));
            }
        }
        Ok(ControlFlow::Continue(()))
    }
}

fn run(o: Options) -> Result<(), String> {
    let mut tap = Tap::open(&o.tap, o.mac).map_err(|e| format!("TAP {}: {e}", o.tap))?;
    let runner = Runner::new();
    let mut machine =
        SmoltcpMachine::new(o.mac, o.ip, o.prefix, tap.mtu(), runner.clock_ref().now());
    let handle = machine.add_tcp(o.buffer);
    let mut app = App {
        handle,
        open: o.open,
        send: o.send,
        bytes: o.bytes,
        source: Source::new(),
        hash: StreamHash::new(),
        buf: vec![0; o.buffer],
        done: 0,
        local_port: 49152 + (std::process::id() % 10_000) as u16,
        started: None,
        finished: None,
        retry_at: None,
        deadline: StdInstant::now() + Duration::from_secs(300),
        error: None,
    };
    app.open(&mut machine)?;
    runner
        .run(&mut tap, &mut machine, |m, _now| match app.turn(m) {
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
    Ok(())
}

fn main() -> ExitCode {
    match parse_args().and_then(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("smoltcp_tap_bulk: {e}");
            ExitCode::FAILURE
        }
    }
}
