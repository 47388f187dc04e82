//! The host's log: one line per notable event on stderr (or any writer, for tests),
//! prefixed with the seconds since the host started.
//!
//! Quiet by default: startup, the address becoming usable or conflicting, neighbours
//! that do not answer, errors, the final counters. `-v` adds neighbours resolved, every
//! UDP echo and every TCP connection opened and closed (bytes, RTT, retransmissions);
//! `-vv` every stack event.

use std::io::Write;
use std::net::Ipv4Addr;

use unet_core::Instant;
use unet_stack::arp::NeighborState;
use unet_stack::ethernet::EthernetAddress;
use unet_stack::{Event, Stack};

use super::echo::EchoRecord;
use super::tcp_record::{TcpRecord, TcpService};

/// How much a line is worth: shown when the verbosity is at least this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Always shown.
    Info = 0,
    /// `-v`.
    Detail = 1,
    /// `-vv`.
    Debug = 2,
}

/// The host's logger.
pub struct Log<W: Write> {
    out: W,
    verbosity: u8,
    /// Resolved neighbours last seen, to log changes (the stack reports failures as events
    /// but resolutions only through its cache).
    neighbors: Vec<(Ipv4Addr, EthernetAddress)>,
}

impl<W: Write> std::fmt::Debug for Log<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log").field("verbosity", &self.verbosity).finish()
    }
}

impl<W: Write> Log<W> {
    /// A logger writing lines of at most `verbosity` to `out`.
    pub fn new(out: W, verbosity: u8) -> Log<W> {
        Log { out, verbosity, neighbors: Vec::new() }
    }

    /// Writes `text` at `now` if `level` is shown. A failing stderr is ignored: the host
    /// keeps serving.
    pub fn line(&mut self, level: Level, now: Instant, text: &str) {
        if (level as u8) <= self.verbosity {
            // Instant's Display ignores widths: pad the string.
            let ts = now.to_string();
            let _ = writeln!(self.out, "unet host [{ts:>12}] {text}");
        }
    }

    /// Logs a stack event at the level it deserves.
    pub fn event(&mut self, now: Instant, event: &Event) {
        let level = match event {
            Event::AddressReady(_)
            | Event::AddressConflict { .. }
            | Event::NeighborUnreachable(_) => Level::Info,
            Event::UdpError { .. } | Event::EchoReply { .. } | Event::EchoError { .. } => {
                Level::Detail
            }
            _ => Level::Debug,
        };
        let text = match event {
            Event::AddressConflict { addr, other } => format!(
                "address {addr} is used by {other}: given up (RFC 5227); pick another address"
            ),
            Event::NeighborUnreachable(ip) => {
                format!("neighbour {ip} does not answer ARP; packets for it were dropped")
            }
            e => e.to_string(),
        };
        self.line(level, now, &text);
    }

    /// Logs what the echo application did.
    pub fn echo(&mut self, now: Instant, record: &EchoRecord) {
        self.line(Level::Detail, now, &record.to_string());
    }

    /// Logs a TCP connection opened or closed: at `-v` for the services' connections,
    /// always for our own (`--tcp-connect`), whose outcome is what the user asked for.
    pub fn tcp(&mut self, now: Instant, record: &TcpRecord) {
        let service = match record {
            TcpRecord::Opened { service, .. } => *service,
            TcpRecord::Closed(s) => s.service,
        };
        let level = match service {
            TcpService::Client { .. } => Level::Info,
            _ => Level::Detail,
        };
        self.line(level, now, &record.to_string());
    }

    /// Logs neighbours newly resolved (or changed) in `stack`'s cache, at `-v`.
    pub fn neighbors(&mut self, now: Instant, stack: &Stack<'_>) {
        if self.verbosity < Level::Detail as u8 {
            return;
        }
        let current: Vec<(Ipv4Addr, EthernetAddress)> = stack
            .neighbors()
            .neighbors()
            .filter(|(_, state, _)| {
                matches!(state, NeighborState::Reachable | NeighborState::Refreshing)
            })
            .map(|(ip, _, mac)| (ip, mac))
            .collect();
        for &(ip, mac) in &current {
            if !self.neighbors.contains(&(ip, mac)) {
                self.line(Level::Detail, now, &format!("neighbour {ip} is-at {mac}"));
            }
        }
        self.neighbors = current;
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unet_stack::udp::{Endpoint, UdpError};

    fn text(log: Log<Vec<u8>>) -> String {
        String::from_utf8(log.into_inner()).unwrap()
    }

    #[test]
    fn quiet_by_default_detail_with_v() {
        let t = Instant::from_millis(1500);
        let ready = Event::AddressReady(Ipv4Addr::new(192, 0, 2, 2));
        let echo = EchoRecord::Echoed {
            port: 7,
            peer: Endpoint::new(Ipv4Addr::new(192, 0, 2, 1), 4000),
            len: 5,
        };
        let mut quiet = Log::new(Vec::new(), 0);
        quiet.event(t, &ready);
        quiet.echo(t, &echo);
        assert_eq!(text(quiet), "unet host [    1.500000] address 192.0.2.2 ready\n");
        let mut v = Log::new(Vec::new(), 1);
        v.echo(t, &echo);
        v.echo(t, &EchoRecord::Error { port: 7, error: UdpError::BufferFull });
        let out = text(v);
        assert!(out.contains("udp echo :7: 5 bytes back to 192.0.2.1:4000"), "{out}");
        assert!(out.contains("udp echo :7: "), "{out}");
    }
}
