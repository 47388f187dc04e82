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
use unet_tcp::{OptionSet, Repr, SackBlock, SackBlocks, Segment, SeqNumber, TcpFlags};
use unet_tcp::{TcpOptions, Timestamps};

use super::pair::{ring, wire, Conn, Wire};
use super::parse::{parse, Action, Field, SegSpec, Step};

pub const LOCAL_ISS: u32 = 0xffff_ff00;
pub const REMOTE_ISN: u32 = 0x1000_0000;
const LOCAL: Endpoint<Ipv4Addr> = Endpoint::new(Ipv4Addr::new(192, 0, 2, 1), 8080);
const REMOTE: Endpoint<Ipv4Addr> = Endpoint::new(Ipv4Addr::new(192, 0, 2, 2), 40000);

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
            "dup_acks" => k.dup_acks,
            "retransmits" => k.retransmitted_segments,
            "timeouts" => k.timeouts,
            "fast_retransmits" => k.fast_retransmits,
            "challenge_acks" => k.challenge_acks,
            "challenge_acks_suppressed" => k.challenge_acks_suppressed,
            "paws_rejected" => k.paws_rejected,
            "unacceptable" => k.unacceptable,
            "window_probes" => k.window_probes,
            "keepalive_probes" => k.keepalive_probes,
            "rst_sent" => k.rst_sent,
            "out_of_order" => k.out_of_order,
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

fn w_last(out: &VecDeque<(Instant, Wire)>) -> Wire {
    out.back().map(|(_, w)| w.clone()).expect("a segment")
}

/// The segment an inbound line describes, and its data.
fn build(spec: &SegSpec) -> (Repr<'static>, Vec<u8>) {
    let field = |f: Option<Field>| match f {
        Some(Field::Is(v)) => v,
        _ => 0,
    };
    let options = spec.options.as_ref().map_or(OptionSet::default(), |o| OptionSet {
        mss: o.mss,
        window_scale: o.wscale,
        sack_permitted: o.sack_permitted,
        timestamps: o
            .ts
            .map(|(val, ecr)| Timestamps { tsval: field(Some(val)), tsecr: field(Some(ecr)) }),
        sack_blocks: blocks(&o.sack, LOCAL_ISS),
    });
    let syn = u32::from(spec.flags.contains(TcpFlags::SYN));
    let first = spec.seq.wrapping_add(syn);
    let payload: Vec<u8> = (0..spec.len as u32).map(|i| pattern(first.wrapping_add(i))).collect();
    let repr = Repr {
        src_port: REMOTE.port,
        dst_port: LOCAL.port,
        seq_number: SeqNumber(REMOTE_ISN.wrapping_add(spec.seq)),
        ack_number: SeqNumber(LOCAL_ISS.wrapping_add(field(spec.ack))),
        flags: spec.flags,
        window_len: field(spec.win) as u16,
        urgent_pointer: field(spec.urg) as u16,
        options: TcpOptions::Typed(options),
        payload_len: payload.len(),
    };
    (repr, payload)
}

fn blocks(list: &[(u32, u32)], base: u32) -> SackBlocks {
    let mut out = SackBlocks::new();
    for &(l, r) in list {
        let _ = out.push(SackBlock {
            left: SeqNumber(base.wrapping_add(l)),
            right: SeqNumber(base.wrapping_add(r)),
        });
    }
    out
}

/// Why `w` (one of ours) does not match `spec`, if it does not.
fn mismatch(spec: &SegSpec, w: &Wire) -> Option<String> {
    let r = &w.repr;
    let seq = r.seq_number.0.wrapping_sub(LOCAL_ISS);
    let ack = r.ack_number.0.wrapping_sub(REMOTE_ISN);
    if r.flags != spec.flags {
        return Some("wrong flags".into());
    }
    if seq != spec.seq || r.payload_len != spec.len {
        return Some("wrong sequence range".into());
    }
    if let Some(a) = spec.ack {
        if !a.matches(ack) {
            return Some("wrong ack".into());
        }
    }
    if spec.win.is_some_and(|f| !f.matches(u32::from(r.window_len))) {
        return Some("wrong window".into());
    }
    if spec.urg.is_some_and(|f| !f.matches(u32::from(r.urgent_pointer))) {
        return Some("wrong urgent pointer".into());
    }
    let syn = u32::from(r.flags.contains(TcpFlags::SYN));
    for (i, b) in w.payload.iter().enumerate() {
        if *b != pattern(seq.wrapping_add(syn).wrapping_add(i as u32)) {
            return Some(format!("wrong data at byte {i}"));
        }
    }
    let Some(o) = &spec.options else { return None };
    let got = r.options.to_set();
    let ts_ok = match (o.ts, got.timestamps) {
        (None, None) => true,
        (Some((val, ecr)), Some(ts)) => val.matches(ts.tsval) && ecr.matches(ts.tsecr),
        _ => false,
    };
    let sack_ok = got.sack_blocks == blocks(&o.sack, REMOTE_ISN);
    if got.mss != o.mss
        || got.window_scale != o.wscale
        || got.sack_permitted != o.sack_permitted
        || !ts_ok
        || !sack_ok
    {
        return Some("wrong options".into());
    }
    None
}

