//! Walking the extension header chain (RFC 8200 §4.1, RFC 7112) from the fixed header's
//! Next Header to the upper-layer protocol.
//!
//! The walk is bounded by [`MAX_EXT_HEADERS`] and enforces two rules that the per-header
//! parsers cannot see:
//!
//! - RFC 8200 §4.1 / §4.3: the Hop-by-Hop Options header may only appear immediately after
//!   the IPv6 header ([`ChainError::HopByHopNotFirst`]);
//! - RFC 7112 §5: a first fragment (offset 0) must hold the whole chain up to and including
//!   the upper-layer header ([`ChainError::IncompleteFirstFragment`]).
//!
//! ```
//! use unet_core::IpProtocol;
//! use unet_ipv6::chain::{Chain, ExtHeader};
//! // Destination Options (PadN) then UDP.
//! let payload = [17, 0, 1, 4, 0, 0, 0, 0, /* UDP */ 0, 53, 0, 53, 0, 8, 0, 0];
//! let chain = Chain::parse(IpProtocol::IPV6_OPTS, &payload).unwrap();
//! assert_eq!(chain.upper_layer(), IpProtocol::UDP);
//! assert_eq!(chain.payload().len(), 8);
//! assert!(matches!(chain.headers().next(), Some(Ok(ExtHeader::DestinationOptions(_)))));
//! ```

use core::fmt;
use core::net::Ipv6Addr;

use unet_core::{IpProtocol, WireError};

use crate::ext::fragment::FragmentRepr;
use crate::ext::hop_by_hop::OptionsRepr;
use crate::ext::len_in_8_octets;
use crate::ext::routing::{RoutingRepr, RoutingType};

/// The most extension headers the walker follows before giving up with
/// [`ChainError::TooManyHeaders`].
///
/// RFC 8200 §4.1 lists at most seven in its recommended order (Destination Options may
/// appear twice); 12 leaves room for AH, Mobility, HIP and Shim6 while bounding the work an
/// attacker can cause (RFC 8504 §5.3 lets hosts set such a limit).
pub const MAX_EXT_HEADERS: usize = 12;

/// Why a header chain was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChainError {
    /// An extension header is malformed or runs past the packet.
    Header {
        /// The header's protocol number.
        protocol: IpProtocol,
        /// Its offset from the end of the fixed header.
        offset: usize,
        /// What is wrong with it.
        error: WireError,
    },
    /// A Hop-by-Hop Options header somewhere other than right after the IPv6 header
    /// (RFC 8200 §4.1); the offset is from the end of the fixed header.
    HopByHopNotFirst {
        /// Offset of the misplaced header.
        offset: usize,
    },
    /// More than [`MAX_EXT_HEADERS`] extension headers.
    TooManyHeaders,
    /// A first fragment that does not hold the whole chain up to and including the
    /// upper-layer header (RFC 7112 §5: discard, and ICMPv6 Parameter Problem code 3 may
    /// be sent).
    IncompleteFirstFragment,
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainError::Header { protocol, offset, error } => {
                write!(f, "{protocol} header at offset {offset}: {error}")
            }
            ChainError::HopByHopNotFirst { offset } => {
                write!(f, "hop-by-hop options header not first (offset {offset})")
            }
            ChainError::TooManyHeaders => {
                write!(f, "more than {MAX_EXT_HEADERS} extension headers")
            }
            ChainError::IncompleteFirstFragment => {
                f.write_str("first fragment has an incomplete header chain")
            }
        }
    }
}

impl core::error::Error for ChainError {}

impl From<ChainError> for WireError {
    /// The nearest protocol-neutral reason.
    fn from(e: ChainError) -> WireError {
        match e {
            ChainError::Header { error, .. } => error,
            ChainError::HopByHopNotFirst { .. } | ChainError::IncompleteFirstFragment => {
                WireError::Malformed
            }
            ChainError::TooManyHeaders => WireError::Unsupported,
        }
    }
}

