//! The domain search list, option 119 (RFC 3397 §2): a sequence of DNS names in wire form,
//! compressed with pointers whose offsets count from the start of the (RFC 3396-joined)
//! option data.

use core::fmt;

use unet_core::WireError;

use super::name::{labels_to_text, put_label_text, text_to_wire, Labels, MAX_NAME_LEN};

/// A validated domain search list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DomainSearch<'a>(&'a [u8]);

impl<'a> DomainSearch<'a> {
    /// Checks that `data` (the joined option data) is a sequence of well-formed names:
    /// labels inside the data, pointers strictly backwards, names at most 255 octets.
    pub fn new(data: &'a [u8]) -> Result<DomainSearch<'a>, WireError> {
        let mut names = SearchNames { data, pos: 0 };
        while names.pos < data.len() {
            names.skip()?;
        }
        Ok(DomainSearch(data))
    }

    /// The raw (compressed) octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }

    /// The names, each written into a caller buffer by [`SearchNames::next_into`].
    pub fn names(&self) -> SearchNames<'a> {
        SearchNames { data: self.0, pos: 0 }
    }

    /// Encodes `names` (text form, see [`text_to_wire`]) into `buf`, compressing every
    /// suffix that already occurs earlier in the list (RFC 3397 §2, RFC 1035 §4.1.4);
    /// returns the length. The result may exceed 255 octets: the option builder splits it
    /// into several options (RFC 3396).
    pub fn encode(names: &[&str], buf: &mut [u8]) -> Result<usize, WireError> {
        let mut at = 0usize;
        for name in names {
            let mut wire = [0u8; MAX_NAME_LEN];
            let len = text_to_wire(name, &mut wire)?;
            at = encode_one(&wire[..len], buf, at)?;
        }
        Ok(at)
    }
}

/// Appends one uncompressed wire name to `buf[..at]`, pointing its longest suffix that
/// already decodes somewhere in `buf[..at]` at that place. Returns the new length.
fn encode_one(wire: &[u8], buf: &mut [u8], at: usize) -> Result<usize, WireError> {
    let mut label_start = 0usize;
    loop {
        let len = usize::from(*wire.get(label_start).ok_or(WireError::Malformed)?);
        if len == 0 {
            break;
        }
        if let Some(target) = find_suffix(&buf[..at.min(buf.len())], &wire[label_start..]) {
            let end = at + label_start + 2;
            let out = buf.get_mut(at..end).ok_or(WireError::BufferTooSmall)?;
            out[..label_start].copy_from_slice(&wire[..label_start]);
            out[label_start..].copy_from_slice(&(0xc000 | target as u16).to_be_bytes());
            return Ok(end);
        }
        label_start += 1 + len;
    }
    let end = at.checked_add(wire.len()).ok_or(WireError::BufferTooSmall)?;
    buf.get_mut(at..end).ok_or(WireError::BufferTooSmall)?.copy_from_slice(wire);
    Ok(end)
}

/// An offset in `written` (below 0x4000, reachable by a pointer) where a name decodes to
/// exactly the labels of the uncompressed `suffix`.
fn find_suffix(written: &[u8], suffix: &[u8]) -> Option<usize> {
    (0..written.len().min(0x4000)).find(|&o| {
        let mut s = 0usize;
        for l in Labels::new(written, o, true) {
            let Ok(l) = l else { return false };
            let len = usize::from(suffix.get(s).copied().unwrap_or(0));
            if len != l.len() || suffix.get(s + 1..s + 1 + len) != Some(l) {
                return false;
            }
            s += 1 + len;
        }
        // Both must end here: the decoded name ended at a root label (an error would have
        // returned above), and so must the suffix.
        suffix.get(s) == Some(&0)
    })
}

/// The names of a [`DomainSearch`], decoded one at a time into a caller's buffer (no
/// allocation).
#[derive(Debug, Clone)]
pub struct SearchNames<'a> {
    data: &'a [u8],
    pos: usize,
}

