//! `unet host`: a unet host on a TAP device — the stack answers ARP and ping, the
//! [`UdpEcho`] application echoes UDP, [`TcpApps`] serve TCP (echo, discard, a source of
//! [`pattern`] bytes), a [`Tee`](unet_netif::Tee) records the traffic, [`Log`] reports on
//! stderr, and SIGINT/SIGTERM ([`StopSignals`]) end it cleanly.
//!
//! The pieces are separate so the demo and the tests use them without a device: the
//! applications run in the demo's simulation, the settings checks are pure functions.

mod echo;
mod log;
pub mod pattern;
#[cfg(target_os = "linux")]
mod serve;
mod settings;
#[cfg(target_os = "linux")]
mod signals;
mod tcp_apps;
mod tcp_record;

pub use echo::{EchoRecord, EchoStats, UdpEcho, ECHO_BUFFER_BYTES};
pub use log::{Level, Log};
#[cfg(target_os = "linux")]
pub use serve::{build_stack, serve, HostError, HostReport};
pub use settings::{
    check_address, check_echo_ports, check_gateway, check_mac, check_mtu, check_tcp_connect,
    check_tcp_services, default_mac, parse_bytes, HostSettings, SettingsError, MAX_ECHO_PORTS,
    MAX_TCP_PORTS,
};
#[cfg(target_os = "linux")]
pub use signals::StopSignals;
pub use tcp_apps::{TcpApps, TCP_BACKLOG};
pub use tcp_record::{info_line, TcpRecord, TcpService, TcpStats, TcpSummary};

#[cfg(test)]
mod tcp_tests;
#[cfg(test)]
mod tests;
