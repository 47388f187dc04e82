//! TCP options, one at a time (RFC 9293 §3.2, RFC 7323, RFC 2018): the kinds, the typed
//! [`TcpOption`], its encoder, and [`OptionIter`] over a header's option bytes.

use core::fmt;

use unet_core::WireError;

use crate::seq::SeqNumber;

/// An option kind, from the IANA "TCP Option Kind Numbers" registry.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TcpOptionKind(pub u8);

impl TcpOptionKind {
    /// End of Option List (RFC 9293 §3.2).
    pub const EOL: TcpOptionKind = TcpOptionKind(0);
    /// No-Operation (RFC 9293 §3.2).
    pub const NOP: TcpOptionKind = TcpOptionKind(1);
    /// Maximum Segment Size (RFC 9293 §3.2, §3.7.1).
    pub const MSS: TcpOptionKind = TcpOptionKind(2);
    /// Window Scale (RFC 7323 §2).
    pub const WINDOW_SCALE: TcpOptionKind = TcpOptionKind(3);
    /// SACK-Permitted (RFC 2018 §2).
    pub const SACK_PERMITTED: TcpOptionKind = TcpOptionKind(4);
    /// SACK (RFC 2018 §3).
    pub const SACK: TcpOptionKind = TcpOptionKind(5);
    /// Timestamps (RFC 7323 §3).
    pub const TIMESTAMPS: TcpOptionKind = TcpOptionKind(8);
    /// MD5 Signature (RFC 2385, obsoleted by TCP-AO).
    pub const MD5_SIGNATURE: TcpOptionKind = TcpOptionKind(19);
    /// User Timeout (RFC 5482).
    pub const USER_TIMEOUT: TcpOptionKind = TcpOptionKind(28);
    /// TCP Authentication Option (RFC 5925).
    pub const TCP_AO: TcpOptionKind = TcpOptionKind(29);
    /// Multipath TCP (RFC 8684).
    pub const MPTCP: TcpOptionKind = TcpOptionKind(30);
    /// TCP Fast Open cookie (RFC 7413).
    pub const FAST_OPEN: TcpOptionKind = TcpOptionKind(34);
    /// RFC 3692-style experiment 1 (RFC 4727, RFC 6994).
    pub const EXPERIMENT_1: TcpOptionKind = TcpOptionKind(253);
    /// RFC 3692-style experiment 2 (RFC 4727, RFC 6994).
    pub const EXPERIMENT_2: TcpOptionKind = TcpOptionKind(254);

    /// tcpdump's short name for the kinds unet knows.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "eol",
            1 => "nop",
            2 => "mss",
            3 => "wscale",
            4 => "sackOK",
            5 => "sack",
            8 => "TS",
            19 => "md5",
            28 => "uto",
            29 => "tcp-ao",
            30 => "mptcp",
            34 => "tfo",
            253 | 254 => "exp",
            _ => return None,
        })
    }
}

/// One SACK block: the data from `left` up to (not including) `right` was received
/// (RFC 2018 §3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct SackBlock {
    /// Left Edge: the first sequence number of the block.
    pub left: SeqNumber,
    /// Right Edge: the sequence number just after the block.
    pub right: SeqNumber,
}

/// One to four SACK blocks: a SACK option holds at most four, since the option space is
/// 40 bytes (RFC 2018 §3).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SackBlocks {
    // Slots past `len` are always `SackBlock::default()`, so the derived equality holds.
    blocks: [SackBlock; SackBlocks::MAX],
    len: u8,
}

impl SackBlocks {
    /// Most blocks one option can carry.
    pub const MAX: usize = 4;

    /// No blocks.
    pub const fn new() -> SackBlocks {
        SackBlocks { blocks: [SackBlock { left: SeqNumber(0), right: SeqNumber(0) }; 4], len: 0 }
    }

    /// The blocks of `slice`, if there are at most four.
    pub fn from_slice(slice: &[SackBlock]) -> Option<SackBlocks> {
        let mut out = SackBlocks::new();
        out.blocks.get_mut(..slice.len())?.copy_from_slice(slice);
        out.len = slice.len() as u8;
        Some(out)
    }

    /// Appends a block; gives it back if four are there already.
    pub fn push(&mut self, block: SackBlock) -> Result<(), SackBlock> {
        let slot = self.blocks.get_mut(usize::from(self.len)).ok_or(block)?;
        *slot = block;
        self.len += 1;
        Ok(())
    }

    /// The blocks.
    pub fn as_slice(&self) -> &[SackBlock] {
        &self.blocks[..usize::from(self.len)]
    }

