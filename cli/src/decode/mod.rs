//! The dissector: every layer of a captured frame that unet understands, in order.
//!
//! [`walk`] hands each decoded layer to a visitor while its `Repr` (which may borrow the
//! frame) is alive — what tests use to re-emit and compare; [`dissect`] collects the same
//! walk into an owned [`Dissection`] of one-liners, which `unet decode` prints. Either way
//! the walk ends in an [`Outcome`]: decoded as far as unet goes, or stopped at a named layer
//! with the typed [`WireError`] that layer's parser returned. No input makes it panic.
//!
//! A checksum that does not verify is not a stop: checksum offload leaves outgoing packets
//! unfilled in captures, so, like tcpdump, the walk reads the layer without its checksum,
//! goes on into its payload, and marks the layer with a [`ChecksumStatus`] (see
//! [`Decoded::checksum`]). Only structural errors (truncated, bad length, malformed
//! options...) stop it.

mod app;
mod checksum;
mod data;
mod ip;
mod layer;
mod link;
pub mod sll;
mod transport;

use std::fmt;
use std::ops::Range;

use unet_core::WireError;
use unet_netif::pcap::LinkType;

pub use checksum::ChecksumStatus;
pub use data::{Data, DataKind};
pub use layer::{IpPair, Layer, LayerKind};

/// What a parse verifies beyond structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Verify no checksum (nothing is marked then). Without it, every checksum is verified
    /// and one that fails marks its layer, see [`Decoded::checksum`].
    pub skip_checksums: bool,
}

/// One decoded layer, as the visitor of [`walk`] sees it.
#[derive(Debug)]
pub struct Decoded<'p> {
    /// The layer's parsed header.
    pub layer: Layer<'p>,
    /// Where the layer's unit (header and everything it carries) lies in the frame.
    pub range: Range<usize>,
    /// How many bytes at the start of `range` are this layer's header.
    pub header_len: usize,
    /// The addresses of the closest IP header around this layer (for pseudo-header
    /// checksums), if there is one.
    pub ip: Option<IpPair>,
    /// How the layer's checksum compared, for a layer that has one (IPv4 header, ICMP,
    /// IGMP, ICMPv6, UDP, TCP) and was verified: not with [`Options::skip_checksums`], nor
    /// for a transport in an IP fragment, whose checksum covers bytes not in this frame.
    pub checksum: Option<ChecksumStatus>,
}

/// Where decoding stopped, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stop {
    /// The layer whose parser refused the bytes.
    pub layer: LayerKind,
    /// Its typed reason.
    pub error: WireError,
    /// Offset in the frame where that layer starts.
    pub offset: usize,
}

/// `[ipv4: truncated]`
impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}: {}]", self.layer, self.error)
    }
}

/// How a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every layer unet has a parser for decoded; what follows (if anything) is data.
    Complete,
    /// A layer's parser refused the bytes.
    Stopped(Stop),
}

impl Outcome {
    /// True for [`Outcome::Complete`].
    pub fn is_complete(&self) -> bool {
        matches!(self, Outcome::Complete)
    }
}

/// The state of one walk: the visitor, the options, and the innermost IP addresses.
pub(crate) struct Walker<'v> {
    visit: &'v mut dyn FnMut(&Decoded<'_>),
    options: Options,
    ip: Option<IpPair>,
}

impl Walker<'_> {
    /// Hands one layer to the visitor. `at` is where the unit starts in the frame.
    pub(crate) fn emit(&mut self, layer: Layer<'_>, at: usize, unit_len: usize, header_len: usize) {
        self.emit_checked(layer, at, unit_len, header_len, None);
    }

    /// [`emit`](Walker::emit) for a layer with a checksum, and how it compared.
    pub(crate) fn emit_checked(
        &mut self,
        layer: Layer<'_>,
        at: usize,
        unit_len: usize,
        header_len: usize,
        checksum: Option<ChecksumStatus>,
    ) {
        let end = at.saturating_add(unit_len);
        let decoded = Decoded { layer, range: at..end, header_len, ip: self.ip, checksum };
        (self.visit)(&decoded);
    }

    pub(crate) fn checksums(&self) -> bool {
        !self.options.skip_checksums
    }
}

