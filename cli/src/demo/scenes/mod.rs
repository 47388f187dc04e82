//! The scenes of `unet demo`, in order. Each is one small function over the [`World`]
//! that returns whether it completed; add a protocol's scene by adding a file here and an
//! entry to [`SCENES`].

mod boot;
mod dhcp;
mod dns;
mod lossy;
mod ping;
mod summary;
mod tcp;
mod udp;

use super::{DemoError, World};

/// One scene of the demo.
#[derive(Debug, Clone, Copy)]
pub struct Scene {
    /// Short name (what a failure report says).
    pub name: &'static str,
    /// The heading in the transcript.
    pub title: &'static str,
    /// Plays it; `Ok(false)` when it did not complete in its time.
    pub run: fn(&mut World<'_>) -> Result<bool, DemoError>,
}

/// Every scene, in order. The first adds the hosts the others use.
pub const SCENES: &[Scene] = &[
    Scene {
        name: "boot",
        title: "Three hosts join the switch and probe their addresses (RFC 5227)",
        run: boot::boot,
    },
    Scene {
        name: "conflict",
        title: "A fourth host claims an address already in use (RFC 5227 §2.1.1)",
        run: boot::conflict,
    },
    Scene { name: "ping", title: "ARP resolution and ping (RFC 826, RFC 792)", run: ping::ping },
    Scene { name: "udp-echo", title: "UDP echo: request and response (RFC 768)", run: udp::echo },
    Scene {
        name: "port-unreachable",
        title:
            "A closed port: ICMP port unreachable reaches the sending socket (RFC 1122 §4.1.3.3)",
        run: udp::port_unreachable,
    },
    Scene {
        name: "fragmentation",
        title: "A datagram larger than the MTU: fragmented and reassembled both ways (RFC 791)",
        run: udp::fragmentation,
    },
    Scene {
        name: "lossy-link",
        title: "A lossy link: the client retries until every answer comes",
        run: lossy::lossy,
    },
    Scene {
        name: "tcp-download",
        title: "TCP: the handshake, 1 MiB checked byte for byte, the four-way close (RFC 9293)",
        run: tcp::download,
    },
    Scene {
        name: "tcp-lossy",
        title: "TCP over lossy links: retransmissions and recovery (RFC 6298, RFC 6675)",
        run: tcp::lossy_echo,
    },
    Scene { name: "counters", title: "What each stack counted", run: summary::counters },
    Scene {
        name: "dns",
        title: "A DNS lookup: unet-dns answers over UDP (RFC 1035)",
        run: dns::lookup,
    },
    Scene {
        name: "dhcp",
        title: "DHCP: a host without an address gets one from a unet server, renews and releases it (RFC 2131)",
        run: dhcp::lease,
    },
];
