//! `unet host --tap IFACE --ipv4 ADDR/PREFIX [...]`: a unet host on an existing TAP device.
//!
//! It answers ARP and ping, echoes UDP on the `--udp-echo` ports, serves TCP echo, discard
//! and a byte source on the `--tcp-echo`, `--tcp-discard` and `--tcp-source` ports, records
//! its traffic with `--pcap`, logs to stderr and stops cleanly (exit status 0, capture
//! complete, counters printed) on SIGINT or SIGTERM. See [`crate::host`] for the pieces.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;

use clap::Args;
use unet_stack::ethernet::EthernetAddress;
use unet_stack::ipv4::route::Ipv4Cidr;

use crate::host::{
    check_address, check_echo_ports, check_gateway, check_mac, check_mtu, check_tcp_connect,
    check_tcp_services, default_mac, parse_bytes, HostSettings, SettingsError,
};

/// Arguments of `unet host`.
#[derive(Debug, Clone, Args)]
pub struct HostArgs {
    /// The existing TAP device to attach to (`ip tuntap add dev IFACE mode tap`).
    #[arg(long, value_name = "IFACE")]
    pub tap: String,
    /// The host's address and prefix length, e.g. 192.0.2.2/24.
    #[arg(long, value_name = "ADDR/PREFIX", value_parser = parse_cidr)]
    pub ipv4: Ipv4Cidr,
    /// The default gateway (on-link).
    #[arg(long, value_name = "ADDR")]
    pub gateway: Option<Ipv4Addr>,
    /// The host's MAC address [default: 02:00 followed by the IPv4 address's octets].
    #[arg(long, value_name = "MAC", value_parser = parse_mac)]
    pub mac: Option<EthernetAddress>,
    /// Echo UDP datagrams received on PORT back to their sender (repeatable, up to 8).
    #[arg(long = "udp-echo", value_name = "PORT")]
    pub udp_echo: Vec<u16>,
    /// Serve TCP echo (RFC 862) on PORT: what a connection sends comes back; when the peer
    /// half-closes, the rest is echoed and the connection closed (repeatable; at most 4 TCP
    /// ports in all, each serving up to 16 connections at once with the other ports).
    #[arg(long = "tcp-echo", value_name = "PORT")]
    pub tcp_echo: Vec<u16>,
    /// Serve TCP discard (RFC 863) on PORT: read and drop, bytes per connection logged at
    /// -v (repeatable).
    #[arg(long = "tcp-discard", value_name = "PORT")]
    pub tcp_discard: Vec<u16>,
    /// Serve a TCP source on PORT: --source-bytes bytes of a fixed pseudo-random pattern
    /// (the benchmarks' source data; the README shows how to check a download) to whoever
    /// connects, then close (repeatable).
    #[arg(long = "tcp-source", value_name = "PORT")]
    pub tcp_source: Vec<u16>,
    /// Bytes each --tcp-source connection gets: a number, optionally with K, M or G
    /// (powers of 1024), e.g. 10M.
    #[arg(long = "source-bytes", value_name = "N", value_parser = parse_bytes)]
    pub source_bytes: Option<u64>,
    /// Connect to a TCP server at ADDR:PORT once our address is ready, send it
    /// --send-bytes bytes of the source pattern, close our side, read until it closes its
    /// own; the outcome is logged with its byte counts and tcp_info (repeatable).
    #[arg(long = "tcp-connect", value_name = "ADDR:PORT")]
    pub tcp_connect: Vec<SocketAddrV4>,
    /// Bytes sent on each --tcp-connect connection [default: 0] (K, M, G as for
    /// --source-bytes).
    #[arg(long = "send-bytes", value_name = "N", value_parser = parse_bytes)]
    pub send_bytes: Option<u64>,
    /// Record every frame in and out to FILE (pcap, opens in Wireshark).
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<PathBuf>,
    /// The IP MTU [default: the device's].
    #[arg(long, value_name = "N")]
    pub mtu: Option<usize>,
    /// Use the address at once, without RFC 5227 probing (which takes a few seconds).
    #[arg(long)]
    pub no_acd: bool,
    /// More log lines: -v neighbours, echoes and TCP connections (bytes, RTT,
    /// retransmissions), -vv every stack event.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

fn parse_cidr(s: &str) -> Result<Ipv4Cidr, String> {
    s.parse::<Ipv4Cidr>().map_err(|e| e.to_string())
}

fn parse_mac(s: &str) -> Result<EthernetAddress, String> {
    s.parse::<EthernetAddress>().map_err(|e| e.to_string())
}

impl HostArgs {
    /// The checked settings.
    pub fn settings(&self) -> Result<HostSettings, SettingsError> {
        check_address(self.ipv4)?;
        if let Some(gateway) = self.gateway {
            check_gateway(self.ipv4, gateway)?;
        }
        let mac = self.mac.unwrap_or_else(|| default_mac(self.ipv4.address()));
        check_mac(mac)?;
        if let Some(mtu) = self.mtu {
            check_mtu(mtu)?;
        }
        Ok(HostSettings {
            tap: self.tap.clone(),
            ipv4: self.ipv4,
            gateway: self.gateway,
            mac,
            udp_echo: check_echo_ports(&self.udp_echo)?,
            tcp: check_tcp_services(
                &self.tcp_echo,
                &self.tcp_discard,
                &self.tcp_source,
                self.source_bytes,
            )?,
            send_bytes: check_tcp_connect(&self.tcp_connect, self.send_bytes, self.ipv4.address())?,
            tcp_connect: self.tcp_connect.clone(),
            pcap: self.pcap.clone(),
            mtu: self.mtu,
            acd: !self.no_acd,
            verbosity: self.verbose,
        })
    }
}

/// Runs `unet host` until SIGINT or SIGTERM; logs on stderr. Returns the exit status.
#[cfg(target_os = "linux")]
pub fn run(args: &HostArgs) -> std::process::ExitCode {
    use std::process::ExitCode;

    use crate::host::{serve, Level, Log, StopSignals};

    let mut log = Log::new(std::io::stderr(), args.verbose);
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("unet host: {e}");
            return ExitCode::from(2);
        }
    };
    let signals = match StopSignals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("unet host: cannot install signal handlers: {e}");
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    match serve(&settings, signals.flag(), &mut log) {
        Ok(report) => {
            let secs = started.elapsed().as_secs_f64();
            let why = signals.received().unwrap_or("request");
            let now = unet_core::Instant::from_micros(started.elapsed().as_micros() as u64);
            log.line(Level::Info, now, &format!("stopped by {why} after {secs:.1} s"));
            let r = report.run;
            log.line(
                Level::Info,
                now,
                &format!(
                    "frames: {} received, {} sent; udp echo: {} datagrams, {} bytes{}",
                    r.frames_received,
                    r.frames_sent,
                    report.echo.datagrams,
                    report.echo.bytes,
                    report.recorded.map(|n| format!("; {n} frames recorded")).unwrap_or_default()
                ),
            );
            if !settings.tcp.is_empty() || !settings.tcp_connect.is_empty() {
                log.line(Level::Info, now, &format!("tcp: {}", report.tcp));
            }
            log.line(Level::Info, now, &format!("counters: {}", report.counters));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("unet host: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::TcpService;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        host: HostArgs,
    }

    fn parse(args: &[&str]) -> Result<HostArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("unet-host").chain(args.iter().copied()))
            .map(|c| c.host)
    }

    #[test]
    fn full_command_line() {
        let a = parse(&[
            "--tap",
            "tap0",
            "--ipv4",
            "192.0.2.2/24",
            "--gateway",
            "192.0.2.1",
            "--mac",
            "02:00:00:00:00:09",
            "--udp-echo",
            "7",
            "--udp-echo",
            "9",
            "--pcap",
            "x.pcap",
            "--mtu",
            "1400",
            "-vv",
        ])
        .unwrap();
        let s = a.settings().unwrap();
        assert_eq!(s.mac.to_string(), "02:00:00:00:00:09");
        assert_eq!((s.udp_echo, s.mtu, s.verbosity, s.acd), (vec![7, 9], Some(1400), 2, true));
        assert_eq!(s.gateway, Some(Ipv4Addr::new(192, 0, 2, 1)));
        assert!(s.tcp.is_empty());
    }

    #[test]
    fn tcp_services_from_the_command_line() {
        let a = parse(&[
            "--tap",
            "t",
            "--ipv4",
            "192.0.2.2/24",
            "--tcp-echo",
            "7",
            "--tcp-discard",
            "9",
            "--tcp-source",
            "19",
            "--tcp-source",
            "5001",
            "--source-bytes",
            "10M",
        ])
        .unwrap();
        let s = a.settings().unwrap();
        let bytes = 10 << 20;
        assert_eq!((s.tcp_connect.len(), s.send_bytes), (0, 0));
        assert_eq!(
            s.tcp,
            [
                (7, TcpService::Echo),
                (9, TcpService::Discard),
                (19, TcpService::Source { bytes }),
                (5001, TcpService::Source { bytes })
            ]
        );
    }

    #[test]
    fn default_mac_from_the_address() {
        let s = parse(&["--tap", "t", "--ipv4", "192.0.2.2/24", "--no-acd"]).unwrap();
        let s = s.settings().unwrap();
        assert_eq!(s.mac.to_string(), "02:00:c0:00:02:02");
        assert!(!s.acd);
    }

    #[test]
    fn argument_errors_are_messages_not_panics() {
        for (args, needle) in [
            (&["--ipv4", "192.0.2.2/24"][..], "--tap"),
            (&["--tap", "t"][..], "--ipv4"),
            (&["--tap", "t", "--ipv4", "192.0.2.2"][..], "ADDRESS/PREFIX"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/33"][..], "prefix"),
            (&["--tap", "t", "--ipv4", "x/24"][..], "ADDRESS/PREFIX"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--mac", "zz"][..], "hexadecimal"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--udp-echo", "70000"][..], "70000"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--mtu", "-1"][..], "-1"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-echo", "x"][..], "'x'"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--source-bytes", "1T"][..], "K, M or G"),
            (
                &["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-connect", "192.0.2.1"][..],
                "192.0.2.1",
            ),
        ] {
            let e = parse(args).unwrap_err().to_string();
            assert!(e.contains(needle), "{args:?}: {e}");
        }
        for (args, needle) in [
            (&["--tap", "t", "--ipv4", "192.0.2.255/24"][..], "broadcast"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--gateway", "10.0.0.1"][..], "on-link"),
            (
                &["--tap", "t", "--ipv4", "192.0.2.2/24", "--mac", "01:00:00:00:00:01"][..],
                "unicast",
            ),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--udp-echo", "0"][..], "port 0"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--mtu", "60"][..], "--mtu 60"),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-echo", "0"][..], "port 0"),
            (
                &["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-echo", "7", "--tcp-discard", "7"]
                    [..],
                "one service per port",
            ),
            (&["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-source", "19"][..], "--source-bytes"),
            (
                &["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-echo", "7", "--source-bytes", "1"]
                    [..],
                "only applies to --tcp-source",
            ),
            (
                &["--tap", "t", "--ipv4", "192.0.2.2/24", "--tcp-connect", "192.0.2.2:80"][..],
                "not another host's unicast address",
            ),
        ] {
            let e = parse(args).unwrap().settings().unwrap_err().to_string();
            assert!(e.contains(needle), "{args:?}: {e}");
        }
    }
}
