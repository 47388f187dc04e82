//! The dissector: every layer of a captured frame that unet understands, in order.
//!
//! [`walk`] hands each decoded layer to a visitor while its `Repr` (which may borrow the
//! frame) is alive — what tests use to re-emit and compare; [`dissect`] collects the same
//! walk into an owned [`Dissection`] of one-liners, which `unet decode` prints. Either way
//! the walk ends in an [`Outcome`]: decoded as far as unet goes, or stopped at a named layer
//! with the typed [`WireError`] that layer's parser returned. No input makes it panic.

mod app;
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

pub use data::{Data, DataKind};
pub use layer::{IpPair, Layer, LayerKind};

/// What a parse verifies beyond structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Accept frames whose checksums do not verify (captures of outgoing packets taken
    /// before the NIC filled them in: checksum offload).
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

/// `[ipv4: bad checksum]`
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
        let end = at.saturating_add(unit_len);
        let decoded = Decoded { layer, range: at..end, header_len, ip: self.ip };
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
    /// The tcpdump-style one-liner (`Display`).
    pub line: String,
    /// Every field (`{:#}`).
    pub verbose: String,
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
    /// The layers' one-liners joined by ` | `, then the stop reason if decoding stopped:
    /// `02:00:.. > ..., ethertype IPv4 (0x0800) | [ipv4: bad checksum]`.
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
        layers.push(LayerSummary {
            kind: d.layer.kind(),
            range: d.range.clone(),
            header_len: d.header_len,
            line: d.layer.to_string(),
            verbose: format!("{:#}", d.layer),
        });
    });
    Dissection { layers, outcome }
}

#[cfg(test)]
mod tests;
