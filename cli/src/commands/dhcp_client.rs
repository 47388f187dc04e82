//! `unet dhcp-client --tap IFACE [--mac MAC] [-v]`: a unet host on a TAP device that gets
//! its address by DHCP (unet-dhcp's client on the stack, `unet_stack::dhcp::DhcpHost`),
//! prints one line per lease event on stdout —
//! `bound 192.0.2.10/24 router 192.0.2.1 dns 192.0.2.1 lease 3600s from 192.0.2.1` —
//! keeps the lease renewed, answers ping once bound, and on SIGINT or SIGTERM sends
//! DHCPRELEASE and stops.

use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::io::Write;

use clap::Args;
use unet_dhcp::client::{Client, Config as ClientConfig, Event as DhcpEvent};
use unet_stack::dhcp::HostEvent;
use unet_stack::ethernet::EthernetAddress;

/// Arguments of `unet dhcp-client`.
#[derive(Debug, Clone, Args)]
pub struct DhcpClientArgs {
    /// The existing TAP device to attach to (`ip tuntap add dev IFACE mode tap`).
    #[arg(long, value_name = "IFACE")]
    pub tap: String,
    /// The host's MAC address [default: 02:00 followed by four octets derived from the
    /// device name, so the same device gets the same lease again].
    #[arg(long, value_name = "MAC", value_parser = parse_mac)]
    pub mac: Option<EthernetAddress>,
    /// Send this host name (option 12).
    #[arg(long, value_name = "NAME")]
    pub hostname: Option<String>,
    /// Ask for this lease time in seconds (option 51).
    #[arg(long = "lease-secs", value_name = "N")]
    pub lease_secs: Option<u32>,
    /// Ask for a two-message exchange (RFC 4039 rapid commit).
    #[arg(long)]
    pub rapid_commit: bool,
    /// Start by asking for this address again (INIT-REBOOT, RFC 2131 §3.2).
    #[arg(long, value_name = "ADDR")]
    pub previous: Option<std::net::Ipv4Addr>,
    /// The address is static (ADDR/PREFIX, used at once): only ask for the other
    /// parameters with DHCPINFORM (RFC 2131 §3.4) and print them.
    #[arg(long, value_name = "ADDR/PREFIX", value_parser = parse_cidr, conflicts_with = "previous")]
    pub inform: Option<unet_stack::ipv4::route::Ipv4Cidr>,
    /// Use the leased address at once, without the RFC 5227 probe (which takes a few
    /// seconds).
    #[arg(long)]
    pub no_acd: bool,
    /// More lines on stderr: -v every stack event and the client's state changes.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

fn parse_cidr(s: &str) -> Result<unet_stack::ipv4::route::Ipv4Cidr, String> {
    s.parse().map_err(|e: unet_stack::ipv4::route::CidrError| e.to_string())
}

fn parse_mac(s: &str) -> Result<EthernetAddress, String> {
    s.parse::<EthernetAddress>().map_err(|e| e.to_string())
}

/// 02:00 and four octets hashed from the device name (fixed keys: the same every run).
pub fn default_mac(tap: &str) -> EthernetAddress {
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    tap.hash(&mut h);
    let [a, b, c, d, ..] = h.finish().to_be_bytes();
    EthernetAddress([0x02, 0x00, a, b, c, d])
}

/// The line printed for a client event (the lease's one-line form where there is one).
pub fn event_line(event: &DhcpEvent, lease: Option<&unet_dhcp::client::Lease>) -> String {
    match (event, lease) {
        (DhcpEvent::Bound(_), Some(l)) => format!("bound {l}"),
        (DhcpEvent::Renewed(_), Some(l)) => format!("renewed {l}"),
        (DhcpEvent::Rebound(_), Some(l)) => format!("rebound {l}"),
        (DhcpEvent::Informed, Some(l)) => {
            let mut line = format!("informed {}", l.address);
            if let Some(g) = l.gateway() {
                line += &format!(" router {g}");
            }
            for (i, d) in l.dns_servers.as_slice().iter().enumerate() {
                line += &format!("{}{d}", if i == 0 { " dns " } else { "," });
            }
            if let Some(d) = l.domain() {
                line += &format!(" domain {d}");
            }
            line + &format!(" from {}", l.server)
        }
        (e, _) => e.to_string(),
    }
}

/// The client configuration for `args` and `mac`.
pub fn client_config<'c>(args: &'c DhcpClientArgs, mac: EthernetAddress) -> ClientConfig<'c> {
    let mut c = ClientConfig::new(mac.0);
    c.hostname = args.hostname.as_deref();
    c.requested_lease = args.lease_secs;
    c.rapid_commit = args.rapid_commit;
    c.probe = !args.no_acd;
    // A command started by hand needs no desynchronisation delay beyond a second.
    c.startup_delay_max = unet_core::Duration::from_secs(1);
    c.seed = RandomState::new().hash_one(std::process::id());
    c
}

