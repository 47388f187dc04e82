//! `unet dhcp-server (--tap IFACE --ipv4 ADDR/PREFIX | --interface IFACE) (--config FILE | --range FIRST-LAST [--router ADDR]
//! [--dns ADDR] [--lease-secs N]) [--leases FILE] [--probe-ms N]`: the unet-dhcp server
//! on kernel UDP sockets (port 67 bound to IFACE), one log line per reply on stderr
//! (`ACK 192.0.2.10 to 02:00:00:00:00:01 via 255.255.255.255:68 lease 3600s`), leases
//! durable in FILE, clean stop on SIGINT or SIGTERM (counters printed).

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use unet_core::Duration;
use unet_dhcp::server::{config_file, ServerConfig};

use unet_stack::ipv4::route::Ipv4Cidr;

use crate::dhcp_server::tap::serve_tap;
use crate::dhcp_server::{interface_ipv4, serve_kernel};
use crate::host::{default_mac, HostSettings, StopSignals};

/// Arguments of `unet dhcp-server`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["interface", "tap"])))]
pub struct DhcpServerArgs {
    /// Serve on kernel sockets bound to this interface (its IPv4 address is the server
    /// identifier; its subnet the pool's unless --config says otherwise).
    #[arg(long, value_name = "IFACE")]
    pub interface: Option<String>,
    /// Serve on a unet stack attached to this existing TAP device (port 67).
    #[arg(long, value_name = "IFACE", requires = "ipv4")]
    pub tap: Option<String>,
    /// With --tap: the stack's address and prefix length, e.g. 192.0.2.1/24.
    #[arg(long, value_name = "ADDR/PREFIX", value_parser = parse_cidr)]
    pub ipv4: Option<Ipv4Cidr>,
    /// The configuration file (format: unet_dhcp::server::config_file).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["range", "router", "dns", "lease_secs"])]
    pub config: Option<PathBuf>,
    /// The address range handed out, e.g. 192.0.2.10-192.0.2.100.
    #[arg(long, value_name = "FIRST-LAST", required_unless_present = "config")]
    pub range: Option<String>,
    /// The router (option 3).
    #[arg(long, value_name = "ADDR")]
    pub router: Option<Ipv4Addr>,
    /// A DNS server (option 6).
    #[arg(long, value_name = "ADDR")]
    pub dns: Vec<Ipv4Addr>,
    /// The lease time in seconds (also the maximum; minimum 10 s).
    #[arg(long = "lease-secs", value_name = "N")]
    pub lease_secs: Option<u64>,
    /// The lease file (durable before each ACK, reloaded on start).
    #[arg(long, value_name = "FILE")]
    pub leases: Option<PathBuf>,
    /// Probe never-used addresses with ping for this long before offering; 0 = off.
    #[arg(long = "probe-ms", value_name = "N", default_value_t = 1000)]
    pub probe_ms: u64,
}

fn parse_cidr(s: &str) -> Result<Ipv4Cidr, String> {
    s.parse::<Ipv4Cidr>().map_err(|e| e.to_string())
}

fn config_from_flags(a: &DhcpServerArgs) -> Result<ServerConfig, String> {
    let (local, prefix) = match (&a.interface, a.ipv4) {
        (Some(i), _) => interface_ipv4(i).map_err(|e| e.to_string())?,
        (None, Some(c)) => (c.address(), c.prefix_len()),
        (None, None) => return Err("--tap needs --ipv4 ADDR/PREFIX".into()),
    };
    let range = a.range.as_deref().unwrap_or_default();
    let (f, l) =
        range.split_once('-').ok_or_else(|| format!("--range {range}: expected FIRST-LAST"))?;
    let parse =
        |s: &str| s.parse::<Ipv4Addr>().map_err(|_| format!("--range {range}: bad address {s}"));
    let mut b =
        ServerConfig::builder().subnet(local, prefix).range(parse(f)?, parse(l)?).server_id(local);
    if let Some(r) = a.router {
        b = b.router(r);
    }
    if !a.dns.is_empty() {
        b = b.dns(&a.dns);
    }
    if let Some(s) = a.lease_secs {
        let d = Duration::from_secs(s);
        b = b.lease_times(d, Duration::from_secs(s.min(10)), d);
    }
    b.build().map_err(|e| format!("--range {range}: {e}"))
}

/// Runs the command.
pub fn run(a: &DhcpServerArgs) -> ExitCode {
    let config = match &a.config {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("unet dhcp-server: {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            };
            match config_file::parse(&text) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("unet dhcp-server: {}:{e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        }
        None => match config_from_flags(a) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("unet dhcp-server: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let config = ServerConfig {
        probe_timeout: (a.probe_ms > 0).then(|| Duration::from_millis(a.probe_ms)),
        ..config
    };
    let signals = match StopSignals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("unet dhcp-server: signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut log = std::io::stderr();
    let result = match (&a.interface, &a.tap, a.ipv4) {
        (Some(i), _, _) => serve_kernel(i, config, a.leases.as_deref(), signals.flag(), &mut log),
        (None, Some(tap), Some(ipv4)) => {
            let settings = HostSettings {
                tap: tap.clone(),
                ipv4,
                gateway: None,
                mac: default_mac(ipv4.address()),
                udp_echo: Vec::new(),
                tcp: Vec::new(),
                tcp_connect: Vec::new(),
                send_bytes: 0,
                pcap: None,
                mtu: None,
                acd: false,
                verbosity: 0,
            };
            serve_tap(&settings, config, a.leases.as_deref(), signals.flag(), &mut log)
        }
        _ => {
            eprintln!("unet dhcp-server: --tap needs --ipv4 ADDR/PREFIX");
            return ExitCode::from(2);
        }
    };
    let name = a.interface.as_deref().or(a.tap.as_deref()).unwrap_or("");
    match result {
        Ok(counters) => {
            eprintln!(
                "unet dhcp-server: stopped ({}): {counters}",
                signals.received().unwrap_or("end")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("unet dhcp-server: {name}: {e}");
            ExitCode::FAILURE
        }
    }
}
