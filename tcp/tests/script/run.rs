//! Runs a script (see `parse`) against one connection on a fake clock.
//!
//! Our end is 192.0.2.1:8080, the peer 192.0.2.2:40000. Our ISS is `LOCAL_ISS` and the
//! peer's `REMOTE_ISN` (both chosen so that sequence numbers wrap during a script); the
//! script's numbers are relative to them. Our TSval clock reads the script time in
//! milliseconds. A segment for no connection (before `listen`/`connect`, or after the
//! connection closed) is answered as the stack would, with `reset_for`.

use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::string::{String, ToString};
use std::vec::Vec;

use unet_core::{Duration, Instant};
use unet_tcp::conn::{reset_for, Config, Connection, Endpoint, Error, IcmpError, Open};
use unet_tcp::{Repr, Segment, SeqNumber, TcpFlags};

use super::pair::{ring, wire, Conn, Wire};
use super::parse::{parse, Action, SegSpec, Step};
use super::render::{build, mismatch, render, render_spec, w_last};

pub const LOCAL_ISS: u32 = 0xffff_ff00;
pub const REMOTE_ISN: u32 = 0x1000_0000;
pub const LOCAL: Endpoint<Ipv4Addr> = Endpoint::new(Ipv4Addr::new(192, 0, 2, 1), 8080);
pub const REMOTE: Endpoint<Ipv4Addr> = Endpoint::new(Ipv4Addr::new(192, 0, 2, 2), 40000);

/// The data byte at relative sequence number `r` (either direction).
pub fn pattern(r: u32) -> u8 {
    (r % 251) as u8
}

struct Runner {
    config: Config,
    rcvbuf: usize,
    sndbuf: usize,
    conn: Option<Conn>,
    listening: bool,
    now: Instant,
    out: VecDeque<(Instant, Wire)>,
    /// Bytes the application has read / queued so far.
    read: u32,
    queued: u32,
    tolerance: Duration,
}

/// Runs the script text; `Err` is a readable report of the first failure.
pub fn run(name: &str, script: &str) -> Result<(), String> {
    let steps = parse(script).map_err(|e| format!("{name}: {e}"))?;
    let mut r = Runner {
        config: Config { rtt: unet_tcp::rtt::RttConfig::RFC6298, ..Config::default() },
        rcvbuf: 65535,
        sndbuf: 65535,
        conn: None,
        listening: false,
        now: Instant::ZERO,
        out: VecDeque::new(),
        read: 0,
        queued: 0,
        tolerance: Duration::from_millis(1),
    };
    let mut time = 0.0f64;
    for step in &steps {
        time = if step.relative { time + step.time } else { step.time };
        let at = Instant::from_micros((time * 1e6).round() as u64);
        r.step(at, step).map_err(|e| format!("{name}:{}: `{}`\n{e}", step.line, step.text))?;
    }
    if let Some((t, w)) = r.out.front() {
        return Err(format!("{name}: at the end, unexpected segment at {t}:\n    {}", render(w)));
    }
    Ok(())
}

impl Runner {
    fn step(&mut self, at: Instant, step: &Step) -> Result<(), String> {
        self.advance(at);
        match &step.action {
            Action::Inject(spec) => {
                if let Some((t, w)) = self.out.front() {
                    return Err(format!(
                        "unexpected segment at {t} before this one:\n    {}",
                        render(w)
                    ));
                }
                self.inject(spec)
            }
            Action::Expect(spec) => self.expect(at, spec),
            Action::Call(name, args) => self.call(name, args),
        }?;
        self.drain();
        Ok(())
    }

    /// Moves the clock to `at`, firing every timer due on the way.
    fn advance(&mut self, at: Instant) {
        loop {
            let due = self.conn.as_ref().and_then(|c| c.poll_timeout()).filter(|&t| t <= at);
            let Some(t) = due else { break };
            self.now = self.now.max(t);
            if let Some(c) = self.conn.as_mut() {
                c.handle_timeout(self.now);
            }
            self.drain();
            if self.conn.as_ref().and_then(|c| c.poll_timeout()) == Some(t) && t == self.now {
                // A timer that stays due without effect would loop forever.
                break;
            }
        }
        self.now = self.now.max(at);
        self.drain();
    }

