//! The UDP echo application (RFC 862 over UDP): every datagram received on one of its
//! ports goes back to its sender, from the port it arrived on.
//!
//! It is an application on top of the [`Stack`]'s socket API, called between the stack's
//! frames (by the host runner in `unet host`, by the simulation in `unet demo`):
//! [`UdpEcho::poll`] moves what the sockets received into their transmit queues.

use std::fmt;
use std::net::Ipv4Addr;

use unet_stack::udp::{Endpoint, UdpError, UdpMetadata};
use unet_stack::{SocketHandle, Stack};

/// Payload bytes each echo socket buffers per direction: a few of the largest datagrams
/// (65507 bytes) or hundreds of small ones. The stack's `udp_open` gives each queue 32
/// datagram slots.
pub const ECHO_BUFFER_BYTES: usize = 256 * 1024;

/// The largest UDP payload over IPv4 (65535 − 20 − 8).
const MAX_PAYLOAD: usize = 65507;

/// What one [`UdpEcho::poll`] did, reported to its caller (for logs and transcripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EchoRecord {
    /// A datagram was queued back to its sender.
    Echoed {
        /// The port it came in on.
        port: u16,
        /// Who sent it (and gets it back).
        peer: Endpoint<Ipv4Addr>,
        /// Its length.
        len: usize,
    },
    /// The socket reported an ICMP error about an echo we sent (RFC 1122 §4.1.3.3), e.g.
    /// the sender closed its port before the answer came.
    Error {
        /// The port.
        port: u16,
        /// What happened.
        error: UdpError,
    },
}

impl fmt::Display for EchoRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EchoRecord::Echoed { port, peer, len } => {
                write!(f, "udp echo :{port}: {len} bytes back to {peer}")
            }
            EchoRecord::Error { port, error } => write!(f, "udp echo :{port}: {error}"),
        }
    }
}

/// Totals of an echo application.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EchoStats {
    /// Datagrams echoed.
    pub datagrams: u64,
    /// Payload bytes echoed.
    pub bytes: u64,
    /// ICMP errors reported by the sockets.
    pub errors: u64,
}

/// A UDP echo server on some ports of one stack.
#[derive(Debug)]
pub struct UdpEcho {
    sockets: Vec<(u16, SocketHandle)>,
    buf: Vec<u8>,
    stats: EchoStats,
}

impl UdpEcho {
    /// Opens and binds one socket per port on `stack`. Fails (closing what it opened)
    /// when a port is taken or the stack has no free socket slot.
    pub fn open(stack: &mut Stack<'static>, ports: &[u16]) -> Result<UdpEcho, (u16, UdpError)> {
        let mut echo =
            UdpEcho { sockets: Vec::new(), buf: vec![0; MAX_PAYLOAD], stats: EchoStats::default() };
        for &port in ports {
            let opened = stack.udp_open(ECHO_BUFFER_BYTES, ECHO_BUFFER_BYTES).and_then(|h| {
                match stack.udp_bind(h, port) {
                    Ok(_) => Ok(h),
                    Err(e) => {
                        let _ = stack.udp_close(h);
                        Err(e)
                    }
                }
            });
            match opened {
                Ok(h) => echo.sockets.push((port, h)),
                Err(e) => {
                    echo.close(stack);
                    return Err((port, e));
                }
            }
        }
        Ok(echo)
    }

    /// The ports served.
    pub fn ports(&self) -> impl Iterator<Item = u16> + '_ {
        self.sockets.iter().map(|&(p, _)| p)
    }

    /// What was echoed so far.
    pub fn stats(&self) -> EchoStats {
        self.stats
    }

    /// Echoes every datagram waiting on the sockets, as long as the transmit queue can take
    /// it (a datagram that does not fit waits in the receive queue for the next call, so
    /// bursts are paced by the link rather than dropped here). `on` hears about each.
    pub fn poll(&mut self, stack: &mut Stack<'_>, mut on: impl FnMut(EchoRecord)) {
        for &(port, h) in &self.sockets {
            while let Ok(socket) = stack.udp_socket(h) {
                if let Some(size) = socket.peek_size() {
                    if !socket.can_send(size) {
                        break;
                    }
                }
                match stack.udp_recv_from(h, &mut self.buf) {
                    Ok((len, meta)) => {
                        let Some(data) = self.buf.get(..len) else { break };
                        let UdpMetadata { remote, .. } = meta;
                        match stack.udp_send_to(h, data, remote) {
                            Ok(()) => {
                                self.stats.datagrams = self.stats.datagrams.saturating_add(1);
                                self.stats.bytes = self.stats.bytes.saturating_add(len as u64);
                                on(EchoRecord::Echoed { port, peer: remote, len });
                            }
                            Err(error) => {
                                self.stats.errors = self.stats.errors.saturating_add(1);
                                on(EchoRecord::Error { port, error });
                            }
                        }
                    }
                    Err(UdpError::WouldBlock) => break,
                    Err(error) => {
                        // A pending ICMP error is reported once; the queue is read on.
                        self.stats.errors = self.stats.errors.saturating_add(1);
                        on(EchoRecord::Error { port, error });
                        if !matches!(error, UdpError::Icmp(_)) {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Closes the sockets.
    pub fn close(&mut self, stack: &mut Stack<'_>) {
        for (_, h) in self.sockets.drain(..) {
            let _ = stack.udp_close(h);
        }
    }
}
