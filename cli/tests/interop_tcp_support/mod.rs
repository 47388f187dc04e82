//! Shared by the TCP interop tests: the namespace and its devices, the documented source
//! pattern (the bytes `unet host --tcp-source` sends, benches' `Source` too), and a unet
//! [`Stack`] run in this process on a TAP device of the namespace ([`InProcess`]), with
//! small TCP applications: source, discard and echo servers and an upload/download client.
//!
//! The in-process stack runs under unet's host runner ([`Runner`]) on its own thread, the
//! way `unet host` runs it; the test thread asks it for connections and reads what every
//! connection did ([`ConnReport`]: bytes, pattern mismatches, ending, `TcpInfo` with the
//! retransmission counters) through a shared state. Its TAP device is created in this
//! process's namespace and moved into the test's ([`tap_in_namespace`]), so no code has to
//! enter the namespace.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant as StdInstant};

use unet_core::Instant;
use unet_netif::{Clock, RunStats, Runner, Tap};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::tcp::Endpoint;
use unet_stack::{Config, Counters, ListenerHandle, Stack, Storage, TcpError, TcpHandle, TcpInfo};
use unet_tests::bridge::tap_in_namespace;

#[path = "../host_support/mod.rs"]
mod host_support;
use host_support::Launch;
// Not every test crate uses each of them.
#[allow(unused_imports)]
pub use host_support::{HostLog, UnetHost, UNET, UNET_IP};
pub use unet_tests::netns::{have_root, Netns};

/// unet's MAC address.
pub const UNET_MAC: [u8; 6] = [0x02, 0x00, 0x5e, 0x00, 0x02, 0x02];
/// [`UNET_MAC`] as `unet host --mac` takes it.
pub const UNET_MAC_TEXT: &str = "02:00:5e:00:02:02";
/// The kernel's address.
pub const KERNEL_IP: &str = "192.0.2.1";

// ----- the pattern -----

// The documented pattern `unet host --tcp-source` sends (cli/src/host/pattern.rs).
pub use unet::host::pattern::{fill, pattern, PATTERN_LEN};

/// Bytes of `data` (found at `offset` of the stream) that differ from the pattern.
pub fn mismatches(offset: u64, data: &[u8]) -> u64 {
    let p = pattern();
    let mut at = (offset % PATTERN_LEN as u64) as usize;
    let mut bad = 0;
    for b in data {
        bad += u64::from(*b != p[at]);
        at += 1;
        if at == PATTERN_LEN {
            at = 0;
        }
    }
    bad
}

/// A file holding the first `n` bytes of the stream (kernel clients send it), and its
/// SHA-256 as `sha256sum` prints it. Deleted when dropped.
pub struct PatternFile {
    pub path: PathBuf,
    pub sha256: String,
}

impl PatternFile {
    pub fn new(n: usize) -> PatternFile {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir()
            .join(format!("unet-tcp-pattern-{}-{k}-{n}.bin", std::process::id()));
        let mut data = vec![0u8; n];
        fill(0, &mut data);
        std::fs::write(&path, &data).expect("write the pattern file");
        let out = std::process::Command::new("sha256sum").arg(&path).output().expect("sha256sum");
        let sha256 = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .expect("a sha256sum line")
            .to_string();
        PatternFile { path, sha256 }
    }