    fn drain(&mut self) {
        let now = self.now;
        if let Some(c) = self.conn.as_mut() {
            while let Some(t) = c.poll_transmit(now) {
                let w = wire(c, &t);
                self.out.push_back((now, w));
                assert!(
                    self.out.len() < 10_000,
                    "runaway transmit: {}",
                    render(&w_last(&self.out))
                );
            }
        }
    }

    fn inject(&mut self, spec: &SegSpec) -> Result<(), String> {
        let (repr, payload) = build(spec);
        // Through the wire format, as the stack would see it.
        let mut buf = vec![0u8; repr.buffer_len()];
        let header_len = repr.header_len();
        buf[header_len..].copy_from_slice(&payload);
        repr.emit(&mut Segment::new_unchecked(&mut buf[..]), &REMOTE.addr, &LOCAL.addr)
            .map_err(|e| format!("cannot emit: {e}"))?;
        let segment = Segment::new_checked(&buf[..]).map_err(|e| e.to_string())?;
        let parsed = Repr::parse(&segment, &REMOTE.addr, &LOCAL.addr).map_err(|e| e.to_string())?;
        let data = &buf[header_len..];
        let open = self.conn.as_ref().is_some_and(|c| c.state() != unet_tcp::conn::State::Closed);
        if open {
            let now = self.now;
            let _ = self.conn.as_mut().map(|c| c.handle_segment(now, &parsed, data));
            return Ok(());
        }
        let syn_only =
            parsed.flags & (TcpFlags::SYN | TcpFlags::ACK | TcpFlags::RST) == TcpFlags::SYN;
        if self.listening && syn_only {
            let open =
                Open { local: LOCAL, remote: REMOTE, iss: SeqNumber(LOCAL_ISS), ts_offset: 0 };
            let conn = Connection::accept_syn(
                self.now,
                self.config,
                open,
                &parsed,
                ring(self.rcvbuf),
                ring(self.sndbuf),
            )
            .map_err(|e| e.to_string())?;
            self.conn = Some(conn);
            self.listening = false;
            return Ok(());
        }
        if let Some(rst) = reset_for(&parsed) {
            let w = Wire { src: LOCAL.addr, dst: REMOTE.addr, repr: rst, payload: Vec::new() };
            self.out.push_back((self.now, w));
        }
        Ok(())
    }

    fn expect(&mut self, at: Instant, spec: &SegSpec) -> Result<(), String> {
        let wanted = render_spec(spec, '>');
        let Some((t, w)) = self.out.pop_front() else {
            let next = self.conn.as_ref().and_then(|c| c.poll_timeout());
            let next = next.map_or("none".to_string(), |t| t.to_string());
            return Err(format!(
                "expected at {at}\n    {wanted}\n  but nothing was sent (next timer: {next})"
            ));
        };
        let late = t.saturating_duration_since(at).max(at.saturating_duration_since(t));
        let mut why = mismatch(spec, &w);
        if why.is_none() && late > self.tolerance {
            why = Some("wrong time".to_string());
        }
        if let Some(why) = why {
            return Err(format!(
                "{why}: expected at {at}\n    {wanted}\n  got at {t}\n    {}",
                render(&w)
            ));
        }
        Ok(())
    }

    fn conn(&mut self) -> Result<&mut Conn, String> {
        self.conn.as_mut().ok_or_else(|| "no connection".to_string())
    }

