//! The demo's transcript: what the hosts do and what crosses the switch, one line each, at
//! virtual time.
//!
//! ```text
//!     1.000000  alpha    ping 192.0.2.2 icmp_seq=1, 56 bytes
//!     1.000000  alpha    > ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28
//!     1.001000  bravo    > ARP, Reply 192.0.2.2 is-at 02:00:c0:00:02:02, length 28
//! ```
//!
//! Lines with `>` are frames a host put on the wire, decoded by unet's own dissector (the
//! Ethernet header left out); the others are what the hosts' applications and stacks
//! report. Every frame is also kept for the capture written at the end. During a TCP
//! transfer a [`TcpDigest`] keeps the wire lines to the interesting ones (see
//! [`Transcript::digest_tcp`]).

use std::io::{self, Write};

use unet_core::Instant;
use unet_netif::memory::{MirroredFrame, Switch};
use unet_netif::pcap::LinkType;

use super::digest::{TcpDigest, Verdict};
use crate::decode::{dissect, LayerKind, Options, Outcome};

/// Width of the host name column.
const NAME_WIDTH: usize = 8;

/// The transcript writer. Write errors are kept (the first one) and reported at the end,
/// so the demo's logic never stops halfway for a closed pipe.
pub struct Transcript<'o> {
    out: &'o mut dyn Write,
    error: Option<io::Error>,
    /// Host names by switch port.
    names: Vec<&'static str>,
    /// Every frame that entered the switch, in order.
    frames: Vec<MirroredFrame>,
    /// Frames lost on each port's link, as last reported.
    lost: Vec<u64>,
    /// Print the wire lines.
    wire: bool,
    /// Summarising a TCP transfer.
    digest: Option<TcpDigest>,
}

impl std::fmt::Debug for Transcript<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transcript").field("frames", &self.frames.len()).finish()
    }
}

impl<'o> Transcript<'o> {
    /// A transcript to `out`; `wire` prints every frame.
    pub fn new(out: &'o mut dyn Write, wire: bool) -> Transcript<'o> {
        Transcript {
            out,
            error: None,
            names: Vec::new(),
            frames: Vec::new(),
            lost: Vec::new(),
            wire,
            digest: None,
        }
    }

    /// Names the host on the next switch port.
    pub fn add_name(&mut self, name: &'static str) {
        self.names.push(name);
        self.lost.push(0);
    }

    /// The name of the host on `port`.
    pub fn name(&self, port: usize) -> &'static str {
        self.names.get(port).copied().unwrap_or("?")
    }

    /// Writes one raw line.
    pub fn raw(&mut self, text: &str) {
        if self.error.is_none() {
            if let Err(e) = writeln!(self.out, "{text}") {
                self.error = Some(e);
            }
        }
    }

    /// A scene's heading.
    pub fn heading(&mut self, number: usize, title: &str) {
        self.raw("");
        self.raw(&format!("== {number}. {title}"));
    }

    /// An explanation, indented, without time.
    pub fn note(&mut self, text: &str) {
        self.raw(&format!("   {text}"));
    }

    /// A timed line about `who`.
    pub fn line(&mut self, at: Instant, who: &str, text: &str) {
        let at = at.to_string();
        self.raw(&format!("{at:>12}  {who:<NAME_WIDTH$} {text}"));
    }

    /// A timed line about the host on `port`.
    pub fn say(&mut self, at: Instant, port: usize, text: &str) {
        let name = self.name(port);
        self.line(at, name, text);
    }

    /// From now on, shows only the TCP segments worth reading: those opening, closing or
    /// resetting a connection, the first `show` data segments and ACKs, the first
    /// `retransmissions` retransmissions (marked); the others, and the frames the links
    /// lose, are counted for [`Transcript::end_digest`].
    pub fn digest_tcp(&mut self, show: usize, retransmissions: usize) {
        self.digest = Some(TcpDigest::new(show, retransmissions));
    }

    /// Ends the digest: prints its summary line (at `at`) and returns the retransmitted
    /// segments it saw on the wire.
    pub fn end_digest(&mut self, at: Instant) -> u64 {
        let Some(mut digest) = self.digest.take() else { return 0 };
        if let (true, Some(line)) = (self.wire, digest.take_summary()) {
            self.line(at, "", &line);
        }
        digest.retransmissions()
    }

    /// Takes the frames the switch saw since the last call, prints them (unless the wire
    /// is hidden, or a digest hides them) and any frame the links lost since.
    pub fn wire(&mut self, switch: &Switch) {
        for frame in switch.take_mirror() {
            let verdict = self.digest.as_mut().map_or(Verdict::Show, |d| d.judge(&frame.data));
            if verdict == Verdict::ShowClose && self.wire {
                if let Some(line) = self.digest.as_mut().and_then(|d| d.take_summary()) {
                    self.line(frame.at, "", &line);
                }
            }
            if self.wire && verdict != Verdict::Hide {
                let mark = if verdict == Verdict::ShowRetransmission { "> again: " } else { "> " };
                let text = format!("{mark}{}", describe(&frame.data));
                self.say(frame.at, frame.port, &text);
            }
            self.frames.push(frame);
        }
        for port in 0..self.lost.len() {
            let lost = switch.stats(port).map_or(0, |s| s.lost);
            let before = self.lost.get(port).copied().unwrap_or(0);
            if let (true, Some(d)) = (lost > before, self.digest.as_mut()) {
                d.lost = d.lost.saturating_add(lost.saturating_sub(before));
            } else if lost > before {
                let n = lost.saturating_sub(before);
                let name = self.name(port);
                let s = if n == 1 { "" } else { "s" };
                let text = format!("x {n} frame{s} lost on the link to {name}");
                self.line(switch.now(), "switch", &text);
            }
            if let Some(l) = self.lost.get_mut(port) {
                *l = lost;
            }
        }
    }

    /// Frames seen so far.
    pub fn frames(&self) -> &[MirroredFrame] {
        &self.frames
    }

    /// The frames, or the first write error.
    pub fn finish(self) -> Result<Vec<MirroredFrame>, io::Error> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.frames),
        }
    }

    /// Flushes the output.
    pub fn flush(&mut self) {
        if self.error.is_none() {
            if let Err(e) = self.out.flush() {
                self.error = Some(e);
            }
        }
    }
}

/// A frame as the dissector reads it, without its Ethernet header (the host name says who
/// sent it): `ARP, Request who-has 192.0.2.2 tell 192.0.2.1, length 28`.
pub fn describe(frame: &[u8]) -> String {
    let d = dissect(LinkType::ETHERNET, frame, Options::default());
    let mut parts: Vec<&str> = d
        .layers
        .iter()
        .filter(|l| l.kind != LayerKind::Ethernet)
        .map(|l| l.line.as_str())
        .collect();
    let stop;
    if let Outcome::Stopped(s) = d.outcome {
        stop = s.to_string();
        parts.push(&stop);
    }
    if parts.is_empty() {
        return d.line();
    }
    parts.join(" | ")
}
