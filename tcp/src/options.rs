//! A segment's whole option list: as captured ([`TcpOptions::Raw`], re-emitted byte for
//! byte) or built from typed values ([`TcpOptions::Typed`] holding an [`OptionSet`],
//! emitted in a canonical layout).

use core::fmt;

use unet_core::WireError;

use crate::option::{OptionIter, SackBlocks, TcpOption, Timestamps};

/// Most option bytes a header can hold: the data offset counts at most 15 words, 5 of
/// which are the fixed header (RFC 9293 §3.1).
pub const MAX_OPTIONS_LEN: usize = 40;

/// The options a new segment carries, as values.
///
/// [`emit`](OptionSet::emit) writes them the way Linux does, every option 4-byte aligned
/// with NOPs (RFC 9293 §3.2 allows any layout; this one is what peers and middleboxes see
/// most): `mss`, then `sackOK` folded into the Timestamps word (`sackOK,TS` or
/// `nop,nop,TS`), or `nop,nop,sackOK` without Timestamps, then `nop,wscale`, then
/// `nop,nop,sack`.
///
/// ```
/// use unet_tcp::{OptionSet, Timestamps};
/// let syn = OptionSet {
///     mss: Some(1460),
///     window_scale: Some(7),
///     sack_permitted: true,
///     timestamps: Some(Timestamps { tsval: 1, tsecr: 0 }),
///     ..OptionSet::default()
/// };
/// let mut buf = [0u8; 40];
/// let n = syn.emit(&mut buf).unwrap();
/// assert_eq!(&buf[..n], &[2, 4, 5, 180, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct OptionSet {
    /// Maximum Segment Size (RFC 9293 §3.7.1), SYN only.
    pub mss: Option<u16>,
    /// Window Scale shift count (RFC 7323 §2), SYN only.
    pub window_scale: Option<u8>,
    /// SACK-Permitted (RFC 2018 §2), SYN only.
    pub sack_permitted: bool,
    /// SACK blocks (RFC 2018 §3); empty for none. With Timestamps, at most three fit.
    pub sack_blocks: SackBlocks,
    /// Timestamps (RFC 7323 §3).
    pub timestamps: Option<Timestamps>,
}

impl OptionSet {
    /// Collects the typed values from an option list (unknown kinds, NOPs and EOL are
    /// dropped; of a repeated option the first counts). Stops at the first malformed option
    /// with its error.
    pub fn from_options<'a, I>(options: I) -> Result<OptionSet, WireError>
    where
        I: IntoIterator<Item = Result<TcpOption<'a>, WireError>>,
    {
        let mut set = OptionSet::default();
        let (mut seen_sack, mut seen_ts) = (false, false);
        for option in options {
            match option? {
                TcpOption::MaxSegmentSize(v) => set.mss = set.mss.or(Some(v)),
                TcpOption::WindowScale(v) => set.window_scale = set.window_scale.or(Some(v)),
                TcpOption::SackPermitted => set.sack_permitted = true,
                TcpOption::Sack(blocks) if !seen_sack => {
                    set.sack_blocks = blocks;
                    seen_sack = true;
                }
                TcpOption::Timestamps(ts) if !seen_ts => {
                    set.timestamps = Some(ts);
                    seen_ts = true;
                }
                _ => {}
            }
        }
        Ok(set)
    }

    /// The options in canonical order, NOP padding included.
    pub fn layout(&self) -> Layout {
        Layout { set: *self, step: 0 }
    }

    /// Bytes of the canonical layout (a multiple of 4; may exceed [`MAX_OPTIONS_LEN`], in
    /// which case [`emit`](OptionSet::emit) refuses).
    pub fn buffer_len(&self) -> usize {
        // Closed form of the layout (this is on every segment's send path): each group is
        // one 32-bit-aligned piece of `layout`.
        let mss = if self.mss.is_some() { 4 } else { 0 };
        let sack_ts = match (self.timestamps.is_some(), self.sack_permitted) {
            (true, _) => 12,
            (false, true) => 4,
            (false, false) => 0,
        };
        let wscale = if self.window_scale.is_some() { 4 } else { 0 };
        let blocks = self.sack_blocks.len();
        let sack = if blocks == 0 { 0 } else { 4 + 8 * blocks };
        mss + sack_ts + wscale + sack
    }