    pub fn path_str(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for PatternFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

// ----- namespace helpers -----

/// A fresh namespace with IPv6 off (no router solicitations or MLD on the wire).
pub fn namespace(test: &str) -> Netns {
    let ns = Netns::create(test).expect("ip netns add");
    let _ = ns.output(&["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"]);
    let _ = ns.output(&["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"]);
    ns
}

/// Combined stdout and stderr of a command.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Runs `sh -c script` in the namespace; panics with its output unless it exits 0.
pub fn sh(ns: &Netns, script: &str) -> String {
    let out = ns.output(&["sh", "-c", script]).expect("sh");
    assert!(out.status.success(), "`{script}` failed ({}):\n{}", out.status, text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a python3 script in the namespace with `args`; panics with its output unless it
/// exits 0.
pub fn python(ns: &Netns, script: &str, args: &[&str]) -> String {
    let mut cmd = vec!["python3", "-c", script];
    cmd.extend_from_slice(args);
    let out = ns.output(&cmd).expect("python3");
    assert!(out.status.success(), "python3 failed ({}):\n{}", out.status, text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Applies an nftables ruleset in the namespace.
pub fn nft(ns: &Netns, ruleset: &str) {
    let path = std::env::temp_dir().join(format!("{}.nft", ns.name()));
    std::fs::write(&path, ruleset).unwrap();
    let out = ns.output(&["nft", "-f", path.to_str().unwrap()]).expect("nft");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "nft -f failed:\n{ruleset}\n{}", text(&out));
}

/// The namespace's TCP statistics as `nstat` names them (TcpRetransSegs…), absolute.
pub fn kernel_tcp_stats(ns: &Netns) -> String {
    let out = ns.output(&["nstat", "-az", "TcpRetransSegs", "TcpExtTCPSACKRecovery"]);
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

// ----- the in-process unet host -----

/// What a unet application does on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Send this many pattern bytes, then shut down and read until the peer closes.
    Source(u64),
    /// Read and check against the pattern until the peer closes, then close.
    Discard,
    /// Send back everything read; close when the peer has closed and all is sent.
    Echo,
}

/// What one connection did, once it ended.
#[derive(Debug, Clone)]
pub struct ConnReport {
    pub service: Service,
    pub remote: Endpoint<Ipv4Addr>,
    pub local_port: u16,
    pub received: u64,
    pub sent: u64,
    /// Received bytes that differ from the pattern (Discard and downloading clients).
    pub mismatches: u64,
    /// Why it ended other than by an orderly close.
    pub error: Option<TcpError>,
    /// The last diagnostics before close: state, RTT, cwnd, counters.
    pub info: Option<TcpInfo>,
    /// From the first sight of the connection to its close.
    pub elapsed: Duration,
}

#[derive(Debug)]
struct Conn {
    handle: TcpHandle,
    service: Service,
    received: u64,
    sent: u64,
    mismatches: u64,
    carry: Vec<u8>,
    shut: bool,
    started: StdInstant,
    info: Option<TcpInfo>,
}

/// Shared between the stack's thread and the test.
#[derive(Debug, Default)]
struct Shared {
    /// Connections to open: remote, what to do.
    connect: Vec<(Endpoint<Ipv4Addr>, Service)>,
    /// Connect calls that failed at once.
    connect_errors: Vec<TcpError>,
    done: Vec<ConnReport>,
    in_use: usize,
    /// The connections still served, as of the last snapshot (for failure messages).
    live: Vec<String>,
}

struct App {
    listeners: Vec<(ListenerHandle, Service)>,
    conns: Vec<Conn>,
    shared: Arc<Mutex<Shared>>,
    scratch: Vec<u8>,
    snapshot_at: StdInstant,
}

impl App {
    fn turn(&mut self, s: &mut Stack<'static>, now: Instant) {
        while s.poll_event().is_some() {}
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        for (remote, service) in std::mem::take(&mut shared.connect) {
            match s.tcp_connect(now, remote, None) {
                Ok(handle) => self.conns.push(Conn::new(handle, service)),
                Err(e) => shared.connect_errors.push(e),
            }
        }
        drop(shared);
        for &(l, service) in &self.listeners {
            while let Some(handle) = s.tcp_accept(now, l) {
                self.conns.push(Conn::new(handle, service));
            }
        }
        let mut finished = Vec::new();
        for (i, c) in self.conns.iter_mut().enumerate() {
            if let Some(report) = c.step(s, now, &mut self.scratch) {
                finished.push(i);
                self.shared.lock().unwrap_or_else(|e| e.into_inner()).done.push(report);
            }
        }
        for i in finished.into_iter().rev() {
            self.conns.remove(i);
        }
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.in_use = s.tcp_connections_in_use();
        if self.snapshot_at.elapsed() > Duration::from_millis(100) {
            self.snapshot_at = StdInstant::now();
            shared.live = self
                .conns
                .iter()
                .map(|c| {
                    format!(
                        "{:?} rx={} tx={} shut={} {:?}",
                        c.service,
                        c.received,
                        c.sent,
                        c.shut,
                        s.tcp_info(c.handle)
                    )
                })
                .collect();
        }
    }
}

impl Conn {
    fn new(handle: TcpHandle, service: Service) -> Conn {
        Conn {
            handle,
            service,
            received: 0,
            sent: 0,
            mismatches: 0,
            carry: Vec::new(),
            shut: false,
            started: StdInstant::now(),
            info: None,
        }
    }

    /// Moves data; `Some` once the connection is over (closed by us).
    fn step(
        &mut self,
        s: &mut Stack<'static>,
        now: Instant,
        scratch: &mut [u8],
    ) -> Option<ConnReport> {
        let h = self.handle;
        if let Ok(info) = s.tcp_info(h) {
            self.info = Some(info);
        }
        let established = matches!(s.tcp_state(h), Ok(State::Established | State::CloseWait));
        let mut error = None;
        let mut peer_done = false;
        // Receive.
        loop {
            if self.service == Service::Echo && !self.carry.is_empty() {
                break; // send what we hold before reading more
            }
            match s.tcp_recv(h, scratch) {
                Ok(0) => break,
                Ok(n) => {
                    let data = &scratch[..n];
                    if self.service == Service::Echo {
                        self.carry.extend_from_slice(data);
                    } else {
                        self.mismatches += mismatches(self.received, data);
                    }
                    self.received += n as u64;
                }
                Err(TcpError::Connection(ConnError::Finished)) => {
                    peer_done = true;
                    break;
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        // Send.
        if error.is_none() && established {
            match self.service {
                Service::Source(total) => {
                    while self.sent < total {
                        let sent = self.sent;
                        let r = s.tcp_send_with(h, |buf| {
                            let n = buf.len().min((total - sent) as usize);
                            fill(sent, &mut buf[..n]);
                            n
                        });
                        match r {
                            Ok(0) => break,
                            Ok(n) => self.sent += n as u64,
                            Err(e) => {
                                error = Some(e);
                                break;
                            }
                        }
                    }
                    if self.sent == total && !self.shut {
                        if let Err(e) = s.tcp_shutdown(h) {
                            error = Some(e);
                        }
                        self.shut = true;
                    }
                }
                Service::Echo => {
                    while !self.carry.is_empty() {
                        match s.tcp_send(h, &self.carry) {
                            Ok(0) => break,
                            Ok(n) => {
                                self.carry.drain(..n);
                                self.sent += n as u64;
                            }
                            Err(e) => {
                                error = Some(e);
                                break;
                            }
                        }
                    }
                }
                Service::Discard => {}
            }
        }
        if error.is_none() && s.tcp_state(h) == Ok(State::Closed) {
            // The connection ended by itself (RST, timeout), maybe after the peer's FIN
            // (reads then end cleanly): a send says why (it cannot queue anything now).
            error =
                Some(s.tcp_send(h, &[0]).err().unwrap_or(TcpError::Connection(ConnError::Closed)));
        }
        let all_sent = match self.service {
            Service::Source(total) => self.sent == total,
            Service::Echo => self.carry.is_empty(),
            Service::Discard => true,
        };
        if error.is_some() || (peer_done && all_sent) {
            let _ = s.tcp_close(now, h);
            return Some(ConnReport {
                service: self.service,
                remote: self
                    .info
                    .map(|i| i.remote)
                    .unwrap_or(Endpoint::new(Ipv4Addr::UNSPECIFIED, 0)),
                local_port: self.info.map(|i| i.local.port).unwrap_or(0),
                received: self.received,
                sent: self.sent,
                mismatches: self.mismatches,
                error,
                info: self.info,
                elapsed: self.started.elapsed(),
            });
        }
        None
    }
}

/// What the stack's thread returns when stopped.
pub struct Finished {
    pub stack: Stack<'static>,
    pub run: RunStats,
}

/// A unet [`Stack`] on TAP device `tap0` of a namespace, run on a thread of this process.
/// Dropping it stops the thread.
pub struct InProcess {
    stop: Arc<AtomicBool>,
    shared: Arc<Mutex<Shared>>,
    thread: Option<JoinHandle<(Stack<'static>, Result<RunStats, unet_netif::NetIfError>)>>,
}

/// A stack as `unet host` builds it: 192.0.2.2/24, ACD off, default storage (16 TCP slots
/// of 64 KiB each way) and TCP configuration.
pub fn unet_stack(now: Instant, mtu: usize) -> Stack<'static> {
    let mut config =
        Config::new(EthernetAddress(UNET_MAC)).with_ipv4("192.0.2.2/24".parse().unwrap());
    config.acd = false;
    config.mtu = mtu;
    config.seed = u64::from(std::process::id());
    Stack::new(config, Storage::with_defaults(), now)
}

impl InProcess {
    /// Runs a unet stack on `tap` (already in the namespace) with servers on the given
    /// ports.
    pub fn start(tap: Tap, servers: &[(u16, Service)]) -> InProcess {
        use unet_netif::NetIf;
        let clock = Clock::new();
        let mut stack = unet_stack(clock.now(), tap.mtu());
        let listeners = servers
            .iter()
            .map(|&(port, service)| (stack.tcp_listen(port, 16).expect("listen"), service))
            .collect();
        let stop = Arc::new(AtomicBool::new(false));
        let shared: Arc<Mutex<Shared>> = Arc::default();
        let mut app = App {
            listeners,
            conns: Vec::new(),
            shared: Arc::clone(&shared),
            scratch: vec![0; 64 * 1024],
            snapshot_at: StdInstant::now(),
        };
        let runner = Runner::new()
            .clock(clock)
            .stop_flag(Arc::clone(&stop))
            .max_sleep(std::time::Duration::from_millis(5));
        let thread = std::thread::spawn(move || {
            let mut tap = tap;
            let r = runner.run(&mut tap, &mut stack, |s, now| {
                app.turn(s, now);
                ControlFlow::Continue(())
            });
            (stack, r)
        });
        InProcess { stop, shared, thread: Some(thread) }
    }

    /// Opens a connection to `remote` that does `service`.
    pub fn connect(&self, remote: Endpoint<Ipv4Addr>, service: Service) {
        self.shared.lock().unwrap_or_else(|e| e.into_inner()).connect.push((remote, service));
    }

    /// Waits until `n` connections are over (at most `timeout`), and returns their reports;
    /// panics with what is known on timeout.
    pub fn wait_done(&self, n: usize, timeout: Duration) -> Vec<ConnReport> {
        let deadline = StdInstant::now() + timeout;
        loop {
            let (errors, done, live) = {
                let s = self.shared.lock().unwrap_or_else(|e| e.into_inner());
                (s.connect_errors.clone(), s.done.clone(), s.live.clone())
            };
            assert!(errors.is_empty(), "connect failed: {errors:?}");
            if done.len() >= n {
                return done;
            }
            if StdInstant::now() > deadline {
                panic!(
                    "{} of {n} connections over after {timeout:?}: {done:#?}\nstill served: {live:#?}",
                    done.len()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Connection slots in use now (TIME-WAIT ones included).
    pub fn slots_in_use(&self) -> usize {
        self.shared.lock().unwrap_or_else(|e| e.into_inner()).in_use
    }

    /// Waits until no slot is in use (at most `timeout`); false if some still are.
    pub fn wait_slots_free(&self, timeout: Duration) -> bool {
        let deadline = StdInstant::now() + timeout;
        while StdInstant::now() < deadline {
            if self.slots_in_use() == 0 {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Stops the thread; the stack with its counters.
    pub fn stop(mut self) -> Finished {
        self.stop.store(true, Ordering::Release);
        let (stack, run) = self.thread.take().unwrap().join().expect("the stack's thread");
        Finished { stack, run: run.expect("the TAP device failed") }
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// One line of a connection's figures for the test output.
pub fn describe(r: &ConnReport) -> String {
    let c = r.info.map(|i| i.counters).unwrap_or_default();
    let info = r.info;
    format!(
        "{:?} {}:{} rx={} tx={} in {:.2?}: retransmitted={} timeouts={} fast_retransmits={} dup_acks={} dsacks_rx={} out_of_order={} srtt={:?} cwnd={:?}",
        r.service,
        r.remote.addr,
        r.remote.port,
        r.received,
        r.sent,
        r.elapsed,
        c.retransmitted_segments,
        c.timeouts,
        c.fast_retransmits,
        c.dup_acks,
        c.dsacks_received,
        c.out_of_order,
        info.and_then(|i| i.srtt),
        info.map(|i| i.cwnd),
    )
}

/// Counters of a stopped stack, the non-zero ones.
pub fn counters_line(c: &Counters) -> String {
    format!("{c}")
}

/// A namespace with `tap0` (kernel side 192.0.2.1/24) whose other end is the returned
/// [`Tap`] of this process, for an in-process stack.
pub fn lab(test: &str) -> (Netns, Tap) {
    let ns = namespace(test);
    let tap = tap_in_namespace(&ns, "tap0", UNET_MAC).expect("TAP device in the namespace");
    ns.run(&["ip", "addr", "add", "192.0.2.1/24", "dev", "tap0"]).unwrap();
    (ns, tap)
}

/// `192.0.2.1:port`, the kernel's end.
pub fn kernel(port: u16) -> Endpoint<Ipv4Addr> {
    Endpoint::new(Ipv4Addr::new(192, 0, 2, 1), port)
}

// ----- `unet host` as a separate process -----

/// The log's lines about TCP connections that are over (`closed` or `ended (…)`).
fn closed_lines(log: &str) -> Vec<String> {
    log.lines()
        .filter(|l| l.contains("tcp ") && (l.contains(" closed after ") || l.contains(" ended (")))
        .map(str::to_string)
        .collect()
}

/// `unet host` with `-v`: the TCP tests read each connection's end from its log.
pub trait UnetHostTcp: Sized {
    /// Starts `unet host --tap tap0 --ipv4 192.0.2.2/24 --no-acd -v …extra` in `ns` (whose
    /// `tap0` must exist) and waits until it answers ping (at most 10 s).
    fn start(ns: &Netns, extra: &[&str]) -> Self;

    /// [`UnetHostTcp::start`], recording every frame to a capture that is kept if the
    /// test fails.
    fn start_recording(ns: &Netns, extra: &[&str]) -> Self;

    /// Waits until `n` TCP connections are over (at most `timeout`) and returns their log
    /// lines; panics with the log on timeout.
    fn wait_closed(&self, n: usize, timeout: Duration) -> Vec<String>;
}

/// `-v` then the test's flags.
fn verbose<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut flags = vec!["-v"];
    flags.extend_from_slice(extra);
    flags
}

impl UnetHostTcp for UnetHost {
    fn start(ns: &Netns, extra: &[&str]) -> UnetHost {
        let flags = verbose(extra);
        UnetHost::launch(ns, Launch { mac: UNET_MAC_TEXT, flags: &flags, pcap: None })
    }

    fn start_recording(ns: &Netns, extra: &[&str]) -> UnetHost {
        let flags = verbose(extra);
        let pcap = Some(std::env::temp_dir().join(format!("{}.pcap", ns.name())));
        UnetHost::launch(ns, Launch { mac: UNET_MAC_TEXT, flags: &flags, pcap })
    }

    fn wait_closed(&self, n: usize, timeout: Duration) -> Vec<String> {
        let deadline = StdInstant::now() + timeout;
        loop {
            let lines = closed_lines(&self.log());
            if lines.len() >= n {
                return lines;
            }
            assert!(
                StdInstant::now() < deadline,
                "{} of {n} TCP connections over after {timeout:?}:\n{}",
                lines.len(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A namespace with `tap0` (kernel side 192.0.2.1/24) for `unet host`.
pub fn host_lab(test: &str) -> Netns {
    let ns = namespace(test);
    ns.add_tap("tap0", "192.0.2.1/24").expect("TAP device in the namespace");
    ns
}