    /// Number of blocks.
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// True when there is no block.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl fmt::Debug for SackBlocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

/// The Timestamps option's two values (RFC 7323 §3.2).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Timestamps {
    /// TSval: the sender's timestamp clock.
    pub tsval: u32,
    /// TSecr: the TSval echoed back (meaningful when ACK is set).
    pub tsecr: u32,
}

/// One TCP option.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TcpOption<'a> {
    /// End of Option List (kind 0, one byte).
    EndOfList,
    /// No-Operation (kind 1, one byte), used to align the next option.
    NoOperation,
    /// Maximum Segment Size (kind 2, length 4), only in a SYN (RFC 9293 §3.7.1).
    MaxSegmentSize(u16),
    /// Window Scale shift count (kind 3, length 3), only in a SYN; RFC 7323 §2.3 caps its
    /// use at 14, but the value is kept as sent.
    WindowScale(u8),
    /// SACK-Permitted (kind 4, length 2), only in a SYN (RFC 2018 §2).
    SackPermitted,
    /// SACK blocks (kind 5, length 2 + 8n, n = 1..=4; RFC 2018 §3).
    Sack(SackBlocks),
    /// Timestamps (kind 8, length 10; RFC 7323 §3.2).
    Timestamps(Timestamps),
    /// Any other kind, kept byte for byte: MD5 (19), TCP-AO (29), MPTCP (30), Fast Open
    /// (34), experiments (253, 254)...
    Unknown {
        /// The kind.
        kind: TcpOptionKind,
        /// The bytes after the length byte.
        data: &'a [u8],
    },
}

impl<'a> TcpOption<'a> {
    /// The option's kind.
    pub const fn kind(&self) -> TcpOptionKind {
        match self {
            TcpOption::EndOfList => TcpOptionKind::EOL,
            TcpOption::NoOperation => TcpOptionKind::NOP,
            TcpOption::MaxSegmentSize(_) => TcpOptionKind::MSS,
            TcpOption::WindowScale(_) => TcpOptionKind::WINDOW_SCALE,
            TcpOption::SackPermitted => TcpOptionKind::SACK_PERMITTED,
            TcpOption::Sack(_) => TcpOptionKind::SACK,
            TcpOption::Timestamps(_) => TcpOptionKind::TIMESTAMPS,
            TcpOption::Unknown { kind, .. } => *kind,
        }
    }

    /// Bytes the option takes on the wire.
    pub const fn buffer_len(&self) -> usize {
        match self {
            TcpOption::EndOfList | TcpOption::NoOperation => 1,
            TcpOption::MaxSegmentSize(_) => 4,
            TcpOption::WindowScale(_) => 3,
            TcpOption::SackPermitted => 2,
            TcpOption::Sack(blocks) => 2 + 8 * blocks.len(),
            TcpOption::Timestamps(_) => 10,
            TcpOption::Unknown { data, .. } => 2usize.saturating_add(data.len()),
        }
    }

    /// Reads the option at the start of `bytes`; returns it and the bytes that follow.
    ///
    /// [`WireError::BadOption`] when the length byte is missing, below 2, runs past
    /// `bytes`, or is wrong for a kind with a fixed size (MSS 4, Window Scale 3,
    /// SACK-Permitted 2, Timestamps 10, SACK 10/18/26/34). An empty `bytes` is
    /// [`WireError::Truncated`].
    pub fn parse(bytes: &'a [u8]) -> Result<(TcpOption<'a>, &'a [u8]), WireError> {
        let (&kind, rest) = bytes.split_first().ok_or(WireError::Truncated)?;
        let kind = TcpOptionKind(kind);
        match kind {
            TcpOptionKind::EOL => return Ok((TcpOption::EndOfList, rest)),
            TcpOptionKind::NOP => return Ok((TcpOption::NoOperation, rest)),
            _ => {}
        }
        let (&len, _) = rest.split_first().ok_or(WireError::BadOption)?;
        let len = usize::from(len);
        if len < 2 || len > bytes.len() {
            return Err(WireError::BadOption);
        }
        let (whole, after) = bytes.split_at(len);
        let data = &whole[2..];
        let option = match (kind, data.len()) {
            (TcpOptionKind::MSS, 2) => TcpOption::MaxSegmentSize(be16(data)),
            (TcpOptionKind::WINDOW_SCALE, 1) => TcpOption::WindowScale(data[0]),
            (TcpOptionKind::SACK_PERMITTED, 0) => TcpOption::SackPermitted,
            (TcpOptionKind::TIMESTAMPS, 8) => TcpOption::Timestamps(Timestamps {
                tsval: be32(&data[..4]),
                tsecr: be32(&data[4..]),
            }),
            (TcpOptionKind::SACK, n) if n % 8 == 0 && (1..=4).contains(&(n / 8)) => {
                let mut blocks = SackBlocks::new();
                for b in data.chunks_exact(8) {
                    let block = SackBlock {
                        left: SeqNumber(be32(&b[..4])),
                        right: SeqNumber(be32(&b[4..])),
                    };
                    // At most four chunks: checked just above.
                    let _ = blocks.push(block);
                }
                TcpOption::Sack(blocks)
            }
            (
                TcpOptionKind::MSS
                | TcpOptionKind::WINDOW_SCALE
                | TcpOptionKind::SACK_PERMITTED
                | TcpOptionKind::TIMESTAMPS
                | TcpOptionKind::SACK,
                _,
            ) => return Err(WireError::BadOption),
            _ => TcpOption::Unknown { kind, data },
        };
        Ok((option, after))
    }

