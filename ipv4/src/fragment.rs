//! Fragmentation on send (RFC 791 §3.2, "An Example Fragmentation Procedure").
//!
//! [`Fragmenter`] does no copying: it yields, one by one, each fragment's header and the
//! range of the original payload it carries, so the stack writes each range once, straight
//! into its transmit buffer, behind the header it emits from [`Fragment::repr`].
//!
//! - Every fragment but the last carries a multiple of 8 payload bytes, as many as the MTU
//!   allows.
//! - The first fragment keeps every option; the others only the options whose *copied*
//!   flag is set (RFC 791 §3.1: "the copied flag indicates that this option is copied into
//!   all fragments"), padded with End of Option List to a multiple of 4.
//! - A datagram that fits is yielded whole, unchanged (Don't Fragment or not). One that
//!   does not fit with Don't Fragment set is [`FragmentError::DontFragment`]: for forwarded
//!   traffic the stack answers with ICMP "fragmentation needed" and the MTU (RFC 1191 §4),
//!   for a local send it means `EMSGSIZE`.
//! - Fragmenting a fragment (a router re-fragmenting) works: offsets continue from the
//!   original's, and the last piece keeps the original's More Fragments flag.
//!
//! ```
//! use core::net::Ipv4Addr;
//! use unet_core::IpProtocol;
//! use unet_ipv4::fragment::Fragmenter;
//! use unet_ipv4::Repr;
//! let repr = Repr {
//!     src: Ipv4Addr::new(192, 0, 2, 1), dst: Ipv4Addr::new(192, 0, 2, 2),
//!     protocol: IpProtocol::ICMP, ttl: 64, dscp: 0, ecn: 0, identification: 42,
//!     dont_frag: false, more_frags: false, frag_offset: 0, payload_len: 3008, options: &[],
//! };
//! let pieces: Vec<_> = Fragmenter::new(&repr, 1500).unwrap().collect();
//! assert_eq!(pieces.len(), 3);
//! assert_eq!(pieces[0].payload_range(), 0..1480);
//! assert_eq!(pieces[1].repr().frag_offset, 185);
//! assert!(!pieces[2].repr().more_frags);
//! assert_eq!(pieces[2].payload_range(), 2960..3008);
//! ```

use core::fmt;
use core::ops::Range;

use crate::options::{Ipv4Option, OptionType};
use crate::packet::{HEADER_LEN, MAX_OPTIONS_LEN};
use crate::Repr;

/// Why a datagram cannot be sent in fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FragmentError {
    /// It does not fit the MTU and Don't Fragment is set.
    DontFragment {
        /// The MTU it does not fit (for ICMP "fragmentation needed", RFC 1191 §4).
        mtu: usize,
    },
    /// The MTU cannot carry a header and 8 bytes of payload (RFC 791: every module must
    /// forward 68-byte datagrams without fragmenting them).
    MtuTooSmall,
    /// Header and payload exceed 65535 bytes, or the offsets would not fit 13 bits.
    TooBig,
    /// The options field is malformed or not a multiple of 4 bytes, at most 40.
    BadOptions,
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::DontFragment { mtu } => {
                write!(f, "datagram exceeds MTU {mtu} and Don't Fragment is set")
            }
            FragmentError::MtuTooSmall => f.write_str("MTU too small to fragment into"),
            FragmentError::TooBig => f.write_str("datagram too big"),
            FragmentError::BadOptions => f.write_str("malformed options"),
        }
    }
}

/// The options that go into every fragment after the first (RFC 791 §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CopiedOptions {
    bytes: [u8; MAX_OPTIONS_LEN],
    len: usize,
}

impl CopiedOptions {
    fn from(options: &[u8]) -> Result<CopiedOptions, FragmentError> {
        if options.len() > MAX_OPTIONS_LEN || !options.len().is_multiple_of(4) {
            return Err(FragmentError::BadOptions);
        }
        let mut out = CopiedOptions { bytes: [0; MAX_OPTIONS_LEN], len: 0 };
        let mut rest = options;
        while !rest.is_empty() {
            let (option, n) = Ipv4Option::parse(rest).map_err(|_| FragmentError::BadOptions)?;
            if option == Ipv4Option::EndOfList {
                break;
            }
            let raw = rest.get(..n).ok_or(FragmentError::BadOptions)?;
            if option.kind().copied() {
                let dst =
                    out.bytes.get_mut(out.len..out.len + n).ok_or(FragmentError::BadOptions)?;
                dst.copy_from_slice(raw);
                out.len += n;
            }
            rest = rest.get(n..).unwrap_or(&[]);
        }
        // Pad with End of Option List (the array is zeroed, and EOL is 0).
        out.len = out.len.next_multiple_of(4);
        debug_assert_eq!(OptionType::END_OF_LIST.0, 0);
        Ok(out)
    }

    fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

/// One fragment to send: its header and the part of the original payload it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment<'a> {
    header: Repr<'a>,
    /// `Some` for fragments after the first: their options are the copied ones.
    later: Option<CopiedOptions>,
    payload: Range<usize>,
}

impl<'a> Fragment<'a> {
    /// The fragment's header (offset, More Fragments, payload length and options set).
    pub fn repr(&self) -> Repr<'_> {
        let mut repr: Repr<'_> = self.header;
        if let Some(later) = &self.later {
            repr.options = later.as_slice();
        }
        repr
    }

    /// The bytes of the original payload this fragment carries.
    pub fn payload_range(&self) -> Range<usize> {
        self.payload.clone()
    }

    /// True for the first fragment (the one with every option).
    pub fn is_first(&self) -> bool {
        self.later.is_none()
    }
}

/// Cuts a datagram into fragments for an MTU; an iterator of [`Fragment`]s.
#[derive(Debug, Clone)]
pub struct Fragmenter<'a> {
    header: Repr<'a>,
    later: CopiedOptions,
    mtu: usize,
    /// Next payload byte to send.
    at: usize,
    /// The original's offset in bytes and More Fragments flag.
    base: usize,
    last_more: bool,
    /// The datagram fits: yield it whole.
    whole: bool,
    done: bool,
}

impl<'a> Fragmenter<'a> {
    /// Prepares to send `repr` (whose `payload_len` bytes follow it) over a link whose
    /// MTU (largest IP datagram) is `mtu`.
    pub fn new(repr: &Repr<'a>, mtu: usize) -> Result<Fragmenter<'a>, FragmentError> {
        let later = CopiedOptions::from(repr.options)?;
        let base = repr.frag_offset_bytes() as usize;
        if repr.buffer_len() > usize::from(u16::MAX)
            || base.saturating_add(repr.payload_len) > usize::from(u16::MAX)
        {
            return Err(FragmentError::TooBig);
        }
        let whole = repr.buffer_len() <= mtu;
        if !whole {
            if repr.dont_frag {
                return Err(FragmentError::DontFragment { mtu });
            }
            let widest = repr.header_len().max(HEADER_LEN + later.len);
            if mtu < widest + 8 {
                return Err(FragmentError::MtuTooSmall);
            }
        }
        Ok(Fragmenter {
            header: *repr,
            later,
            mtu,
            at: 0,
            base,
            last_more: repr.more_frags,
            whole,
            done: false,
        })
    }

    /// True if the datagram must be cut (it does not fit the MTU).
    pub fn is_fragmenting(&self) -> bool {
        !self.whole
    }
}

impl<'a> Iterator for Fragmenter<'a> {
    type Item = Fragment<'a>;

    fn next(&mut self) -> Option<Fragment<'a>> {
        if self.done {
            return None;
        }
        let total = self.header.payload_len;
        if self.whole {
            self.done = true;
            return Some(Fragment { header: self.header, later: None, payload: 0..total });
        }
        let first = self.at == 0;
        let header_len = if first { self.header.header_len() } else { HEADER_LEN + self.later.len };
        let room = self.mtu.saturating_sub(header_len);
        let left = total.saturating_sub(self.at);
        let (take, more) = if left <= room {
            self.done = true;
            (left, self.last_more)
        } else {
            // Not the last: a multiple of 8 bytes (RFC 791 §3.2, NFB).
            (room & !7, true)
        };
        let offset = self.base + self.at;
        let mut header = self.header;
        header.frag_offset = (offset / 8) as u16;
        header.more_frags = more;
        header.payload_len = take;
        let fragment = Fragment {
            header,
            later: if first { None } else { Some(self.later) },
            payload: self.at..self.at + take,
        };
        self.at += take;
        Some(fragment)
    }
}

#[cfg(test)]
mod tests;
