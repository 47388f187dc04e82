//! unet-stack: one [`Stack`] value composing the layers into an IPv4 host — Ethernet, ARP
//! (neighbour cache, pending packets, RFC 5227 conflict detection), IPv4 (local delivery,
//! broadcast and multicast reception, reassembly, fragmentation, the RFC 1122 §3.2.1 source
//! and destination checks), ICMP (echo with Record Route, Timestamp and reversed source
//! routes reflected, errors with a rate limit, errors delivered to sockets), IGMPv2
//! membership, UDP sockets and TCP (RFC 9293, unet-tcp's machines): connections and
//! listeners in caller-provided slots, demultiplexed by 4-tuple, RSTs for segments nobody
//! wants, ICMP errors to the connection they concern, zero-copy transmit, and byte-stream
//! adapters (`embedded-io`, `std::io`) — see [`Stack::tcp_connect`], [`Stack::tcp_listen`]
//! and [`tcp_sockets`] (capacities and what happens when they are full).
//!
//! Not done yet: ICMP Redirects are counted and ignored (RFC 1122 §3.2.2.2 wants the route
//! updated; there is one gateway and no route cache); the completed source route of a UDP
//! datagram is not handed to the socket, so UDP replies go straight back (echo replies do
//! follow the reversed route); the IP TOS is not passed up (§3.2.1.6).
//!
//! The stack is a sans-IO machine (DESIGN.md §1): drive it with
//! [`FrameMachine`](unet_core::FrameMachine) — [`handle_frame`](unet_core::FrameMachine::handle_frame),
//! [`poll_transmit`](unet_core::FrameMachine::poll_transmit),
//! [`poll_timeout`](unet_core::FrameMachine::poll_timeout),
//! [`handle_timeout`](unet_core::FrameMachine::handle_timeout) — and use the UDP, ping and
//! multicast APIs in between; [`Stack::poll_event`] reports what happened and
//! [`Stack::counters`] every packet dropped, by reason.
//!
//! All memory is the caller's ([`Storage`]); `no_std`, no allocator needed (TCP slots
//! serve connection after connection with the same buffers: see [`TcpSlot`]). The `alloc`
//! feature adds `Storage::with_defaults`, `Storage::tcp_slots` and `Stack::udp_open`.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod config;
pub mod counters;
#[cfg(feature = "dhcp")]
pub mod dhcp;
mod dhcp_server_support;
mod echo_options;
pub mod event;
mod icmp;
mod link;
mod queue;
mod rx;
mod sockets;
mod stack;
mod storage;
pub mod tcp_sockets;
mod tx;
mod wire;

pub use config::{Config, MIN_MTU};
pub use counters::Counters;
pub use event::{Event, EVENT_QUEUE_LEN};
pub use icmp::{PingError, ICMP_QUEUE_LEN, PING_TABLE_LEN};
pub use link::FLUSH_QUEUE_LEN;
pub use sockets::SocketHandle;
pub use stack::Stack;
pub use storage::Storage;
pub use tcp_sockets::{
    ListenerHandle, ListenerSlot, TcpConfig, TcpError, TcpEvent, TcpHandle, TcpInfo, TcpIoError,
    TcpSlot, TcpStream, TCP_CONTROL_QUEUE_LEN,
};
pub use unet_ipv4::igmp::membership::{ALL_ROUTERS, ALL_SYSTEMS};
pub use unet_ipv4::igmp::MembershipError;

pub use unet_arp as arp;
pub use unet_core as core;
pub use unet_ethernet as ethernet;
pub use unet_ipv4 as ipv4;
pub use unet_ipv6 as ipv6;
pub use unet_tcp as tcp;
pub use unet_udp as udp;
