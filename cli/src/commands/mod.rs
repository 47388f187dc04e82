//! The subcommands of `unet`, each a function over its parsed arguments and an output.
//!
//! `decode` reads captures, `host` runs a unet host on a TAP device, `demo` shows the stack
//! at work; the servers join as the stack grows, each as a module here and a variant of
//! [`Command`].

pub mod decode;
pub mod demo;
pub mod dhcp_client;
pub mod dhcp_server;
pub mod dns_server;
pub mod host;

use clap::Subcommand;

/// A `unet` subcommand and its arguments.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every frame of a pcap or pcapng capture, one line per frame, tcpdump-style.
    Decode(decode::DecodeArgs),
    /// Run a unet host on an existing TAP device: it answers ARP and ping, echoes UDP,
    /// serves TCP echo, discard and a byte source, and stops cleanly on SIGINT or SIGTERM.
    Host(host::HostArgs),
    /// Show unet hosts at work on an in-memory switch (no privileges needed), or with
    /// --tap (root) talking to the Linux kernel.
    Demo(demo::DemoArgs),
    /// Get an address by DHCP on an existing TAP device, print the lease, keep it renewed,
    /// and release it on SIGINT or SIGTERM.
    DhcpClient(dhcp_client::DhcpClientArgs),
    /// Serve DHCP (leases from a range or a config file) on a unet stack over TAP or on
    /// kernel sockets bound to an interface, leases kept durable in a file.
    DhcpServer(dhcp_server::DhcpServerArgs),
    /// Serve DNS zones authoritatively on kernel sockets or a unet stack over TAP.
    DnsServer(dns_server::DnsServerArgs),
}
