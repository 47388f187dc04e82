//! Names as search keys in canonical order (RFC 4034 §6.1).
//!
//! A key is the name's labels from the rightmost to the leftmost, each as a length byte
//! then the label lowercased, without the root label: `www.Example.com.` is
//! `\x03com\x07example\x03www`. Comparing two keys label by label (each label as an octet
//! string, a shorter label first when one is a prefix of the other, then the name with
//! fewer labels first) is exactly the canonical order. An ancestor's key is a prefix of
//! its descendants' keys at a label boundary, and a node's descendants follow it
//! contiguously in that order.

use core::cmp::Ordering;

use crate::name::MAX_NAME_LEN;
use crate::Name;

/// A key built on the stack from a name (no allocation), with its label boundaries.
#[derive(Clone)]
pub(crate) struct Key {
    bytes: [u8; MAX_NAME_LEN],
    len: u8,
    /// `ends[i]`: the key length of the ancestor with `i + 1` labels.
    ends: [u8; 128],
    labels: u8,
}

impl Key {
    /// The key of `name`.
    pub(crate) fn new(name: &Name<'_>) -> Key {
        let mut spans = [(0u8, 0u8); 128];
        let mut n = 0usize;
        let mut off = 0usize;
        let mut forward = [0u8; MAX_NAME_LEN];
        for label in name.labels() {
            // A checked name holds at most 127 labels and 255 bytes.
            let Some(dst) = forward.get_mut(off..off + label.len()) else { break };
            dst.copy_from_slice(label);
            if let Some(s) = spans.get_mut(n) {
                *s = (off as u8, label.len() as u8);
            }
            off += label.len();
            n += 1;
        }
        let mut key = Key { bytes: [0; MAX_NAME_LEN], len: 0, ends: [0; 128], labels: 0 };
        let mut p = 0usize;
        for (i, &(start, len)) in spans[..n.min(128)].iter().rev().enumerate() {
            let (start, len) = (usize::from(start), usize::from(len));
            if p + 1 + len > MAX_NAME_LEN {
                break;
            }
            key.bytes[p] = len as u8;
            for (d, s) in key.bytes[p + 1..p + 1 + len].iter_mut().zip(&forward[start..start + len])
            {
                *d = s.to_ascii_lowercase();
            }
            p += 1 + len;
            key.ends[i] = p as u8;
            key.labels = (i + 1) as u8;
        }
        key.len = p as u8;
        key
    }

    /// The whole key.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Number of labels.
    pub(crate) fn labels(&self) -> usize {
        usize::from(self.labels)
    }

    /// The key of the ancestor with `labels` labels (the root for 0).
    pub(crate) fn prefix(&self, labels: usize) -> &[u8] {
        match labels.checked_sub(1) {
            None => &[],
            Some(i) => {
                let end = usize::from(*self.ends.get(i.min(126)).unwrap_or(&self.len));
                &self.bytes[..end.min(usize::from(self.len))]
            }
        }
    }
}

/// Splits the first label off a key: `(label, rest)`.
fn split(key: &[u8]) -> Option<(&[u8], &[u8])> {
    let (&len, rest) = key.split_first()?;
    let len = usize::from(len);
    if rest.len() < len {
        return Some((rest, &[]));
    }
    Some(rest.split_at(len))
}

/// Compares two keys in canonical order (RFC 4034 §6.1).
pub(crate) fn cmp(mut a: &[u8], mut b: &[u8]) -> Ordering {
    loop {
        match (split(a), split(b)) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some((la, ra)), Some((lb, rb))) => match la.cmp(lb) {
                Ordering::Equal => {
                    a = ra;
                    b = rb;
                }
                other => return other,
            },
        }
    }
}

/// Number of labels in a key.
pub(crate) fn label_count(mut key: &[u8]) -> usize {
    let mut n = 0;
    while let Some((_, rest)) = split(key) {
        n += 1;
        key = rest;
    }
    n
}

/// True when `key` is `ancestor` or below it.
pub(crate) fn is_below_or_at(key: &[u8], ancestor: &[u8]) -> bool {
    key.starts_with(ancestor) && prefix_at_boundary(key, ancestor.len())
}

/// True when `len` is a label boundary of `key`.
fn prefix_at_boundary(mut key: &[u8], len: usize) -> bool {
    let mut at = 0usize;
    loop {
        if at == len {
            return true;
        }
        if at > len {
            return false;
        }
        match split(key) {
            Some((label, rest)) => {
                at += 1 + label.len();
                key = rest;
            }
            None => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NameBuf;

    fn key(s: &str) -> Key {
        Key::new(&s.parse::<NameBuf>().unwrap().as_name())
    }

    /// RFC 4034 §6.1's example, in canonical order.
    #[test]
    fn rfc4034_6_1_canonical_order_example() {
        let names = [
            "example.",
            "a.example.",
            "yljkjljk.a.example.",
            "Z.a.example.",
            "zABC.a.EXAMPLE.",
            "z.example.",
            "\\001.z.example.",
            "*.z.example.",
            "\\200.z.example.",
        ];
        for w in names.windows(2) {
            let (a, b) = (key(w[0]), key(w[1]));
            assert_eq!(cmp(a.as_bytes(), b.as_bytes()), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(cmp(b.as_bytes(), a.as_bytes()), Ordering::Greater);
        }
        assert_eq!(cmp(key("A.b.").as_bytes(), key("a.B.").as_bytes()), Ordering::Equal);
    }

    #[test]
    fn key_prefixes_are_ancestors() {
        let k = key("www.Example.com.");
        assert_eq!(k.as_bytes(), b"\x03com\x07example\x03www");
        assert_eq!(k.labels(), 3);
        assert_eq!(k.prefix(0), b"");
        assert_eq!(k.prefix(2), b"\x03com\x07example");
        assert_eq!(k.prefix(3), k.as_bytes());
        assert!(is_below_or_at(k.as_bytes(), k.prefix(1)));
        assert!(!is_below_or_at(key("www.comx.").as_bytes(), b"\x03com"));
        assert_eq!(label_count(k.as_bytes()), 3);
        assert_eq!(key(".").as_bytes(), b"");
    }
}