/// One extension header of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExtHeader<'a> {
    /// Hop-by-Hop Options (RFC 8200 §4.3).
    HopByHop(OptionsRepr<'a>),
    /// Destination Options (RFC 8200 §4.6).
    DestinationOptions(OptionsRepr<'a>),
    /// Routing (RFC 8200 §4.4).
    Routing(RoutingRepr<'a>),
    /// Fragment (RFC 8200 §4.5).
    Fragment(FragmentRepr),
    /// Authentication Header (RFC 4302 §2, length in 4-octet units), Mobility (RFC 6275),
    /// HIP (RFC 7401) or Shim6 (RFC 5533): walked over by its length, kept raw.
    Other {
        /// The header's protocol number.
        protocol: IpProtocol,
        /// The whole header, Next Header byte first.
        header: &'a [u8],
    },
}

impl<'a> ExtHeader<'a> {
    /// Reads the extension header `protocol` at the start of `bytes`.
    ///
    /// Errors: [`WireError::Unsupported`] if `protocol` is not an extension header, else
    /// the header's own parse errors.
    pub fn parse(protocol: IpProtocol, bytes: &'a [u8]) -> Result<ExtHeader<'a>, WireError> {
        Ok(match protocol {
            IpProtocol::HOP_BY_HOP => ExtHeader::HopByHop(OptionsRepr::parse_bytes(bytes)?),
            IpProtocol::IPV6_OPTS => {
                ExtHeader::DestinationOptions(OptionsRepr::parse_bytes(bytes)?)
            }
            IpProtocol::IPV6_ROUTE => ExtHeader::Routing(RoutingRepr::parse_bytes(bytes)?),
            IpProtocol::IPV6_FRAGMENT => ExtHeader::Fragment(FragmentRepr::parse_bytes(bytes)?),
            IpProtocol::AH => {
                // RFC 4302 §2.2: Payload Len is the length in 32-bit words, minus 2.
                let words = usize::from(*bytes.get(1).ok_or(WireError::Truncated)?);
                let len = (words + 2) * 4;
                let header = bytes.get(..len).ok_or(WireError::Truncated)?;
                ExtHeader::Other { protocol, header }
            }
            p if p.is_ipv6_extension() => {
                let len = len_in_8_octets(bytes)?;
                let header = bytes.get(..len).ok_or(WireError::Truncated)?;
                ExtHeader::Other { protocol, header }
            }
            _ => return Err(WireError::Unsupported),
        })
    }

    /// The protocol number that names this header.
    pub fn protocol(&self) -> IpProtocol {
        match self {
            ExtHeader::HopByHop(_) => IpProtocol::HOP_BY_HOP,
            ExtHeader::DestinationOptions(_) => IpProtocol::IPV6_OPTS,
            ExtHeader::Routing(_) => IpProtocol::IPV6_ROUTE,
            ExtHeader::Fragment(_) => IpProtocol::IPV6_FRAGMENT,
            ExtHeader::Other { protocol, .. } => *protocol,
        }
    }

    /// The Next Header field: what follows this header.
    pub fn next_header(&self) -> IpProtocol {
        match self {
            ExtHeader::HopByHop(r) | ExtHeader::DestinationOptions(r) => r.next_header,
            ExtHeader::Routing(r) => r.next_header,
            ExtHeader::Fragment(r) => r.next_header,
            ExtHeader::Other { header, .. } => IpProtocol(header.first().copied().unwrap_or(59)),
        }
    }

    /// Length of the header in bytes.
    pub fn header_len(&self) -> usize {
        match self {
            ExtHeader::HopByHop(r) | ExtHeader::DestinationOptions(r) => r.header_len(),
            ExtHeader::Routing(r) => r.header_len(),
            ExtHeader::Fragment(r) => r.header_len(),
            ExtHeader::Other { header, .. } => header.len(),
        }
    }

    /// Writes the header at the start of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<(), WireError> {
        match self {
            ExtHeader::HopByHop(r) | ExtHeader::DestinationOptions(r) => r.emit(buf),
            ExtHeader::Routing(r) => r.emit(buf),
            ExtHeader::Fragment(r) => r.emit(buf),
            ExtHeader::Other { header, .. } => {
                let out = buf.get_mut(..header.len()).ok_or(WireError::BufferTooSmall)?;
                out.copy_from_slice(header);
                Ok(())
            }
        }
    }
}

impl fmt::Display for ExtHeader<'_> {
    /// `[hbh (router-alert MLD, padn 0)]`, `[frag id 0x1234 off 0 M]`, ...; `{:#}` passes
    /// the alternate flag to the header.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let alt = f.alternate();
        f.write_str("[")?;
        match (self, alt) {
            (ExtHeader::HopByHop(r), false) => write!(f, "hbh {r}")?,
            (ExtHeader::HopByHop(r), true) => write!(f, "hbh {r:#}")?,
            (ExtHeader::DestinationOptions(r), false) => write!(f, "dstopt {r}")?,
            (ExtHeader::DestinationOptions(r), true) => write!(f, "dstopt {r:#}")?,
            (ExtHeader::Routing(r), false) => write!(f, "{r}")?,
            (ExtHeader::Routing(r), true) => write!(f, "{r:#}")?,
            (ExtHeader::Fragment(r), false) => write!(f, "{r}")?,
            (ExtHeader::Fragment(r), true) => write!(f, "{r:#}")?,
            (ExtHeader::Other { protocol, header }, _) => {
                write!(f, "{protocol} length {}", header.len())?
            }
        }
        f.write_str("]")
    }
}

