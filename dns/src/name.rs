//! Domain names in messages (RFC 1035 §3.1, §4.1.4): a borrowed [`Name`] view that follows
//! compression pointers.
//!
//! A `Name` is only ever built by a function that has walked and checked all of it, so its
//! accessors never fail and never panic:
//!
//! - every compression pointer points strictly backwards, before the start of the label run
//!   that contains it (so following pointers always terminates, whatever the bytes);
//!   at most [`MAX_POINTERS`] are followed;
//! - the uncompressed name, root label included, is at most [`MAX_NAME_LEN`] bytes;
//! - label types 0x40 (extended, RFC 6891 §5) and 0x80 (reserved) are rejected.
//!
//! Comparison and hashing ignore ASCII case only (RFC 4343 §3); the bytes keep their case.

use core::fmt;
use core::hash::{Hash, Hasher};

use crate::text::write_label;
use crate::{Error, NameBuf};

/// The longest name in wire form, length bytes and root label included (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;
/// The longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// The most compression pointers followed in one name. A 255-byte name has at most 127
/// labels, so a chain of more pointers than that can only be an attack.
pub const MAX_POINTERS: usize = 127;

/// A domain name inside a message or another buffer, possibly compressed.
#[derive(Clone, Copy)]
pub struct Name<'a> {
    msg: &'a [u8],
    start: usize,
    /// Uncompressed wire length, root label included (1..=255).
    len: u8,
    /// Number of labels, root excluded (0..=127).
    labels: u8,
}

/// Where a name may come from when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    /// Pointers are followed (RFC 1035 types, question and owner names).
    Allowed,
    /// A pointer is an error (RFC 3597 §4: names in RDATA of later types).
    Forbidden,
}

impl<'a> Name<'a> {
    /// Reads the name that starts at `pos` in `msg`, following compression pointers into
    /// the earlier part of `msg`.
    ///
    /// Returns the name and the offset just after its in-place bytes (after the root label
    /// or the first pointer), which is where the next field starts.
    pub fn parse(msg: &'a [u8], pos: usize) -> Result<(Name<'a>, usize), Error> {
        Name::parse_within(msg, pos, msg.len(), Compression::Allowed)
    }

    /// Reads a name that must fill `wire` exactly and holds no compression pointer.
    pub fn from_wire(wire: &'a [u8]) -> Result<Name<'a>, Error> {
        let (name, end) = Name::parse_within(wire, 0, wire.len(), Compression::Forbidden)?;
        if end != wire.len() {
            return Err(Error::BadPresentation);
        }
        Ok(name)
    }

    /// Reads the name at `pos`, whose in-place bytes must end by `end`.
    pub(crate) fn parse_within(
        msg: &'a [u8],
        pos: usize,
        end: usize,
        compression: Compression,
    ) -> Result<(Name<'a>, usize), Error> {
        let mut p = pos;
        // Start of the run of labels being read: a pointer must point before it.
        let mut run_start = pos;
        let mut next = None;
        let mut len = 0usize;
        let mut labels = 0u8;
        let mut hops = 0usize;
        loop {
            let limit = if next.is_none() { end } else { msg.len() };
            let b = if p < limit { msg.get(p).copied() } else { None };
            let b = b.ok_or(Error::Truncated)?;
            match b & 0xC0 {
                0x00 => {
                    let l = usize::from(b);
                    len += 1 + l;
                    if len > MAX_NAME_LEN {
                        return Err(Error::NameTooLong);
                    }
                    if l == 0 {
                        let after = *next.get_or_insert(p + 1);
                        let name = Name { msg, start: pos, len: len as u8, labels };
                        return Ok((name, after));
                    }
                    if p + 1 + l > limit {
                        return Err(Error::Truncated);
                    }
                    p += 1 + l;
                    labels += 1;
                }
                0xC0 => {
                    if compression == Compression::Forbidden {
                        return Err(Error::CompressionNotAllowed);
                    }
                    let lo = if p + 1 < limit { msg.get(p + 1).copied() } else { None };
                    let lo = lo.ok_or(Error::Truncated)?;
                    let target = usize::from(u16::from_be_bytes([b & 0x3F, lo]));
                    if target > p {
                        return Err(Error::ForwardPointer);
                    }
                    if target >= run_start {
                        return Err(Error::PointerLoop);
                    }
                    hops += 1;
                    if hops > MAX_POINTERS {
                        return Err(Error::TooManyPointers);
                    }
                    next.get_or_insert(p + 2);
                    run_start = target;
                    p = target;
                }
                _ => return Err(Error::ExtendedLabel(b)),
            }
        }
    }

    /// The root name `.`.
    pub const fn root() -> Name<'static> {
        Name { msg: &[0], start: 0, len: 1, labels: 0 }
    }