    /// Writes the canonical layout at the start of `buf`; returns the bytes written.
    ///
    /// [`WireError::BadOption`] if the options exceed the 40 bytes a header can hold (four
    /// SACK blocks with Timestamps, say), [`WireError::BufferTooSmall`] if `buf` is short.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        if len > MAX_OPTIONS_LEN {
            return Err(WireError::BadOption);
        }
        let mut out = Writer { buf: buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?, at: 0 };
        // The same pieces, in the same order, as `layout` yields (a property test holds the
        // two together); written directly because this runs for every segment sent.
        const NOP: u8 = 1;
        if let Some(mss) = self.mss {
            let [hi, lo] = mss.to_be_bytes();
            out.put(&[2, 4, hi, lo])?;
        }
        match (self.timestamps, self.sack_permitted) {
            (Some(ts), true) => {
                out.put(&[4, 2, 8, 10])?;
                out.put(&ts.tsval.to_be_bytes())?;
                out.put(&ts.tsecr.to_be_bytes())?;
            }
            (Some(ts), false) => {
                out.put(&[NOP, NOP, 8, 10])?;
                out.put(&ts.tsval.to_be_bytes())?;
                out.put(&ts.tsecr.to_be_bytes())?;
            }
            (None, true) => out.put(&[NOP, NOP, 4, 2])?,
            (None, false) => {}
        }
        if let Some(shift) = self.window_scale {
            out.put(&[NOP, 3, 3, shift])?;
        }
        let blocks = self.sack_blocks.as_slice();
        if !blocks.is_empty() {
            // 2 + 8n <= 34 fits the byte.
            out.put(&[NOP, NOP, 5, (2 + 8 * blocks.len()) as u8])?;
            for block in blocks {
                out.put(&block.left.0.to_be_bytes())?;
                out.put(&block.right.0.to_be_bytes())?;
            }
        }
        Ok(out.at)
    }
}

/// Sequential writes into a slice sized for them; never panics.
struct Writer<'b> {
    buf: &'b mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), WireError> {
        let end = self.at + bytes.len();
        let dst = self.buf.get_mut(self.at..end).ok_or(WireError::BufferTooSmall)?;
        dst.copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }
}

/// The options of an [`OptionSet`] in canonical order (see [`OptionSet::layout`]),
/// generated one at a time.
#[derive(Clone, Debug)]
pub struct Layout {
    set: OptionSet,
    /// The next slot of the layout to consider (see `slot`).
    step: u8,
}

impl Layout {
    /// What slot `step` of the canonical layout holds for this set, if anything. Each group
    /// of slots is one 32-bit-aligned piece: `mss` | `sackOK,TS` or `nop,nop,TS` or
    /// `nop,nop,sackOK` | `nop,wscale` | `nop,nop,sack`.
    fn slot(&self, step: u8) -> Option<TcpOption<'static>> {
        let s = &self.set;
        let nop = Some(TcpOption::NoOperation);
        let ts = s.timestamps.map(TcpOption::Timestamps);
        match (step, ts.is_some(), s.sack_permitted) {
            (0, ..) => s.mss.map(TcpOption::MaxSegmentSize),
            (1, true, true) => Some(TcpOption::SackPermitted),
            (2, true, true) => ts,
            (1 | 2, true, false) | (1 | 2, false, true) => nop,
            (3, true, false) => ts,
            (3, false, true) => Some(TcpOption::SackPermitted),
            (4, ..) => s.window_scale.and(nop),
            (5, ..) => s.window_scale.map(TcpOption::WindowScale),
            (6 | 7, ..) if !s.sack_blocks.is_empty() => nop,
            (8, ..) if !s.sack_blocks.is_empty() => Some(TcpOption::Sack(s.sack_blocks)),
            _ => None,
        }
    }
}

impl Iterator for Layout {
    type Item = TcpOption<'static>;

    fn next(&mut self) -> Option<TcpOption<'static>> {
        while self.step <= 8 {
            let step = self.step;
            self.step += 1;
            if let Some(option) = self.slot(step) {
                return Some(option);
            }
        }
        None
    }
}

impl core::iter::FusedIterator for Layout {}

/// A segment's options.
///
/// Two values are equal when they emit the same bytes: a parsed `Raw` list equals the
/// `Typed` set it was emitted from, and two `Raw` lists with the same options in another
/// order or padding differ.
#[derive(Clone, Copy, Debug)]
pub enum TcpOptions<'a> {
    /// Bytes from a received segment (validated by [`TcpOptions::parse`]), re-emitted
    /// unchanged: order, NOP padding, unknown kinds and anything after EOL are kept.
    Raw(&'a [u8]),
    /// Typed values, emitted in the canonical layout of [`OptionSet::emit`].
    Typed(OptionSet),
}

impl Default for TcpOptions<'_> {
    fn default() -> Self {
        TcpOptions::Typed(OptionSet::default())
    }
}

/// The timestamps of the layout nearly every data segment of a connection with RFC 7323
/// timestamps carries: NOP, NOP, Timestamps (RFC 7323 Appendix A), read without walking
/// the option list (the "fast path" Linux has too). `None` for any other layout.
fn fast_timestamps(bytes: &[u8]) -> Option<Timestamps> {
    let [1, 1, 8, 10, v0, v1, v2, v3, e0, e1, e2, e3] = *bytes else { return None };
    Some(Timestamps {
        tsval: u32::from_be_bytes([v0, v1, v2, v3]),
        tsecr: u32::from_be_bytes([e0, e1, e2, e3]),
    })
}

