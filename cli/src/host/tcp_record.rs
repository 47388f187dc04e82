//! What the TCP services report, one record per connection opened or closed (for the log
//! at `-v` and the demo's transcript), and their totals.

use std::fmt;
use std::net::Ipv4Addr;

use unet_core::Duration;
use unet_stack::tcp::Endpoint;
use unet_stack::{TcpError, TcpInfo};

/// A TCP service of `unet host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpService {
    /// Everything received is sent back (RFC 862); when the peer half-closes, the rest is
    /// echoed and the connection closed.
    Echo,
    /// Everything received is read and dropped (RFC 863).
    Discard,
    /// `bytes` bytes of the [`pattern`](super::pattern) are sent to whoever connects, then
    /// our side is closed (what the peer sends is read and dropped meanwhile).
    Source {
        /// Bytes sent on every connection.
        bytes: u64,
    },
    /// Our own connection out (`--tcp-connect`): like a source, `bytes` bytes of the
    /// pattern, then our FIN, reading and dropping what the server sends until its FIN.
    Client {
        /// Bytes sent.
        bytes: u64,
    },
}

impl fmt::Display for TcpService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpService::Echo => f.write_str("echo"),
            TcpService::Discard => f.write_str("discard"),
            TcpService::Source { .. } => f.write_str("source"),
            TcpService::Client { .. } => f.write_str("client"),
        }
    }
}

/// `192.0.2.1:40000`
pub(crate) struct Peer(pub Endpoint<Ipv4Addr>);

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.0.addr, self.0.port)
    }
}

/// How one connection went, once the service is done with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSummary {
    /// Our port.
    pub port: u16,
    /// The service.
    pub service: TcpService,
    /// Who connected.
    pub peer: Endpoint<Ipv4Addr>,
    /// Bytes read from the connection.
    pub received: u64,
    /// Bytes sent: all those queued when the connection closed in order; when it failed,
    /// those the peer acknowledged.
    pub sent: u64,
    /// From accept to the end of our close (TIME-WAIT or CLOSED).
    pub lasted: Duration,
    /// Why it ended, when it did not end with both FINs: reset, timed out…
    pub error: Option<TcpError>,
    /// The connection's last diagnostics (state, RTT, congestion window, counters).
    pub info: Option<TcpInfo>,
}

/// What a TCP service did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpRecord {
    /// A connection was accepted.
    Opened {
        /// Our port.
        port: u16,
        /// The service.
        service: TcpService,
        /// Who connected.
        peer: Endpoint<Ipv4Addr>,
    },
    /// A connection is over for the service (in TIME-WAIT or CLOSED, or ended by an error).
    Closed(Box<TcpSummary>),
}

/// `2.345 ms`, `200 ms`
pub(crate) fn millis(d: Duration) -> String {
    let us = d.as_micros();
    match us % 1000 {
        0 => format!("{} ms", us / 1000),
        frac => format!("{}.{frac:03} ms", us / 1000),
    }
}

/// `srtt 2.874 ms, rto 1000 ms, cwnd 3831, mss 1460, retransmitted 5 (timeouts 0, fast
/// retransmits 2)`: the diagnostics worth a log line.
pub fn info_line(info: &TcpInfo) -> String {
    let c = &info.counters;
    let srtt = info.srtt.map_or("srtt -".to_string(), |d| format!("srtt {}", millis(d)));
    format!(
        "{srtt}, rto {}, cwnd {}, mss {}, retransmitted {} (timeouts {}, fast retransmits {})",
        millis(info.rto),
        info.cwnd,
        info.mss,
        c.retransmitted_segments,
        c.timeouts,
        c.fast_retransmits
    )
}

impl fmt::Display for TcpRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpRecord::Opened { port, service: TcpService::Client { .. }, peer } => {
                write!(f, "tcp client :{port}: connecting to {}", Peer(*peer))
            }
            TcpRecord::Opened { port, service, peer } => {
                write!(f, "tcp {service} :{port}: connection from {}", Peer(*peer))
            }
            TcpRecord::Closed(s) => {
                let how = match s.error {
                    None => "closed".to_string(),
                    Some(e) => format!("ended ({e})"),
                };
                let secs = s.lasted.as_micros() as f64 / 1e6;
                write!(
                    f,
                    "tcp {} :{}: {} {how} after {secs:.3} s: {} bytes in, {} bytes out",
                    s.service,
                    s.port,
                    Peer(s.peer),
                    s.received,
                    s.sent
                )?;
                if let Some(info) = &s.info {
                    write!(f, "; {}", info_line(info))?;
                }
                Ok(())
            }
        }
    }
}

/// Totals of the TCP services.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpStats {
    /// Connections accepted.
    pub accepted: u64,
    /// Connections opened with `--tcp-connect`.
    pub connected: u64,
    /// Connections that ended with both FINs.
    pub closed: u64,
    /// Connections that ended otherwise (reset, timed out, unreachable).
    pub failed: u64,
    /// Bytes read, all services.
    pub bytes_in: u64,
    /// Bytes sent to peers, all services (echoes and sources): queued, or for a failed
    /// connection acknowledged.
    pub bytes_out: u64,
    /// Retransmitted segments of the connections that are over.
    pub retransmitted: u64,
}

impl fmt::Display for TcpStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} connections ({} closed, {} failed), {} bytes in, {} bytes out, {} segments retransmitted",
            self.accepted.saturating_add(self.connected),
            self.closed,
            self.failed,
            self.bytes_in,
            self.bytes_out,
            self.retransmitted
        )
    }
}