    /// Built by [`NameBuf`] over bytes it has already checked.
    pub(crate) fn from_checked(wire: &'a [u8], labels: u8) -> Name<'a> {
        Name { msg: wire, start: 0, len: wire.len() as u8, labels }
    }

    /// The labels from the leftmost to the rightmost, root excluded, case preserved.
    pub fn labels(&self) -> Labels<'a> {
        Labels { msg: self.msg, pos: self.start, remaining: self.labels }
    }

    /// Number of labels, root excluded (`example.com.` has 2).
    pub const fn label_count(&self) -> usize {
        self.labels as usize
    }

    /// Length of the uncompressed wire form, root label included (1 for the root).
    pub const fn len(&self) -> usize {
        self.len as usize
    }

    /// Never true: a name holds at least the root label. Present for API symmetry with
    /// [`Name::len`]; use [`Name::is_root`].
    pub const fn is_empty(&self) -> bool {
        false
    }

    /// True for the root name `.`.
    pub const fn is_root(&self) -> bool {
        self.labels == 0
    }

    /// The name without its first `n` labels (the root if `n` ≥ the label count).
    pub fn suffix(&self, n: usize) -> Name<'a> {
        let mut it = self.labels();
        let mut len = self.len;
        for _ in 0..n.min(self.label_count()) {
            if let Some(l) = it.next() {
                len = len.saturating_sub(l.len() as u8 + 1);
            }
        }
        match it.skip_pointers() {
            Some(pos) => Name { msg: self.msg, start: pos, len, labels: it.remaining },
            None => Name::root(),
        }
    }

    /// True when `self` is `other` or below it (compares whole labels, ignoring case).
    pub fn ends_with(&self, other: &Name<'_>) -> bool {
        self.label_count() >= other.label_count()
            && self.suffix(self.label_count() - other.label_count()) == *other
    }

    /// Copies the name, uncompressed, into an owned [`NameBuf`].
    pub fn to_name_buf(&self) -> NameBuf {
        NameBuf::from_name(self)
    }

    /// Writes the uncompressed wire form into `out`; returns the bytes written.
    pub fn write_uncompressed(&self, out: &mut [u8]) -> Result<usize, Error> {
        let out = out.get_mut(..self.len()).ok_or(Error::BufferTooSmall)?;
        let mut p = 0;
        for label in self.labels() {
            let dst = out.get_mut(p..p + 1 + label.len()).ok_or(Error::BufferTooSmall)?;
            dst[0] = label.len() as u8;
            dst[1..].copy_from_slice(label);
            p += 1 + label.len();
        }
        *out.get_mut(p).ok_or(Error::BufferTooSmall)? = 0;
        Ok(p + 1)
    }
}

impl PartialEq<Name<'_>> for Name<'_> {
    fn eq(&self, other: &Name<'_>) -> bool {
        self.len == other.len
            && self.labels == other.labels
            && self.labels().zip(other.labels()).all(|(a, b)| a.eq_ignore_ascii_case(b))
    }
}

impl Eq for Name<'_> {}

impl Hash for Name<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for label in self.labels() {
            state.write_u8(label.len() as u8);
            for b in label {
                state.write_u8(b.to_ascii_lowercase());
            }
        }
        state.write_u8(0);
    }
}

impl fmt::Display for Name<'_> {
    /// Presentation format (RFC 1035 §5.1): labels joined by dots, a trailing dot, special
    /// characters escaped as `\.`, `\\` and non-printable bytes as `\DDD`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str(".");
        }
        for label in self.labels() {
            write_label(f, label)?;
            f.write_str(".")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({self})")
    }
}

/// Iterator over the labels of a [`Name`], following its (already checked) pointers.
#[derive(Debug, Clone)]
pub struct Labels<'a> {
    msg: &'a [u8],
    pos: usize,
    remaining: u8,
}