/// Minimum bytes of an upper-layer header that RFC 7112 requires in a first fragment, for
/// the protocols whose header size unet knows (0 for the others: reaching them suffices).
const fn upper_header_min_len(p: IpProtocol) -> usize {
    match p.0 {
        6 => 20,   // TCP (RFC 9293 §3.1)
        17 => 8,   // UDP (RFC 768)
        58 => 4,   // ICMPv6 type, code, checksum (RFC 4443 §2.1)
        41 => 40,  // IPv6 in IPv6 (RFC 2473)
        4 => 20,   // IPv4 in IPv6
        132 => 12, // SCTP common header (RFC 9260 §3.1)
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Walking,
    /// The upper layer is reached (or a later fragment's data begins).
    Done,
}

/// An iterator over the extension headers that follow a fixed header.
///
/// Yields each header, or one `Err` (after which it ends). When it has ended without
/// error, [`ExtHeaders::upper_layer`] and [`ExtHeaders::rest`] give what follows the chain.
#[derive(Debug, Clone)]
pub struct ExtHeaders<'a> {
    next: IpProtocol,
    rest: &'a [u8],
    offset: usize,
    count: usize,
    first_fragment: bool,
    later_fragment: bool,
    state: State,
}

impl<'a> ExtHeaders<'a> {
    /// The chain starting with `next_header` (the fixed header's) over `payload` (the
    /// fixed header's payload).
    pub const fn new(next_header: IpProtocol, payload: &'a [u8]) -> ExtHeaders<'a> {
        ExtHeaders {
            next: next_header,
            rest: payload,
            offset: 0,
            count: 0,
            first_fragment: false,
            later_fragment: false,
            state: State::Walking,
        }
    }

    /// The protocol after the headers walked so far (the upper layer once the walk ended).
    pub const fn upper_layer(&self) -> IpProtocol {
        self.next
    }

    /// The bytes after the headers walked so far.
    pub const fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// Offset of [`ExtHeaders::rest`] from the end of the fixed header.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// True once a Fragment header with a non-zero offset was walked: what follows is
    /// fragment data, not headers.
    pub const fn is_later_fragment(&self) -> bool {
        self.later_fragment
    }

    fn fail(&mut self, e: ChainError) -> Option<Result<ExtHeader<'a>, ChainError>> {
        self.state = State::Done;
        Some(Err(e))
    }
}