    fn call(&mut self, name: &str, args: &[String]) -> Result<(), String> {
        let arg = |i: usize| -> Result<&str, String> {
            args.get(i)
                .map(String::as_str)
                .ok_or_else(|| format!("`{name}` needs argument {}", i + 1))
        };
        let num = |i: usize| -> Result<u64, String> {
            arg(i)?.parse().map_err(|_| format!("`{name}`: bad number"))
        };
        let now = self.now;
        match name {
            "config" => return self.configure(arg(0)?, args.get(1..).unwrap_or(&[])),
            "listen" => self.listening = true,
            "connect" => {
                let open =
                    Open { local: LOCAL, remote: REMOTE, iss: SeqNumber(LOCAL_ISS), ts_offset: 0 };
                self.conn = Some(Connection::connect(
                    now,
                    self.config,
                    open,
                    ring(self.rcvbuf),
                    ring(self.sndbuf),
                ));
            }
            "send" | "send_urgent" => {
                let n = num(0)? as u32;
                let data: Vec<u8> = (0..n).map(|i| pattern(self.queued + 1 + i)).collect();
                let urgent = name == "send_urgent";
                let c = self.conn()?;
                let took = if urgent { c.send_urgent(&data) } else { c.send(&data) }
                    .map_err(|e| format!("send: {e}"))?;
                if took != data.len() {
                    return Err(format!("send took {took} of {n} bytes"));
                }
                self.queued += n;
            }
            "recv" => {
                let n = num(0)? as usize;
                let mut buf = vec![0u8; n + 1];
                let got = self.conn()?.recv(&mut buf).map_err(|e| format!("recv: {e}"))?;
                if got != n {
                    return Err(format!("recv got {got} bytes, expected {n}"));
                }
                for (i, b) in buf[..n].iter().enumerate() {
                    let want = pattern(self.read + 1 + i as u32);
                    if *b != want {
                        return Err(format!("recv: byte {i} is {b}, expected {want}"));
                    }
                }
                self.read += n as u32;
            }
            "recv_eof" => match self.conn()?.recv(&mut [0u8; 16]) {
                Err(Error::Finished) => {}
                other => return Err(format!("expected end of data, got {other:?}")),
            },
            "recv_err" => {
                let got = self.conn()?.recv(&mut [0u8; 16]);
                if format!("{got:?}") != format!("Err({})", arg(0)?) {
                    return Err(format!("expected Err({}), got {got:?}", arg(0)?));
                }
            }
            "shutdown" => self.conn()?.shutdown().map_err(|e| e.to_string())?,
            "close" => self.conn()?.close(now).map_err(|e| e.to_string())?,
            "abort" => self.conn()?.abort(now),
            "nagle" => {
                let on = arg(0)? == "on";
                self.conn()?.set_nagle(on);
            }
            "state" => {
                let state = self.conn()?.state().to_string();
                if state != arg(0)? {
                    return Err(format!("state is {state}, expected {}", arg(0)?));
                }
            }
            "event" => {
                let want = arg(0)?.to_string();
                let c = self.conn()?;
                let mut seen = Vec::new();
                loop {
                    match c.poll_event() {
                        Some(e) if format!("{e:?}") == want => break,
                        Some(e) => seen.push(e),
                        None => return Err(format!("no event {want}; events were {seen:?}")),
                    }
                }
            }
            "no_event" => {
                let want = arg(0)?.to_string();
                let c = self.conn()?;
                while let Some(e) = c.poll_event() {
                    if format!("{e:?}") == want {
                        return Err(format!("unexpected event {want}"));
                    }
                }
            }
            "icmp" => {
                let seq = SeqNumber(LOCAL_ISS.wrapping_add(num(1)? as u32));
                let error = match arg(0)? {
                    "frag_needed" => IcmpError::PacketTooBig { mtu: num(2)? as u16 },
                    "hard" => IcmpError::HardUnreachable,
                    _ => IcmpError::SoftError,
                };
                let _ = self.conn()?.handle_icmp_error(now, error, seq);
            }
            "assert" => {
                let want = num(1)?;
                let got = self.observe(arg(0)?)?;
                if got != want {
                    return Err(format!("{} is {got}, expected {want}", arg(0)?));
                }
            }
            other => return Err(format!("unknown call `{other}`")),
        }
        Ok(())
    }

