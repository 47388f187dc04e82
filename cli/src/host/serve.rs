//! `unet host`'s life: open the TAP device (and the capture), build the stack, run it
//! with the UDP echo and TCP applications until a signal, report.

use std::fmt;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use unet_core::Instant;
use unet_netif::host::{Clock, RunStats, Runner};
use unet_netif::pcap::{PcapError, PcapWriter, TimestampPrecision};
use unet_netif::{NetIf, NetIfError, Pollable, Tap, Tee};
use unet_stack::tcp::Endpoint;
use unet_stack::udp::UdpError;
use unet_stack::{Config, Stack, Storage, TcpError};

use super::echo::{EchoStats, UdpEcho};
use super::log::{Level, Log};
use super::{HostSettings, TcpApps, TcpService, TcpStats};

/// Why `unet host` could not run (or stopped on an error).
#[derive(Debug)]
#[non_exhaustive]
pub enum HostError {
    /// The TAP device could not be opened.
    Open {
        /// The device.
        tap: String,
        /// Why.
        error: NetIfError,
    },
    /// `--mtu` above the device's own.
    MtuAboveDevice {
        /// Asked for.
        mtu: usize,
        /// The device's.
        device: usize,
    },
    /// The capture file could not be created.
    Pcap {
        /// The file.
        path: PathBuf,
        /// Why.
        error: PcapError,
    },
    /// An echo port could not be opened.
    Echo {
        /// The port.
        port: u16,
        /// Why.
        error: UdpError,
    },
    /// A TCP service's port could not be listened on.
    Tcp {
        /// The port.
        port: u16,
        /// Why.
        error: TcpError,
    },
    /// The signal handlers could not be installed.
    Signals(std::io::Error),
    /// The device failed while running.
    Run(NetIfError),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Open { tap, error } => {
                write!(f, "cannot open TAP device {tap}: {error}")?;
                match error {
                    NetIfError::NoSuchDevice => write!(
                        f,
                        " (create it first: ip tuntap add dev {tap} mode tap && ip link set {tap} up)"
                    ),
                    NetIfError::PermissionDenied => f.write_str(
                        " (run as root, or create the device with `ip tuntap add ... user $USER`)",
                    ),
                    NetIfError::WrongDeviceType => f.write_str(" (it is not a TAP device)"),
                    _ => Ok(()),
                }
            }
            HostError::MtuAboveDevice { mtu, device } => {
                write!(f, "--mtu {mtu} is above the device's MTU {device}")
            }
            HostError::Pcap { path, error } => {
                write!(f, "cannot write the capture {}: {error}", path.display())
            }
            HostError::Echo { port, error } => {
                write!(f, "cannot listen on UDP port {port}: {error}")
            }
            HostError::Tcp { port, error } => {
                write!(f, "cannot listen on TCP port {port}: {error}")
            }
            HostError::Signals(e) => write!(f, "cannot install signal handlers: {e}"),
            HostError::Run(e) => write!(f, "the device failed: {e}"),
        }
    }
}

impl std::error::Error for HostError {}

/// What a host did, once it stopped.
#[derive(Debug, Clone)]
pub struct HostReport {
    /// The runner's totals.
    pub run: RunStats,
    /// The echo application's totals.
    pub echo: EchoStats,
    /// The TCP services' totals.
    pub tcp: TcpStats,
    /// The stack's counters.
    pub counters: unet_stack::Counters,
    /// Frames recorded, if recording.
    pub recorded: Option<u64>,
}

/// A seed the OS chose (std's per-process random hasher keys come from it).
fn random_seed() -> u64 {
    RandomState::new().hash_one(std::process::id())
}

/// The stack for `settings` on a link of `mtu`.
pub fn build_stack(settings: &HostSettings, mtu: usize, now: Instant) -> Stack<'static> {
    let mut config = Config::new(settings.mac).with_ipv4(settings.ipv4);
    config.gateway = settings.gateway;
    config.mtu = mtu;
    config.acd = settings.acd;
    config.seed = random_seed();
    Stack::new(config, Storage::with_defaults(), now)
}

