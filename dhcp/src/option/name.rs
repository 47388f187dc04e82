//! DNS names inside options (RFC 1035 §3.1 encoding, §4.1.4 compression), as used by the
//! domain search list (RFC 3397) and the client FQDN (RFC 4702).
//!
//! Text form: labels joined by `.`, with `.` and `\` escaped as `\.` and `\\` and any
//! octet outside the printable ASCII range written `\DDD` (decimal), as in DNS master
//! files (RFC 1035 §5.1). The root name is `.`.

use unet_core::WireError;

/// Longest name in wire form, root label included (RFC 1035 §2.3.4).
pub const MAX_NAME_LEN: usize = 255;
/// Longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// Most pointers one name may follow; a legitimate name needs far fewer (each pointer
/// must also point backwards, so this only caps work on hostile input).
const MAX_POINTERS: usize = 128;

/// Walks the labels of one name that starts at `pos` in `data`, following compression
/// pointers when `compression` is allowed.
///
/// Loops are impossible: a pointer must point strictly before itself, the name may not
/// exceed 255 octets, and at most `MAX_POINTERS` pointers are followed. Violations are
/// [`WireError::Malformed`]; a name running off the data is [`WireError::BadOption`].
#[derive(Debug, Clone)]
pub(crate) struct Labels<'a> {
    data: &'a [u8],
    pos: usize,
    compression: bool,
    pointers: usize,
    wire_len: usize,
    /// Offset just after the name in the sequence (set when the first pointer or the
    /// root label is read).
    end: Option<usize>,
    done: bool,
}

impl<'a> Labels<'a> {
    pub(crate) fn new(data: &'a [u8], pos: usize, compression: bool) -> Labels<'a> {
        Labels { data, pos, compression, pointers: 0, wire_len: 0, end: None, done: false }
    }

    /// Where the next name of a sequence starts; meaningful once the walk has ended.
    pub(crate) fn end(&self) -> Option<usize> {
        self.end
    }

    fn step(&mut self) -> Result<Option<&'a [u8]>, WireError> {
        loop {
            let len = *self.data.get(self.pos).ok_or(WireError::BadOption)?;
            match len >> 6 {
                0 => {
                    let start = self.pos.checked_add(1).ok_or(WireError::BadOption)?;
                    let stop = start.checked_add(usize::from(len)).ok_or(WireError::BadOption)?;
                    self.wire_len = self.wire_len.saturating_add(1 + usize::from(len));
                    if self.wire_len > MAX_NAME_LEN {
                        return Err(WireError::Malformed);
                    }
                    if len == 0 {
                        self.end.get_or_insert(start);
                        return Ok(None);
                    }
                    let label = self.data.get(start..stop).ok_or(WireError::BadOption)?;
                    self.pos = stop;
                    return Ok(Some(label));
                }
                3 if self.compression => {
                    let lo =
                        *self.data.get(self.pos.saturating_add(1)).ok_or(WireError::BadOption)?;
                    let target = (usize::from(len & 0x3f) << 8) | usize::from(lo);
                    self.pointers += 1;
                    if target >= self.pos || self.pointers > MAX_POINTERS {
                        return Err(WireError::Malformed);
                    }
                    self.end.get_or_insert(self.pos + 2);
                    self.pos = target;
                }
                // 01 and 10 label types are reserved (RFC 6891 §5 retired the extended
                // label types); pointers are not allowed where compression is not.
                _ => return Err(WireError::Malformed),
            }
        }
    }
}