impl<'a> Labels<'a> {
    /// Follows pointers at the current position; the offset of the next length byte.
    fn skip_pointers(&mut self) -> Option<usize> {
        // The name was checked when built; the bound only guards against misuse.
        for _ in 0..=MAX_POINTERS {
            let b = *self.msg.get(self.pos)?;
            if b & 0xC0 != 0xC0 {
                return Some(self.pos);
            }
            let lo = *self.msg.get(self.pos + 1)?;
            self.pos = usize::from(u16::from_be_bytes([b & 0x3F, lo]));
        }
        None
    }
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.remaining == 0 {
            return None;
        }
        let p = self.skip_pointers()?;
        let l = usize::from(*self.msg.get(p)?);
        let label = self.msg.get(p + 1..p + 1 + l)?;
        self.pos = p + 1 + l;
        self.remaining -= 1;
        Some(label)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(usize::from(self.remaining)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    /// RFC 1035 §4.1.4: F.ISI.ARPA at offset 20, FOO.F.ISI.ARPA at 40 as `FOO` + pointer to
    /// 20, ARPA as a pointer to 26, and the root at 46.
    fn rfc1035_example() -> [u8; 64] {
        let mut m = [0u8; 64];
        m[20..32].copy_from_slice(b"\x01F\x03ISI\x04ARPA\x00");
        m[40..46].copy_from_slice(b"\x03FOO\xC0\x14");
        m[46..48].copy_from_slice(b"\xC0\x1A");
        m[48] = 0;
        m
    }

    #[test]
    fn rfc1035_4_1_4_compression_example() {
        let m = rfc1035_example();
        let (a, end) = Name::parse(&m, 20).unwrap();
        assert_eq!((format!("{a}"), end), ("F.ISI.ARPA.".into(), 32));
        let (b, end) = Name::parse(&m, 40).unwrap();
        assert_eq!(
            (format!("{b}"), end, b.len(), b.label_count()),
            ("FOO.F.ISI.ARPA.".into(), 46, 16, 4)
        );
        let (c, end) = Name::parse(&m, 46).unwrap();
        assert_eq!((format!("{c}"), end), ("ARPA.".into(), 48));
        let (root, end) = Name::parse(&m, 48).unwrap();
        assert_eq!((format!("{root}"), end, root.is_root()), (".".into(), 49, true));
        assert!(b.ends_with(&a) && !a.ends_with(&b) && a.ends_with(&c));
        assert_eq!(b.suffix(1), a);
        assert_eq!(b.suffix(9), Name::root());
    }

    #[test]
    fn rfc1035_4_1_4_forward_pointer_rejected() {
        let mut m = [0u8; 8];
        m[0..2].copy_from_slice(&[0xC0, 0x04]);
        assert_eq!(Name::parse(&m, 0).unwrap_err(), Error::ForwardPointer);
    }

    #[test]
    fn rfc1035_4_1_4_pointer_loops_rejected() {
        // A pointer to itself.
        assert_eq!(Name::parse(&[0xC0, 0x00], 0).unwrap_err(), Error::PointerLoop);
        // A label then a pointer back to that label.
        assert_eq!(Name::parse(b"\x01a\xC0\x00", 0).unwrap_err(), Error::PointerLoop);
        // Two names pointing at each other: the second pointer is a forward one.
        let m = b"\x01a\xC0\x04\x01b\xC0\x00";
        assert_eq!(Name::parse(m, 4).unwrap_err(), Error::ForwardPointer);
    }

    #[test]
    fn rfc1035_2_3_4_overlong_name_rejected() {
        // 5 labels of 63 bytes: 320 bytes.
        let mut m = [63u8; 64 * 5 + 1];
        m[64 * 5] = 0;
        assert_eq!(Name::parse(&m, 0).unwrap_err(), Error::NameTooLong);
        // Exactly 255: three 63-byte labels and one of 61, plus the root.
        let mut ok = [63u8; 255];
        ok[192] = 61;
        ok[254] = 0;
        let (n, _) = Name::parse(&ok, 0).unwrap();
        assert_eq!(n.len(), 255);
    }

    #[test]
    fn rfc6891_5_extended_and_reserved_label_types_rejected() {
        assert_eq!(Name::parse(&[0x41, 0], 0).unwrap_err(), Error::ExtendedLabel(0x41));
        assert_eq!(Name::parse(&[0x80, 0], 0).unwrap_err(), Error::ExtendedLabel(0x80));
    }

    #[test]
    fn rfc4343_3_comparison_ignores_ascii_case_only() {
        let (a, _) = Name::parse(b"\x03ExA\x00", 0).unwrap();
        let (b, _) = Name::parse(b"\x03eXa\x00", 0).unwrap();
        let (c, _) = Name::parse(b"\x03\xC9xa\x00", 0).unwrap();
        let (d, _) = Name::parse(b"\x03\xE9xa\x00", 0).unwrap();
        assert_eq!(a, b);
        assert_ne!(c, d);
        assert_eq!(format!("{a}"), "ExA.");
    }

    #[test]
    fn truncated_names_rejected() {
        assert_eq!(Name::parse(b"\x03ab", 0).unwrap_err(), Error::Truncated);
        assert_eq!(Name::parse(b"\x03abc", 0).unwrap_err(), Error::Truncated);
        assert_eq!(Name::parse(b"\xC0", 0).unwrap_err(), Error::Truncated);
        assert_eq!(Name::parse(b"", 0).unwrap_err(), Error::Truncated);
        assert_eq!(Name::from_wire(b"\x01a\xC0\x00").unwrap_err(), Error::CompressionNotAllowed);
    }
}
