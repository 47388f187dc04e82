//! `unet dns-server --zone FILE... (--listen ADDR:PORT | --tap IFACE --ipv4 ADDR/PREFIX)`:
//! an authoritative DNS server (unet-dns) on kernel sockets or on a unet stack over TAP.
//!
//! It loads the zones first (an error, `file:line: reason`, exits with status 2), serves
//! UDP and TCP (RFC 7766) until SIGINT or SIGTERM (exit 0), and reloads the zone files on
//! SIGHUP without dropping queries (see [`crate::dns_server`]).

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddr};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use clap::Args;
use unet_dns::server::{Server, ServerConfig};
use unet_stack::ipv4::route::Ipv4Cidr;

use crate::dns_server::kernel::KernelServer;
use crate::dns_server::reload::{ReloadOutcome, Reloader};
use crate::dns_server::shared::SharedAuthority;
use crate::dns_server::tap::DnsOnStack;
use crate::dns_server::zones::{load_authority, zone_specs};
use crate::dns_server::Clock;
use crate::host::{
    build_stack, check_address, check_gateway, default_mac, HostSettings, StopSignals,
};

/// Arguments of `unet dns-server`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["listen", "tap"])))]
pub struct DnsServerArgs {
    /// A zone file (RFC 1035 master format) to serve; repeatable. Its origin is
    /// --origin, or the file name without `.zone` (example.com.zone: example.com.).
    #[arg(long = "zone", value_name = "FILE", required = true)]
    pub zones: Vec<PathBuf>,
    /// The origin of the (single) zone file.
    #[arg(long, value_name = "NAME")]
    pub origin: Option<String>,
    /// Serve on kernel UDP and TCP sockets bound to ADDR:PORT.
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Serve on a unet stack attached to this existing TAP device (port 53).
    #[arg(long, value_name = "IFACE", requires = "ipv4")]
    pub tap: Option<String>,
    /// With --tap: the stack's address and prefix length, e.g. 192.0.2.2/24.
    #[arg(long, value_name = "ADDR/PREFIX", value_parser = parse_cidr)]
    pub ipv4: Option<Ipv4Cidr>,
    /// With --tap: the default gateway (on-link).
    #[arg(long, value_name = "ADDR")]
    pub gateway: Option<Ipv4Addr>,
    /// Log every query and answer (-v).
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

fn parse_cidr(s: &str) -> Result<Ipv4Cidr, String> {
    s.parse::<Ipv4Cidr>().map_err(|e| e.to_string())
}

fn log(line: &str) {
    let _ = writeln!(io::stderr().lock(), "unet dns-server: {line}");
}

/// Runs `unet dns-server`; the exit status: 0 after a signal, 1 on a runtime error, 2 when
/// the zones or the arguments are wrong.
pub fn run(args: &DnsServerArgs) -> ExitCode {
    let specs = match zone_specs(&args.zones, args.origin.as_deref()) {
        Ok(s) => s,
        Err(e) => {
            log(&e.to_string());
            return ExitCode::from(2);
        }
    };
    let authority = match load_authority(&specs) {
        Ok(a) => a,
        Err(e) => {
            log(&e.to_string());
            return ExitCode::from(2);
        }
    };
    let origins: Vec<String> = specs.iter().map(|s| s.origin.to_string()).collect();
    let shared = SharedAuthority::new(authority);
    let signals = match StopSignals::install() {
        Ok(s) => s,
        Err(e) => {
            log(&format!("cannot install signal handlers: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let mut reloader = match Reloader::install(specs, std::sync::Arc::clone(&shared)) {
        Ok(r) => r,
        Err(e) => {
            log(&format!("cannot install the SIGHUP handler: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let config = ServerConfig::default();
    let clock = Clock::new();
    let on_reload = |outcome: ReloadOutcome| match outcome {
        ReloadOutcome::Published { generation, zones } => {
            log(&format!("reloaded {zones} zones (generation {generation})"))
        }
        ReloadOutcome::Failed(e) => {
            log(&format!("reload failed, still serving the previous zones: {e}"))
        }
    };
    if let Some(addr) = args.listen {
        let server = match KernelServer::start(addr, &shared, &config, clock, signals.flag()) {
            Ok(s) => s,
            Err(e) => {
                log(&format!("cannot listen on {addr}: {e}"));
                return ExitCode::FAILURE;
            }
        };
        log(&format!("serving {} on {} (udp, tcp)", origins.join(" "), server.addr));
        let stop = signals.flag();
        while !stop.load(Ordering::Relaxed) {
            if let Some(outcome) = reloader.poll() {
                on_reload(outcome);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let stats = server.join();
        log(&format!(
            "stopped by {}: udp {} answered {} dropped, tcp {} connections ({} refused, {} idle) {} answered",
            signals.received().unwrap_or("a signal"),
            stats.udp_answered.load(Ordering::Relaxed),
            stats.udp_dropped.load(Ordering::Relaxed),
            stats.tcp_connections.load(Ordering::Relaxed),
            stats.tcp_refused.load(Ordering::Relaxed),
            stats.tcp_idle_closed.load(Ordering::Relaxed),
            stats.tcp_answered.load(Ordering::Relaxed),
        ));
        return ExitCode::SUCCESS;
    }
    let (Some(tap), Some(ipv4)) = (args.tap.clone(), args.ipv4) else {
        log("--tap needs --ipv4 ADDR/PREFIX");
        return ExitCode::from(2);
    };
    let gateway_ok = |g| check_gateway(ipv4, g);
    if let Err(e) = check_address(ipv4).and_then(|_| args.gateway.map_or(Ok(()), gateway_ok)) {
        log(&e.to_string());
        return ExitCode::from(2);
    }
    let settings = HostSettings {
        tap,
        ipv4,
        gateway: args.gateway,
        mac: default_mac(ipv4.address()),
        udp_echo: Vec::new(),
        tcp: Vec::new(),
        tcp_connect: Vec::new(),
        send_bytes: 0,
        pcap: None,
        mtu: None,
        acd: false,
        verbosity: args.verbose,
    };
    serve_tap(&settings, &shared, &config, clock, &signals, &mut reloader, &on_reload, args.verbose)
}

#[allow(clippy::too_many_arguments)]
fn serve_tap(
    settings: &HostSettings,
    shared: &std::sync::Arc<SharedAuthority>,
    config: &ServerConfig,
    clock: Clock,
    signals: &StopSignals,
    reloader: &mut Reloader,
    on_reload: &dyn Fn(ReloadOutcome),
    verbose: u8,
) -> ExitCode {
    use unet_netif::host::Runner;
    use unet_netif::{NetIf, Tap};
    let mut tap = match Tap::open(&settings.tap, settings.mac.0) {
        Ok(t) => t,
        Err(e) => {
            log(&format!("cannot open TAP device {}: {e}", settings.tap));
            return ExitCode::FAILURE;
        }
    };
    let mtu = tap.mtu();
    let mut stack = build_stack(settings, mtu, clock.now());
    let mut dns = match DnsOnStack::open(&mut stack) {
        Ok(d) => d,
        Err(e) => {
            log(&e.to_string());
            return ExitCode::FAILURE;
        }
    };
    let mut reader = shared.reader();
    let mut server = Server::new(*config);
    log(&format!("serving on {} as {} (udp, tcp port 53)", settings.tap, settings.ipv4));
    let runner = Runner::new().clock(clock).stop_flag(signals.flag());
    let result = runner.run(&mut tap, &mut stack, |stack, now| {
        if let Some(outcome) = reloader.poll() {
            on_reload(outcome);
        }
        dns.poll(stack, now, reader.get(), &mut server, |peer, _query, answer| {
            if verbose > 0 {
                log(&format!("udp {peer}: answered with {} bytes", answer.len()));
            }
        });
        ControlFlow::Continue(())
    });
    let stats = dns.stats();
    match result {
        Ok(_) => {
            log(&format!(
                "stopped by {}: udp {} answered {} dropped, tcp {} connections ({} idle) {} answered",
                signals.received().unwrap_or("a signal"),
                stats.udp_answered,
                stats.udp_dropped,
                stats.tcp_connections,
                stats.tcp_idle_closed,
                stats.tcp_answered
            ));
            ExitCode::SUCCESS
        }
        Err(e) => {
            log(&format!("the device failed: {e}"));
            ExitCode::FAILURE
        }
    }
}
