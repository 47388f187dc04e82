//! `unet host`: a unet host on a TAP device — the stack answers ARP and ping, the
//! [`UdpEcho`] application echoes UDP, a [`Tee`](unet_netif::Tee) records the traffic,
//! [`Log`] reports on stderr, and SIGINT/SIGTERM ([`StopSignals`]) end it cleanly.
//!
//! The pieces are separate so the demo and the tests use them without a device: the echo
//! application runs in the demo's simulation, the settings checks are pure functions.

mod echo;
mod log;
#[cfg(target_os = "linux")]
mod serve;
mod settings;
#[cfg(target_os = "linux")]
mod signals;

pub use echo::{EchoRecord, EchoStats, UdpEcho, ECHO_BUFFER_BYTES};
pub use log::{Level, Log};
#[cfg(target_os = "linux")]
pub use serve::{build_stack, serve, HostError, HostReport};
pub use settings::{
    check_address, check_echo_ports, check_gateway, check_mac, check_mtu, default_mac,
    HostSettings, SettingsError, MAX_ECHO_PORTS,
};
#[cfg(target_os = "linux")]
pub use signals::StopSignals;

#[cfg(test)]
mod tests;
