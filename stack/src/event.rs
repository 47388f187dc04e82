//! What the stack tells the application, through [`Stack::poll_event`](crate::Stack::poll_event).

use core::fmt;
use core::net::Ipv4Addr;

use unet_core::Duration;
use unet_ethernet::EthernetAddress;
use unet_udp::icmp::IcmpErrorKind;

use crate::sockets::SocketHandle;
use crate::tcp_sockets::{ListenerHandle, TcpEvent, TcpHandle};

/// How many events wait for [`Stack::poll_event`](crate::Stack::poll_event). When the
/// queue is full the oldest event is dropped (counted in
/// [`Counters::events_dropped`](crate::Counters::events_dropped)): an application that
/// never polls events loses nothing else.
pub const EVENT_QUEUE_LEN: usize = 32;

/// Something that happened in the stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A UDP socket has a datagram to receive.
    UdpReadable(SocketHandle),
    /// A UDP socket's transmit queue drained: there is room to send again.
    UdpWritable(SocketHandle),
    /// An ICMP error about a datagram a UDP socket sent (RFC 1122 §4.1.3.3); the socket
    /// also reports it once from its next receive.
    UdpError {
        /// The socket.
        socket: SocketHandle,
        /// What the error said.
        kind: IcmpErrorKind,
    },
    /// An ICMP echo reply matching a [`Stack::ping`](crate::Stack::ping).
    EchoReply {
        /// Who answered.
        from: Ipv4Addr,
        /// Identifier of the request.
        ident: u16,
        /// Sequence number of the request.
        seq: u16,
        /// Round-trip time, when the request is still remembered (the last
        /// [`PING_TABLE_LEN`](crate::PING_TABLE_LEN) requests are).
        rtt: Option<Duration>,
        /// Echoed data length.
        len: usize,
    },
    /// An ICMP error about one of our echo requests.
    EchoError {
        /// Where the request was going.
        to: Ipv4Addr,
        /// Identifier of the request.
        ident: u16,
        /// Sequence number of the request.
        seq: u16,
        /// What the error said.
        kind: IcmpErrorKind,
    },
    /// Our address is usable: configured without conflict detection, or RFC 5227 probing
    /// found no other owner.
    AddressReady(Ipv4Addr),
    /// Another host claims our address (RFC 5227 §2.1.1 during probing, §2.4 afterwards).
    /// During probing the address is given up (unconfigured).
    AddressConflict {
        /// The address.
        addr: Ipv4Addr,
        /// The other claimant's hardware address.
        other: EthernetAddress,
    },
    /// Something happened on a TCP connection the application holds.
    Tcp {
        /// The connection.
        handle: TcpHandle,
        /// What happened.
        event: TcpEvent,
    },
    /// A listener has a connection waiting for
    /// [`Stack::tcp_accept`](crate::Stack::tcp_accept).
    TcpAcceptReady(ListenerHandle),
    /// ARP resolution of a next hop failed; the packets waiting for it were dropped
    /// (counted in [`Counters::tx_neighbor_failed`](crate::Counters::tx_neighbor_failed)).
    NeighborUnreachable(Ipv4Addr),
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Event::UdpReadable(s) => write!(f, "udp {s} readable"),
            Event::UdpWritable(s) => write!(f, "udp {s} writable"),
            Event::UdpError { socket, kind } => write!(f, "udp {socket} error: {kind}"),
            Event::EchoReply { from, ident, seq, rtt, len } => {
                write!(f, "{len} bytes from {from}: icmp_seq={seq} ident={ident}")?;
                match rtt {
                    Some(rtt) => {
                        let us = rtt.as_micros();
                        write!(f, " time={}.{:03} ms", us / 1000, us % 1000)
                    }
                    None => Ok(()),
                }
            }
            Event::EchoError { to, ident, seq, kind } => {
                write!(f, "echo to {to} icmp_seq={seq} ident={ident}: {kind}")
            }
            Event::AddressReady(a) => write!(f, "address {a} ready"),
            Event::AddressConflict { addr, other } => {
                write!(f, "address {addr} conflicts with {other}")
            }
            Event::NeighborUnreachable(a) => write!(f, "neighbour {a} unreachable"),
            Event::Tcp { handle, event } => write!(f, "{handle} {event:?}"),
            Event::TcpAcceptReady(l) => write!(f, "{l} has a connection to accept"),
        }
    }
}