    fn observe(&mut self, what: &str) -> Result<u64, String> {
        let c = self.conn()?;
        let k = c.counters();
        Ok(match what {
            "cwnd" => u64::from(c.cwnd()),
            "ssthresh" => u64::from(c.ssthresh()),
            "mss" => u64::from(c.mss()),
            "snd_wnd" => u64::from(c.snd_wnd()),
            "rto_ms" => c.rto().as_millis(),
            "in_flight" => u64::from(c.bytes_in_flight()),
            "send_queue" => c.send_queue() as u64,
            "recv_queue" => c.recv_queue() as u64,
            "wscale_snd" => u64::from(c.window_scales().0),
            "wscale_rcv" => u64::from(c.window_scales().1),
            "urgent_len" => c.urgent_len() as u64,
            "dup_acks" => u64::from(k.dup_acks),
            "retransmits" => u64::from(k.retransmitted_segments),
            "timeouts" => u64::from(k.timeouts),
            "fast_retransmits" => u64::from(k.fast_retransmits),
            "challenge_acks" => u64::from(k.challenge_acks),
            "challenge_acks_suppressed" => u64::from(k.challenge_acks_suppressed),
            "paws_rejected" => u64::from(k.paws_rejected),
            "unacceptable" => u64::from(k.unacceptable),
            "window_probes" => u64::from(k.window_probes),
            "keepalive_probes" => u64::from(k.keepalive_probes),
            "rst_sent" => u64::from(k.rst_sent),
            "out_of_order" => u64::from(k.out_of_order),
            other => return Err(format!("unknown observable `{other}`")),
        })
    }

    fn configure(&mut self, key: &str, args: &[String]) -> Result<(), String> {
        let v = |i: usize| -> Result<&str, String> {
            args.get(i).map(String::as_str).ok_or_else(|| format!("config {key}: missing value"))
        };
        let n = |i: usize| -> Result<u64, String> {
            v(i)?.parse().map_err(|_| format!("config {key}: bad number"))
        };
        let on = |i: usize| -> Result<bool, String> { Ok(v(i)? == "on") };
        let ms = |i: usize| -> Result<Duration, String> { Ok(Duration::from_millis(n(i)?)) };
        let c = &mut self.config;
        match key {
            "mss" => c.mss = n(0)? as u16,
            "rcvbuf" => self.rcvbuf = n(0)? as usize,
            "sndbuf" => self.sndbuf = n(0)? as usize,
            "nagle" => c.nagle = on(0)?,
            "sack" => c.sack = on(0)?,
            "ts" => c.timestamps = on(0)?,
            "wscale" => c.window_scaling = on(0)?,
            "ack_delay" => c.ack_delay = if v(0)? == "off" { None } else { Some(ms(0)?) },
            "time_wait" => c.time_wait = ms(0)?,
            "user_timeout" => c.user_timeout = ms(0)?,
            "syn_retries" => c.syn_retries = n(0)? as u8,
            "min_rto" => c.rtt.min_rto = ms(0)?,
            "challenge_acks" => {
                c.challenge_ack_interval = ms(0)?;
                c.challenge_ack_burst = n(1)? as u32;
            }
            "keepalive" => {
                c.keep_alive = Some(unet_tcp::conn::KeepAlive {
                    idle: ms(0)?,
                    interval: ms(1)?,
                    count: n(2)? as u8,
                })
            }
            "congestion" => {
                c.congestion.algorithm = match v(0)? {
                    "reno" => unet_tcp::congestion::Algorithm::Reno,
                    _ => unet_tcp::congestion::Algorithm::Cubic,
                }
            }
            "tolerance_ms" => self.tolerance = ms(0)?,
            other => return Err(format!("unknown config `{other}`")),
        }
        Ok(())
    }
}