impl SearchNames<'_> {
    fn skip(&mut self) -> Result<(), WireError> {
        let mut labels = Labels::new(self.data, self.pos, true);
        for l in labels.by_ref() {
            l?;
        }
        self.pos = labels.end().ok_or(WireError::BadOption)?;
        Ok(())
    }

    /// Writes the next name as text into `buf` and returns it; `None` after the last
    /// name. An error (a malformed name, or [`WireError::BufferTooSmall`]; 1,024 octets
    /// hold any name) ends the iteration.
    pub fn next_into<'b>(&mut self, buf: &'b mut [u8]) -> Option<Result<&'b str, WireError>> {
        if self.pos >= self.data.len() {
            return None;
        }
        let start = self.pos;
        let result = self.skip().and_then(|()| {
            let n = labels_to_text(Labels::new(self.data, start, true), buf)?;
            // Only ASCII is written, so this cannot fail; map rather than unwrap anyway.
            core::str::from_utf8(buf.get(..n).unwrap_or(&[])).map_err(|_| WireError::Malformed)
        });
        if result.is_err() {
            self.pos = self.data.len();
        }
        Some(result)
    }
}

impl fmt::Display for DomainSearch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = self.names();
        let mut first = true;
        loop {
            // Labels are printed one by one to avoid a name-sized buffer per name.
            if names.pos >= names.data.len() {
                return Ok(());
            }
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            let start = names.pos;
            if names.skip().is_err() {
                return f.write_str("[bad name]");
            }
            let mut any = false;
            for l in Labels::new(names.data, start, true).flatten() {
                let mut buf = [0u8; 4 * 63];
                let mut at = 0;
                if put_label_text(&mut buf, &mut at, l).is_err() {
                    return Err(fmt::Error);
                }
                if any {
                    f.write_str(".")?;
                }
                any = true;
                f.write_str(core::str::from_utf8(&buf[..at]).map_err(|_| fmt::Error)?)?;
            }
            if !any {
                f.write_str(".")?;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::{format, string::String, vec::Vec};

    fn all(ds: DomainSearch<'_>) -> Result<Vec<String>, WireError> {
        let mut out = Vec::new();
        let mut names = ds.names();
        let mut buf = [0u8; 1024];
        while let Some(n) = names.next_into(&mut buf) {
            out.push(String::from(n?));
        }
        Ok(out)
    }

    /// RFC 3397 §3 example: "eng.apple.com." and "marketing.apple.com.".
    const RFC3397_3_EXAMPLE: &[u8] = b"\x03eng\x05apple\x03com\x00\x09marketing\xc0\x04";

    #[test]
    fn rfc3397_3_example_decodes() {
        let ds = DomainSearch::new(RFC3397_3_EXAMPLE).unwrap();
        assert_eq!(all(ds).unwrap(), ["eng.apple.com", "marketing.apple.com"]);
        assert_eq!(format!("{ds}"), "eng.apple.com, marketing.apple.com");
    }

    #[test]
    fn rfc3397_3_example_encodes_compressed() {
        let mut buf = [0u8; 64];
        let n =
            DomainSearch::encode(&["eng.apple.com.", "marketing.apple.com."], &mut buf).unwrap();
        assert_eq!(&buf[..n], RFC3397_3_EXAMPLE);
        // a repeated name is one pointer
        let n = DomainSearch::encode(&["a.example", "a.example"], &mut buf).unwrap();
        assert_eq!(&buf[..n], b"\x01a\x07example\x00\xc0\x00");
    }

    #[test]
    fn rfc3397_2_compression_loop_rejected() {
        assert_eq!(DomainSearch::new(b"\x01a\x00\xc0\x03"), Err(WireError::Malformed));
        assert_eq!(DomainSearch::new(b"\x01a\xc0\x00"), Err(WireError::Malformed));
        assert_eq!(DomainSearch::new(b"\x01a"), Err(WireError::BadOption));
        assert_eq!(DomainSearch::new(b"\x01a\x00\xc0\x7f"), Err(WireError::Malformed));
    }

    #[test]
    fn rfc3397_2_small_buffer_is_reported() {
        let ds = DomainSearch::new(RFC3397_3_EXAMPLE).unwrap();
        let mut names = ds.names();
        let mut small = [0u8; 4];
        assert_eq!(names.next_into(&mut small), Some(Err(WireError::BufferTooSmall)));
        assert_eq!(names.next_into(&mut small), None);
        let mut out = [0u8; 8];
        assert_eq!(
            DomainSearch::encode(&["eng.apple.com"], &mut out),
            Err(WireError::BufferTooSmall)
        );
    }
}