    /// Writes the option at the start of `buf`; returns the bytes written.
    ///
    /// [`WireError::BufferTooSmall`] if `buf` is short; [`WireError::BadOption`] for an
    /// unknown option whose data cannot be counted by the length byte.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize, WireError> {
        let len = self.buffer_len();
        if len > 255 {
            return Err(WireError::BadOption);
        }
        let out = buf.get_mut(..len).ok_or(WireError::BufferTooSmall)?;
        out[0] = self.kind().0;
        if len > 1 {
            out[1] = len as u8;
        }
        let data = &mut out[len.min(2)..];
        match self {
            TcpOption::EndOfList | TcpOption::NoOperation | TcpOption::SackPermitted => {}
            TcpOption::MaxSegmentSize(mss) => data.copy_from_slice(&mss.to_be_bytes()),
            TcpOption::WindowScale(shift) => data[0] = *shift,
            TcpOption::Sack(blocks) => {
                for (chunk, block) in data.chunks_exact_mut(8).zip(blocks.as_slice()) {
                    chunk[..4].copy_from_slice(&block.left.0.to_be_bytes());
                    chunk[4..].copy_from_slice(&block.right.0.to_be_bytes());
                }
            }
            TcpOption::Timestamps(ts) => {
                data[..4].copy_from_slice(&ts.tsval.to_be_bytes());
                data[4..].copy_from_slice(&ts.tsecr.to_be_bytes());
            }
            TcpOption::Unknown { data: bytes, .. } => data.copy_from_slice(bytes),
        }
        Ok(len)
    }
}

fn be16(b: &[u8]) -> u16 {
    u16::from_be_bytes([b[0], b[1]])
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// tcpdump's spelling: `mss 1460`, `sackOK`, `TS val 1 ecr 0`, `nop`, `wscale 7`, `eol`,
/// `sack 1 {100:200}`; other kinds by name or number with their data in hex
/// (`tcp-ao 0x...`, `unknown-99 0x...`).
impl fmt::Display for TcpOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpOption::EndOfList => f.write_str("eol"),
            TcpOption::NoOperation => f.write_str("nop"),
            TcpOption::MaxSegmentSize(mss) => write!(f, "mss {mss}"),
            TcpOption::WindowScale(shift) => write!(f, "wscale {shift}"),
            TcpOption::SackPermitted => f.write_str("sackOK"),
            TcpOption::Sack(blocks) => {
                write!(f, "sack {} ", blocks.len())?;
                for b in blocks.as_slice() {
                    write!(f, "{{{}:{}}}", b.left, b.right)?;
                }
                Ok(())
            }
            TcpOption::Timestamps(ts) => write!(f, "TS val {} ecr {}", ts.tsval, ts.tsecr),
            TcpOption::Unknown { kind, data } => {
                match kind.name() {
                    Some(name) => f.write_str(name)?,
                    None => write!(f, "unknown-{}", kind.0)?,
                }
                if !data.is_empty() {
                    f.write_str(" 0x")?;
                    for b in *data {
                        write!(f, "{b:02x}")?;
                    }
                }
                Ok(())
            }
        }
    }
}

/// The options in a header's option bytes, in order, as [`TcpOption`]s.
///
/// Stops after End of Option List (what follows it is padding) or at the end of the
/// bytes. A malformed option yields one `Err(WireError::BadOption)` and ends the
/// iteration: past a bad length there is no way to find the next option.
#[derive(Clone, Debug)]
pub struct OptionIter<'a> {
    rest: &'a [u8],
}

impl<'a> OptionIter<'a> {
    /// Iterates over `options` (the bytes between the fixed header and the data).
    pub const fn new(options: &'a [u8]) -> OptionIter<'a> {
        OptionIter { rest: options }
    }
}

impl<'a> Iterator for OptionIter<'a> {
    type Item = Result<TcpOption<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match TcpOption::parse(self.rest) {
            Ok((option, rest)) => {
                self.rest = if option == TcpOption::EndOfList { &[] } else { rest };
                Some(Ok(option))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

impl core::iter::FusedIterator for OptionIter<'_> {}