/// Runs the host until `stop` is set; logs to `log`.
pub fn serve<W: Write>(
    settings: &HostSettings,
    stop: Arc<AtomicBool>,
    log: &mut Log<W>,
) -> Result<HostReport, HostError> {
    let tap = Tap::open(&settings.tap, settings.mac.0)
        .map_err(|error| HostError::Open { tap: settings.tap.clone(), error })?;
    let device_mtu = tap.mtu();
    let mtu = match settings.mtu {
        Some(mtu) if mtu > device_mtu => {
            return Err(HostError::MtuAboveDevice { mtu, device: device_mtu })
        }
        Some(mtu) => mtu,
        None => device_mtu,
    };
    let clock = Clock::new();
    let runner = Runner::new().clock(clock).stop_flag(stop);
    let mut stack = build_stack(settings, mtu, clock.now());
    let mut echo = UdpEcho::open(&mut stack, &settings.udp_echo)
        .map_err(|(port, error)| HostError::Echo { port, error })?;
    let mut tcp = TcpApps::open(&mut stack, clock.now(), &settings.tcp)
        .map_err(|(port, error)| HostError::Tcp { port, error })?;
    let echo_ports: Vec<String> = echo.ports().map(|p| p.to_string()).collect();
    let mut tcp_services: Vec<String> = tcp.services().map(describe_service).collect();
    for server in &settings.tcp_connect {
        tcp.connect(Endpoint::new(*server.ip(), server.port()), settings.send_bytes);
        tcp_services.push(format!("client to {server} ({} bytes)", settings.send_bytes));
    }
    log.line(
        Level::Info,
        clock.now(),
        &format!(
            "up on {} ({}): {} mac {}{}, mtu {mtu}{}{}{}{}",
            settings.tap,
            if settings.acd {
                "probing the address first, RFC 5227"
            } else {
                "no conflict detection"
            },
            settings.ipv4,
            settings.mac,
            settings.gateway.map(|g| format!(" gateway {g}")).unwrap_or_default(),
            if echo_ports.is_empty() {
                String::new()
            } else {
                format!(", udp echo on {}", echo_ports.join(","))
            },
            if tcp_services.is_empty() {
                String::new()
            } else {
                format!(", tcp {}", tcp_services.join(", "))
            },
            settings
                .pcap
                .as_ref()
                .map(|p| format!(", recording to {}", p.display()))
                .unwrap_or_default(),
            if settings.verbosity == 0 { "; -v for more" } else { "" },
        ),
    );
    let mut app = |stack: &mut Stack<'static>, now: Instant| {
        while let Some(event) = stack.poll_event() {
            log.event(now, &event);
        }
        echo.poll(stack, |record| log.echo(now, &record));
        tcp.poll(stack, now, |record| log.tcp(now, &record));
        log.neighbors(now, stack);
        ControlFlow::Continue(())
    };
    let (run, recorded) = match &settings.pcap {
        None => {
            let mut tap = tap;
            (run_on(&runner, &mut tap, &mut stack, &mut app)?, None)
        }
        Some(path) => {
            let file = File::create(path)
                .map_err(|e| HostError::Pcap { path: path.clone(), error: PcapError::Io(e) })?;
            // Unbuffered: every frame is one complete record as soon as it passes, so the
            // capture is readable while the host runs and after any exit.
            let writer = PcapWriter::new(file, TimestampPrecision::Micros)
                .map_err(|error| HostError::Pcap { path: path.clone(), error })?;
            let mut tee = Tee::new(tap, writer);
            let run = run_on(&runner, &mut tee, &mut stack, &mut app)?;
            if let Some(error) = tee.take_error() {
                let text = format!("recording stopped after an error: {error}");
                log.line(Level::Info, clock.now(), &text);
            }
            let recorded = tee.recorded();
            let (_, writer) = tee.into_parts();
            if let Err(e) = writer.into_inner().sync_all() {
                log.line(Level::Info, clock.now(), &format!("syncing the capture: {e}"));
            }
            (run, Some(recorded))
        }
    };
    Ok(HostReport {
        run,
        echo: echo.stats(),
        tcp: tcp.stats(),
        counters: stack.counters().clone(),
        recorded,
    })
}

/// `echo on 7`, `source on 19 (1048576 bytes)`
fn describe_service((port, service): (u16, TcpService)) -> String {
    match service {
        TcpService::Source { bytes } => format!("source on {port} ({bytes} bytes)"),
        s => format!("{s} on {port}"),
    }
}

fn run_on<N, F>(
    runner: &Runner,
    netif: &mut N,
    stack: &mut Stack<'static>,
    app: F,
) -> Result<RunStats, HostError>
where
    N: NetIf + Pollable,
    F: FnMut(&mut Stack<'static>, Instant) -> ControlFlow<()>,
{
    runner.run(netif, stack, app).map_err(HostError::Run)
}