impl<'a> Iterator for ExtHeaders<'a> {
    type Item = Result<ExtHeader<'a>, ChainError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state == State::Done {
            return None;
        }
        if !self.next.is_ipv6_extension() {
            self.state = State::Done;
            if self.first_fragment && self.rest.len() < upper_header_min_len(self.next) {
                return Some(Err(ChainError::IncompleteFirstFragment));
            }
            return None;
        }
        if self.count >= MAX_EXT_HEADERS {
            return self.fail(ChainError::TooManyHeaders);
        }
        if self.next == IpProtocol::HOP_BY_HOP && self.count > 0 {
            return self.fail(ChainError::HopByHopNotFirst { offset: self.offset });
        }
        let header = match ExtHeader::parse(self.next, self.rest) {
            Ok(h) => h,
            Err(WireError::Truncated) if self.first_fragment => {
                return self.fail(ChainError::IncompleteFirstFragment)
            }
            Err(error) => {
                let e = ChainError::Header { protocol: self.next, offset: self.offset, error };
                return self.fail(e);
            }
        };
        let len = header.header_len();
        self.rest = self.rest.get(len..).unwrap_or(&[]);
        self.offset = self.offset.saturating_add(len);
        self.count += 1;
        self.next = header.next_header();
        if let ExtHeader::Fragment(frag) = header {
            if frag.is_first() {
                self.first_fragment = true;
            } else {
                // RFC 8200 §4.5: a later fragment carries only fragment data after the
                // Fragment header; nothing in it can be read as a header.
                self.later_fragment = true;
                self.state = State::Done;
            }
        }
        Some(Ok(header))
    }
}

/// A validated header chain: where the upper layer starts and the Fragment header, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chain<'a> {
    first: IpProtocol,
    bytes: &'a [u8],
    upper_layer: IpProtocol,
    upper_offset: usize,
    count: usize,
    fragment: Option<FragmentRepr>,
}

impl<'a> Chain<'a> {
    /// Walks the whole chain after a fixed header whose Next Header is `next_header` and
    /// whose payload is `payload`.
    pub fn parse(next_header: IpProtocol, payload: &'a [u8]) -> Result<Chain<'a>, ChainError> {
        let mut walk = ExtHeaders::new(next_header, payload);
        let mut fragment = None;
        let mut count = 0;
        for h in walk.by_ref() {
            if let ExtHeader::Fragment(f) = h? {
                fragment = Some(f);
            }
            count += 1;
        }
        Ok(Chain {
            first: next_header,
            bytes: payload,
            upper_layer: walk.upper_layer(),
            upper_offset: walk.offset(),
            count,
            fragment,
        })
    }

    /// The extension headers, again (each already checked, so none yields `Err`).
    pub fn headers(&self) -> ExtHeaders<'a> {
        ExtHeaders::new(self.first, self.bytes)
    }

    /// The upper-layer protocol (or ESP, or No Next Header; for a later fragment, the
    /// Fragment header's Next Header).
    pub const fn upper_layer(&self) -> IpProtocol {
        self.upper_layer
    }

    /// Bytes of extension headers: the upper layer's offset in the fixed header's payload.
    pub const fn upper_offset(&self) -> usize {
        self.upper_offset
    }

    /// How many extension headers there are.
    pub const fn len(&self) -> usize {
        self.count
    }

    /// True when there is no extension header.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The Fragment header, if the packet is a fragment.
    pub const fn fragment(&self) -> Option<FragmentRepr> {
        self.fragment
    }

    /// True for a fragment other than the first: [`Chain::payload`] is fragment data.
    pub fn is_later_fragment(&self) -> bool {
        self.fragment.is_some_and(|f| !f.is_first())
    }

    /// The destination address an upper-layer checksum uses (RFC 8200 §8.1): with a
    /// Routing header whose Segments Left is not zero, the final destination (the last
    /// address of a type 0 header, the first segment of a Segment Routing Header, the
    /// home address of a type 2 header); otherwise `dst`, the fixed header's.
    pub fn final_destination(&self, dst: Ipv6Addr) -> Ipv6Addr {
        let mut out = dst;
        for h in self.headers().flatten() {
            if let ExtHeader::Routing(r) = h {
                if r.segments_left == 0 {
                    continue;
                }
                let found = match r.routing_type {
                    RoutingType::SEGMENT_ROUTING => r.addresses().and_then(|mut a| a.next()),
                    _ => r.addresses().and_then(|a| a.last()),
                };
                if let Some(a) = found {
                    out = a;
                }
            }
        }
        out
    }

    /// The bytes after the chain: the upper-layer header and data.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(self.upper_offset..).unwrap_or(&[])
    }
}

impl fmt::Display for Chain<'_> {
    /// The headers, each in brackets, separated by spaces (nothing if there are none).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, h) in self.headers().flatten().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if f.alternate() {
                write!(f, "{h:#}")?;
            } else {
                write!(f, "{h}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "chain_tests.rs"]
mod tests;