/// One of our segments in script syntax.
pub fn render(w: &Wire) -> String {
    let r = &w.repr;
    let outbound = w.src == LOCAL.addr;
    let (seq_base, ack_base) =
        if outbound { (LOCAL_ISS, REMOTE_ISN) } else { (REMOTE_ISN, LOCAL_ISS) };
    let seq = r.seq_number.0.wrapping_sub(seq_base);
    let mut s = format!(
        "{} {} {}:{}({})",
        if outbound { '>' } else { '<' },
        flags(r.flags),
        seq,
        seq.wrapping_add(r.payload_len as u32),
        r.payload_len
    );
    if r.flags.contains(TcpFlags::ACK) {
        s += &format!(" ack {}", r.ack_number.0.wrapping_sub(ack_base));
    }
    s += &format!(" win {}", r.window_len);
    if r.flags.contains(TcpFlags::URG) {
        s += &format!(" urg {}", r.urgent_pointer);
    }
    let o = r.options.to_set();
    let mut items: Vec<String> = Vec::new();
    if let Some(m) = o.mss {
        items.push(format!("mss {m}"));
    }
    if o.sack_permitted {
        items.push("sackOK".into());
    }
    if let Some(ts) = o.timestamps {
        items.push(format!("TS val {} ecr {}", ts.tsval, ts.tsecr));
    }
    if let Some(w) = o.window_scale {
        items.push(format!("wscale {w}"));
    }
    if !o.sack_blocks.is_empty() {
        let b: Vec<String> = o
            .sack_blocks
            .as_slice()
            .iter()
            .map(|b| {
                format!("{}:{}", b.left.0.wrapping_sub(ack_base), b.right.0.wrapping_sub(ack_base))
            })
            .collect();
        items.push(format!("sack {}", b.join(" ")));
    }
    if !items.is_empty() {
        s += &format!(" <{}>", items.join(","));
    }
    s
}

fn render_spec(spec: &SegSpec, dir: char) -> String {
    let f = |f: Field| match f {
        Field::Any => "*".to_string(),
        Field::Is(v) => v.to_string(),
    };
    let mut s = format!(
        "{dir} {} {}:{}({})",
        flags(spec.flags),
        spec.seq,
        spec.seq.wrapping_add(spec.len as u32),
        spec.len
    );
    if let Some(a) = spec.ack {
        s += &format!(" ack {}", f(a));
    }
    if let Some(w) = spec.win {
        s += &format!(" win {}", f(w));
    }
    if let Some(u) = spec.urg {
        s += &format!(" urg {}", f(u));
    }
    if let Some(o) = &spec.options {
        let mut items: Vec<String> = Vec::new();
        if let Some(m) = o.mss {
            items.push(format!("mss {m}"));
        }
        if o.sack_permitted {
            items.push("sackOK".into());
        }
        if let Some((v, e)) = o.ts {
            items.push(format!("TS val {} ecr {}", f(v), f(e)));
        }
        if let Some(w) = o.wscale {
            items.push(format!("wscale {w}"));
        }
        if !o.sack.is_empty() {
            let b: Vec<String> = o.sack.iter().map(|(l, r)| format!("{l}:{r}")).collect();
            items.push(format!("sack {}", b.join(" ")));
        }
        s += &format!(" <{}>", items.join(","));
    }
    s
}

/// packetdrill's flag spelling: letters in the order S F R P U, then `.` for ACK.
fn flags(f: TcpFlags) -> String {
    let mut s = String::new();
    for (flag, c) in [
        (TcpFlags::SYN, 'S'),
        (TcpFlags::FIN, 'F'),
        (TcpFlags::RST, 'R'),
        (TcpFlags::PSH, 'P'),
        (TcpFlags::URG, 'U'),
        (TcpFlags::ECE, 'E'),
        (TcpFlags::CWR, 'W'),
        (TcpFlags::ACK, '.'),
    ] {
        if f.contains(flag) {
            s.push(c);
        }
    }
    s
}