impl<'a> TcpOptions<'a> {
    /// Checks every option in `bytes` (the bytes between the fixed header and the data),
    /// [`WireError::BadOption`] for a malformed one, and keeps them raw.
    pub fn parse(bytes: &'a [u8]) -> Result<TcpOptions<'a>, WireError> {
        if bytes.len() > MAX_OPTIONS_LEN {
            return Err(WireError::BadOption);
        }
        if bytes.is_empty() || fast_timestamps(bytes).is_some() {
            return Ok(TcpOptions::Raw(bytes));
        }
        for option in OptionIter::new(bytes) {
            option?;
        }
        Ok(TcpOptions::Raw(bytes))
    }

    /// The options, in wire order.
    pub fn iter(&self) -> Options<'a> {
        match self {
            TcpOptions::Raw(bytes) => Options::Raw(OptionIter::new(bytes)),
            TcpOptions::Typed(set) => Options::Typed(set.layout()),
        }
    }

    /// The typed values (for `Raw`, what [`OptionSet::from_options`] finds before any
    /// malformed option).
    pub fn to_set(&self) -> OptionSet {
        match self {
            TcpOptions::Typed(set) => *set,
            TcpOptions::Raw([]) => OptionSet::default(),
            TcpOptions::Raw(bytes) => {
                if let Some(ts) = fast_timestamps(bytes) {
                    return OptionSet { timestamps: Some(ts), ..OptionSet::default() };
                }
                let valid = OptionIter::new(bytes).map_while(|o| o.ok()).map(Ok);
                OptionSet::from_options(valid).unwrap_or_default()
            }
        }
    }

    /// Maximum Segment Size, if present.
    pub fn mss(&self) -> Option<u16> {
        self.to_set().mss
    }

    /// Window Scale shift count, if present.
    pub fn window_scale(&self) -> Option<u8> {
        self.to_set().window_scale
    }

    /// True when SACK-Permitted is present.
    pub fn sack_permitted(&self) -> bool {
        self.to_set().sack_permitted
    }

    /// SACK blocks (empty when there is no SACK option).
    pub fn sack_blocks(&self) -> SackBlocks {
        self.to_set().sack_blocks
    }

    /// Timestamps, if present.
    pub fn timestamps(&self) -> Option<Timestamps> {
        self.to_set().timestamps
    }

    /// Bytes on the wire.
    pub fn buffer_len(&self) -> usize {
        match self {
            TcpOptions::Raw(bytes) => bytes.len(),
            TcpOptions::Typed(set) => set.buffer_len(),
        }
    }

    /// True when there is no option byte.
    pub fn is_empty(&self) -> bool {
        self.buffer_len() == 0
    }

    /// Writes the options at the start of `buf`; returns the bytes written.
    ///
    /// [`WireError::BadOption`] if they exceed 40 bytes or, for `Raw`, are not a whole
    /// number of 32-bit words (the data offset could not count them);
    /// [`WireError::BufferTooSmall`] if `buf` is short.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        match self {
            TcpOptions::Raw(bytes) => {
                if bytes.len() > MAX_OPTIONS_LEN || bytes.len() % 4 != 0 {
                    return Err(WireError::BadOption);
                }
                let out = buf.get_mut(..bytes.len()).ok_or(WireError::BufferTooSmall)?;
                out.copy_from_slice(bytes);
                Ok(bytes.len())
            }
            TcpOptions::Typed(set) => set.emit(buf),
        }
    }
}

impl PartialEq for TcpOptions<'_> {
    fn eq(&self, other: &TcpOptions<'_>) -> bool {
        match (self, other) {
            (TcpOptions::Raw(a), TcpOptions::Raw(b)) => a == b,
            (TcpOptions::Typed(a), TcpOptions::Typed(b)) => a == b,
            _ => {
                let (mut a, mut b) = ([0u8; MAX_OPTIONS_LEN], [0u8; MAX_OPTIONS_LEN]);
                match (self.emit(&mut a), other.emit(&mut b)) {
                    (Ok(n), Ok(m)) => a[..n] == b[..m],
                    _ => false,
                }
            }
        }
    }
}

impl Eq for TcpOptions<'_> {}

/// tcpdump's list: `[mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]`; a malformed option
/// shows as `bad opt` and ends the list.
impl fmt::Display for TcpOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, option) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            match option {
                Ok(option) => write!(f, "{option}")?,
                Err(_) => f.write_str("bad opt")?,
            }
        }
        f.write_str("]")
    }
}

/// Iterator over [`TcpOptions`], in wire order.
#[derive(Clone, Debug)]
pub enum Options<'a> {
    /// Over raw bytes.
    Raw(OptionIter<'a>),
    /// Over a typed set's canonical layout.
    Typed(Layout),
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<TcpOption<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Options::Raw(iter) => iter.next(),
            Options::Typed(layout) => layout.next().map(Ok),
        }
    }
}