/// Runs `unet dhcp-client` until SIGINT or SIGTERM. Returns the exit status.
#[cfg(target_os = "linux")]
pub fn run(args: &DhcpClientArgs) -> std::process::ExitCode {
    use std::ops::ControlFlow;
    use std::process::ExitCode;
    use std::time::Duration as StdDuration;

    use unet_core::Instant;
    use unet_netif::host::{Clock, Runner};
    use unet_netif::{NetIf, Tap};
    use unet_stack::dhcp::DhcpHost;
    use unet_stack::udp::{UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
    use unet_stack::{Config, Stack, Storage};

    use crate::host::StopSignals;

    let mac = args.mac.unwrap_or_else(|| default_mac(&args.tap));
    let mut tap = match Tap::open(&args.tap, mac.0) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("unet dhcp-client: cannot open TAP device {}: {e}", args.tap);
            return ExitCode::FAILURE;
        }
    };
    let signals = match StopSignals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("unet dhcp-client: cannot install signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let clock = Clock::new();
    let now = clock.now();
    let mut config = Config::new(mac);
    config.mtu = tap.mtu();
    config.acd = !args.no_acd;
    config.ipv4 = args.inform;
    config.seed = RandomState::new().hash_one(("stack", std::process::id()));
    let stack = Stack::new(config, Storage::with_defaults(), now);
    let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8], vec![0u8; 8 * 1500]);
    let tx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 1], vec![0u8; 64]);
    let cc = client_config(args, mac);
    let client = match (args.inform, args.previous) {
        (Some(cidr), _) => Client::inform(cc, cidr.address(), now),
        (None, Some(a)) => Client::init_reboot(cc, a, now),
        (None, None) => Client::new(cc, now),
    };
    let mut host = match DhcpHost::new(stack, UdpSocket::new(rx, tx), client) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("unet dhcp-client: cannot open UDP port 68: {e}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!("unet dhcp-client: on {} mac {mac}, asking for a lease", args.tap);
    let verbose = args.verbose;
    let mut last_state = host.dhcp().client().state();
    let mut report = |host: &mut DhcpHost<'static, '_>, now: Instant| {
        let mut out = std::io::stdout().lock();
        while let Some(e) = host.poll_event(now) {
            match e {
                HostEvent::Dhcp(d) => {
                    let _ = writeln!(out, "{}", event_line(&d, host.dhcp().lease()));
                }
                HostEvent::Stack(s) if verbose > 0 => eprintln!("[{now}] {s}"),
                HostEvent::Stack(_) => {}
            }
        }
        let _ = out.flush();
        let state = host.dhcp().client().state();
        if verbose > 0 && state != last_state {
            eprintln!("[{now}] {last_state} -> {state}");
            last_state = state;
        }
    };
    let runner = Runner::new().clock(clock).stop_flag(signals.flag());
    let run = runner.run(&mut tap, &mut host, |h, now| {
        report(h, now);
        ControlFlow::Continue(())
    });
    if let Err(e) = run {
        eprintln!("unet dhcp-client: the device failed: {e}");
        return ExitCode::FAILURE;
    }
    // Give the lease back, and run on until the RELEASE (and the ARP it may need) left.
    let why = signals.received().unwrap_or("request");
    host.release(clock.now());
    let deadline = clock.now() + unet_stack::dhcp::RELEASE_GRACE;
    let runner = Runner::new().clock(clock).max_sleep(StdDuration::from_millis(50));
    let run = runner.run(&mut tap, &mut host, |h, now| {
        report(h, now);
        if now >= deadline {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    if let Err(e) = run {
        eprintln!("unet dhcp-client: the device failed while releasing: {e}");
        return ExitCode::FAILURE;
    }
    let c = host.dhcp().client().counters();
    eprintln!(
        "unet dhcp-client: stopped by {why}; {} retransmissions, {} NAKs, {} replies ignored",
        c.retransmissions, c.naks, c.rx_ignored
    );
    ExitCode::SUCCESS
}

/// `unet dhcp-client` needs a TAP device: Linux only.
#[cfg(not(target_os = "linux"))]
pub fn run(_args: &DhcpClientArgs) -> std::process::ExitCode {
    eprintln!("unet dhcp-client: TAP devices are supported on Linux only");
    std::process::ExitCode::FAILURE
}
