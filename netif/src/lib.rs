//! unet-netif: the [`NetIf`] trait and the drivers and runners that move frames between a
//! unet stack and the world (DESIGN.md §6).
//!
//! Without the `std` feature only the trait and its error are built (no allocator needed),
//! so no_std drivers (Solo5, embedded MACs) implement the same [`NetIf`]. With `std` (the
//! default):
//!
//! | module | what |
//! |---|---|
//! | [`tap`] | Linux TAP devices through `/dev/net/tun` (Linux only) |
//! | [`memory`] | an in-memory learning switch whose links have seeded faults |
//! | [`socketpair`] | two hosts over a Unix datagram socket pair (pollable, unprivileged) |
//! | [`replay`] | replays a capture's frames, collects what is sent |
//! | [`tee`] | records any driver's traffic to a pcap file |
//! | [`pcap`] | pcap/pcapng reader, pcap writer |
//! | [`host`] | the host runner: poll(2) until a frame or the next deadline (Unix) |
//! | [`sim`] | the simulation runner: machines on a switch in virtual time |
//!
//! Unsafe code is confined to the TAP driver's ioctls and the runner's poll(2) call, each
//! block with its safety argument; everything else is `deny(unsafe_code)`.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod error;
#[cfg(all(feature = "std", unix))]
mod fd;
mod iface;

pub use error::NetIfError;
#[cfg(all(feature = "std", unix))]
pub use iface::Pollable;
pub use iface::{
    check_recv_len, check_send_len, max_frame_len, NetIf, ETHERNET_HEADER_LEN, VLAN_TAG_LEN,
};

#[cfg(all(feature = "std", unix))]
pub mod host;
#[cfg(feature = "std")]
pub mod memory;
#[cfg(feature = "std")]
pub mod pcap;
#[cfg(feature = "std")]
pub mod replay;
#[cfg(feature = "std")]
pub mod sim;
#[cfg(all(feature = "std", unix))]
pub mod socketpair;
#[cfg(all(feature = "std", target_os = "linux"))]
pub mod tap;
#[cfg(feature = "std")]
pub mod tee;

#[cfg(all(feature = "std", unix))]
pub use host::{run, Clock, RunStats, Runner, DEFAULT_ANSWER_EVERY};
#[cfg(feature = "std")]
pub use memory::{
    LinkFaults, LinkStats, MirroredFrame, Port, PortId, Switch, SwitchConfig, SwitchStats,
};
#[cfg(feature = "std")]
pub use replay::{PcapReplay, ReplayFrame, SentFrame};
#[cfg(feature = "std")]
pub use sim::{NodeId, RunOutcome, SimError, SimStats, Simulation};
#[cfg(all(feature = "std", unix))]
pub use socketpair::SocketPair;
#[cfg(all(feature = "std", target_os = "linux"))]
pub use tap::Tap;
#[cfg(feature = "std")]
pub use tee::{CaptureClock, SystemClock, Tee};