/// The result of a layer's step: `Ok` when the walk may go on, `Err(Stop)` when it ends.
pub(crate) type Step = Result<(), Stop>;

/// Makes a [`Stop`] for `layer` at `offset`.
pub(crate) fn stop(layer: LayerKind, offset: usize) -> impl FnOnce(WireError) -> Stop {
    move |error| Stop { layer, error, offset }
}

/// Decodes `frame` (of `link_type`), calling `visit` for each layer from the outside in.
pub fn walk(
    link_type: LinkType,
    frame: &[u8],
    options: Options,
    visit: &mut dyn FnMut(&Decoded<'_>),
) -> Outcome {
    let mut walker = Walker { visit, options, ip: None };
    match link::walk_link(&mut walker, link_type, frame) {
        Ok(()) => Outcome::Complete,
        Err(stop) => Outcome::Stopped(stop),
    }
}

/// One layer of a [`Dissection`], as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerSummary {
    /// Which protocol.
    pub kind: LayerKind,
    /// Where its unit lies in the frame.
    pub range: Range<usize>,
    /// Its header's length.
    pub header_len: usize,
    /// How its checksum compared, if it has one and it was verified.
    pub checksum: Option<ChecksumStatus>,
    /// The tcpdump-style one-liner (`Display`), followed by ` [bad cksum 0x0000 -> 0xb404]`
    /// when the checksum did not verify.
    pub line: String,
    /// Every field (`{:#}`); a verified checksum ends its first line: `, cksum 0xb404
    /// (correct)` or `, cksum 0x0000 (incorrect -> 0xb404)`.
    pub verbose: String,
}

impl LayerSummary {
    /// True when the layer's checksum was verified and did not verify.
    pub fn has_bad_checksum(&self) -> bool {
        self.checksum.is_some_and(|c| !c.ok)
    }
}

/// An owned record of a whole walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissection {
    /// The decoded layers, outermost first.
    pub layers: Vec<LayerSummary>,
    /// How the walk ended.
    pub outcome: Outcome,
}

impl Dissection {
    /// The layers with a checksum that did not verify, outermost first.
    pub fn bad_checksums(&self) -> impl Iterator<Item = &LayerSummary> {
        self.layers.iter().filter(|l| l.has_bad_checksum())
    }

    /// The layers' one-liners joined by ` | `, then the stop reason if decoding stopped:
    /// `02:00:.. > ..., ethertype IPv4 (0x0800) | [ipv4: truncated]`.
    pub fn line(&self) -> String {
        let mut parts: Vec<String> = self.layers.iter().map(|l| l.line.clone()).collect();
        if let Outcome::Stopped(stop) = self.outcome {
            parts.push(stop.to_string());
        }
        parts.join(" | ")
    }
}

/// Decodes `frame` into an owned [`Dissection`].
pub fn dissect(link_type: LinkType, frame: &[u8], options: Options) -> Dissection {
    let mut layers = Vec::new();
    let outcome = walk(link_type, frame, options, &mut |d: &Decoded<'_>| {
        let mut line = d.layer.to_string();
        let mut verbose = format!("{:#}", d.layer);
        if let Some(checksum) = d.checksum {
            if !checksum.ok {
                line = format!("{line} [{checksum}]");
            }
            // After the first line: the rest of a multi-line form is its body.
            let first_end = verbose.find('\n').unwrap_or(verbose.len());
            verbose.insert_str(first_end, &format!(", {checksum:#}"));
        }
        layers.push(LayerSummary {
            kind: d.layer.kind(),
            range: d.range.clone(),
            header_len: d.header_len,
            checksum: d.checksum,
            line,
            verbose,
        });
    });
    Dissection { layers, outcome }
}

#[cfg(test)]
mod tests;