impl<'a> Iterator for Labels<'a> {
    type Item = Result<&'a [u8], WireError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.step() {
            Ok(Some(l)) => Some(Ok(l)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Appends `bytes` to `buf` at `*at`.
fn put(buf: &mut [u8], at: &mut usize, bytes: &[u8]) -> Result<(), WireError> {
    let end = at.checked_add(bytes.len()).ok_or(WireError::BufferTooSmall)?;
    buf.get_mut(*at..end).ok_or(WireError::BufferTooSmall)?.copy_from_slice(bytes);
    *at = end;
    Ok(())
}

/// Writes a label in text form, escaping as the module says.
pub(crate) fn put_label_text(
    buf: &mut [u8],
    at: &mut usize,
    label: &[u8],
) -> Result<(), WireError> {
    for &b in label {
        match b {
            b'.' | b'\\' => put(buf, at, &[b'\\', b])?,
            0x21..=0x7e => put(buf, at, &[b])?,
            _ => put(buf, at, &[b'\\', b'0' + b / 100, b'0' + b / 10 % 10, b'0' + b % 10])?,
        }
    }
    Ok(())
}

/// Writes the labels of `labels` as dotted text into `buf`; returns the length. No labels
/// at all is the root, `.`.
pub(crate) fn labels_to_text<'a>(
    labels: impl Iterator<Item = Result<&'a [u8], WireError>>,
    buf: &mut [u8],
) -> Result<usize, WireError> {
    let mut at = 0usize;
    for (i, l) in labels.enumerate() {
        if i > 0 {
            put(buf, &mut at, b".")?;
        }
        put_label_text(buf, &mut at, l?)?;
    }
    if at == 0 {
        put(buf, &mut at, b".")?;
    }
    Ok(at)
}

/// Encodes a text name (escapes as the module says; a trailing dot is optional; `.` or
/// the empty string is the root) into uncompressed wire form in `out`; returns the length.
/// Empty labels, labels over 63 octets, names over 255 octets and bad escapes are
/// [`WireError::Malformed`].
pub fn text_to_wire(text: &str, out: &mut [u8]) -> Result<usize, WireError> {
    let t = text.as_bytes();
    let t = t.strip_suffix(b".").filter(|r| !escaped_dot(r)).unwrap_or(t);
    let mut at = 0usize;
    if t.is_empty() {
        put(out, &mut at, &[0])?;
        return Ok(at);
    }
    let mut label = [0u8; MAX_LABEL_LEN];
    let mut n = 0usize;
    let mut i = 0usize;
    loop {
        let c = t.get(i).copied();
        match c {
            None | Some(b'.') => {
                if n == 0 {
                    return Err(WireError::Malformed);
                }
                put(out, &mut at, &[n as u8])?;
                put(out, &mut at, &label[..n])?;
                n = 0;
                i += 1;
                if c.is_none() {
                    break;
                }
            }
            Some(b) => {
                let (byte, used) =
                    if b == b'\\' { unescape(t.get(i + 1..).unwrap_or(&[]))? } else { (b, 0) };
                *label.get_mut(n).ok_or(WireError::Malformed)? = byte;
                n += 1;
                i += 1 + used;
            }
        }
    }
    put(out, &mut at, &[0])?;
    if at > MAX_NAME_LEN {
        return Err(WireError::Malformed);
    }
    Ok(at)
}

/// True when the text before a final `.` ends in an escaping backslash (an odd run of
/// backslashes), so the dot is part of the last label.
fn escaped_dot(before: &[u8]) -> bool {
    before.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// Reads the escape after a backslash: `\DDD` or `\c`. Returns the byte and how many
/// octets after the backslash it used.
fn unescape(rest: &[u8]) -> Result<(u8, usize), WireError> {
    match rest {
        [a, b, c, ..] if a.is_ascii_digit() && b.is_ascii_digit() && c.is_ascii_digit() => {
            let v = u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0');
            Ok((u8::try_from(v).map_err(|_| WireError::Malformed)?, 3))
        }
        [d, ..] if d.is_ascii_digit() => Err(WireError::Malformed),
        [c, ..] => Ok((*c, 1)),
        [] => Err(WireError::Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(wire: &[u8]) -> Result<([u8; 1024], usize), WireError> {
        let mut buf = [0u8; 1024];
        let n = labels_to_text(Labels::new(wire, 0, true), &mut buf)?;
        Ok((buf, n))
    }

    #[test]
    fn rfc1035_5_1_text_escapes_round_trip() {
        let mut w = [0u8; 255];
        let n = text_to_wire("a\\.b.c\\\\d.\\007x.", &mut w).unwrap();
        assert_eq!(&w[..n], b"\x03a.b\x03c\\d\x02\x07x\x00");
        let (t, m) = text(&w[..n]).unwrap();
        assert_eq!(&t[..m], b"a\\.b.c\\\\d.\\007x");
        assert_eq!(text_to_wire(".", &mut w), Ok(1));
        assert_eq!(text_to_wire("", &mut w), Ok(1));
        let (t, m) = text(&[0]).unwrap();
        assert_eq!(&t[..m], b".");
        // a label ending in an escaped dot keeps it
        let n = text_to_wire("a\\.", &mut w).unwrap();
        assert_eq!(&w[..n], b"\x02a.\x00");
    }

    #[test]
    fn rfc1035_2_3_4_bad_text_names_rejected() {
        let mut w = [0u8; 300];
        assert_eq!(text_to_wire("a..b", &mut w), Err(WireError::Malformed));
        assert_eq!(text_to_wire("\\256", &mut w), Err(WireError::Malformed));
        assert_eq!(text_to_wire("\\1", &mut w), Err(WireError::Malformed));
        assert_eq!(text_to_wire("a\\", &mut w), Err(WireError::Malformed));
        let long_label = [b'a'; 64];
        let s = core::str::from_utf8(&long_label).unwrap();
        assert_eq!(text_to_wire(s, &mut w), Err(WireError::Malformed));
    }

    #[test]
    fn rfc1035_4_1_4_forward_pointer_and_loop_rejected() {
        // pointer to itself
        assert_eq!(text(&[0xc0, 0x00]).err(), Some(WireError::Malformed));
        // forward pointer
        assert_eq!(text(&[0xc0, 0x02, 0x00]).err(), Some(WireError::Malformed));
        // reserved label type
        assert_eq!(text(&[0x40, 0x00]).err(), Some(WireError::Malformed));
        // runs off the end
        assert_eq!(text(&[0x05, b'a']).err(), Some(WireError::BadOption));
        assert_eq!(text(&[0xc0]).err(), Some(WireError::BadOption));
    }

    #[test]
    fn rfc1035_2_3_4_name_over_255_octets_rejected() {
        // label "a" then a pointer back to itself-minus-label: every pass adds 2 octets,
        // pointer always backwards; stops at 255 octets.
        let wire = [1, b'a', 1, b'b', 0xc0, 0x00];
        assert_eq!(text(&wire).err(), Some(WireError::Malformed));
    }
}
