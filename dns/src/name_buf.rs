//! [`NameBuf`]: an owned, fixed-capacity domain name (255 bytes, no allocation), built label
//! by label or read from presentation format (RFC 1035 §5.1).

use core::fmt;
use core::hash::{Hash, Hasher};
use core::str::FromStr;

use crate::name::{MAX_LABEL_LEN, MAX_NAME_LEN};
use crate::{Error, Name};

/// An owned domain name in uncompressed wire form, root label included.
#[derive(Clone, Copy)]
pub struct NameBuf {
    wire: [u8; MAX_NAME_LEN],
    len: u8,
    labels: u8,
}

impl NameBuf {
    /// The root name `.`.
    pub const fn root() -> NameBuf {
        NameBuf { wire: [0; MAX_NAME_LEN], len: 1, labels: 0 }
    }

    /// Copies a (possibly compressed) name.
    pub fn from_name(name: &Name<'_>) -> NameBuf {
        let mut buf = NameBuf::root();
        for label in name.labels() {
            // A checked `Name` always fits: its labels and total length are within bounds.
            if buf.push_label(label).is_err() {
                break;
            }
        }
        buf
    }

    /// Reads a name in uncompressed wire form (no pointers) that fills `wire` exactly.
    pub fn from_wire(wire: &[u8]) -> Result<NameBuf, Error> {
        Name::from_wire(wire).map(|n| NameBuf::from_name(&n))
    }

    /// Appends a label on the right, before the root.
    pub fn push_label(&mut self, label: &[u8]) -> Result<(), Error> {
        if label.is_empty() {
            return Err(Error::BadPresentation);
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(Error::LabelTooLong);
        }
        let old = usize::from(self.len);
        let new = old + 1 + label.len();
        if new > MAX_NAME_LEN {
            return Err(Error::NameTooLong);
        }
        // The old root byte becomes the new label's length byte.
        let at = old - 1;
        self.wire[at] = label.len() as u8;
        self.wire[at + 1..new - 1].copy_from_slice(label);
        self.wire[new - 1] = 0;
        self.len = new as u8;
        self.labels += 1;
        Ok(())
    }

    /// Appends every label of `name` on the right.
    pub fn append(&mut self, name: &Name<'_>) -> Result<(), Error> {
        let mut copy = *self;
        for label in name.labels() {
            copy.push_label(label)?;
        }
        *self = copy;
        Ok(())
    }

    /// The name as a borrowed view.
    pub fn as_name(&self) -> Name<'_> {
        Name::from_checked(self.as_wire(), self.labels)
    }

    /// The uncompressed wire form, root label included.
    pub fn as_wire(&self) -> &[u8] {
        &self.wire[..usize::from(self.len)]
    }
}

impl Default for NameBuf {
    fn default() -> NameBuf {
        NameBuf::root()
    }
}

impl FromStr for NameBuf {
    type Err = Error;

    /// Reads a name in presentation format (RFC 1035 §5.1): labels separated by `.`, with
    /// `\X` for a literal character and `\DDD` for a byte in decimal. The trailing dot is
    /// optional: without an origin, every name is taken as absolute. `.` is the root.
    fn from_str(s: &str) -> Result<NameBuf, Error> {
        if s == "." {
            return Ok(NameBuf::root());
        }
        let mut name = NameBuf::root();
        let mut label = [0u8; MAX_LABEL_LEN + 1];
        let mut len = 0usize;
        let mut bytes = s.bytes();
        let mut ended_with_dot = false;
        while let Some(b) = bytes.next() {
            ended_with_dot = false;
            let byte = match b {
                b'.' => {
                    if len == 0 {
                        return Err(Error::BadPresentation);
                    }
                    name.push_label(&label[..len])?;
                    len = 0;
                    ended_with_dot = true;
                    continue;
                }
                b'\\' => match bytes.next().ok_or(Error::BadPresentation)? {
                    d @ b'0'..=b'9' => {
                        let mut v = u16::from(d - b'0');
                        for _ in 0..2 {
                            match bytes.next() {
                                Some(d @ b'0'..=b'9') => v = v * 10 + u16::from(d - b'0'),
                                _ => return Err(Error::BadPresentation),
                            }
                        }
                        u8::try_from(v).map_err(|_| Error::BadPresentation)?
                    }
                    c => c,
                },
                c => c,
            };
            if len == MAX_LABEL_LEN {
                return Err(Error::LabelTooLong);
            }
            label[len] = byte;
            len += 1;
        }
        if len > 0 {
            name.push_label(&label[..len])?;
        } else if !ended_with_dot {
            return Err(Error::BadPresentation);
        }
        Ok(name)
    }
}

impl PartialEq for NameBuf {
    fn eq(&self, other: &NameBuf) -> bool {
        self.as_name() == other.as_name()
    }
}

impl Eq for NameBuf {}

impl PartialEq<Name<'_>> for NameBuf {
    fn eq(&self, other: &Name<'_>) -> bool {
        self.as_name() == *other
    }
}

impl PartialEq<NameBuf> for Name<'_> {
    fn eq(&self, other: &NameBuf) -> bool {
        *self == other.as_name()
    }
}

impl Hash for NameBuf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_name().hash(state)
    }
}

impl fmt::Display for NameBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_name().fmt(f)
    }
}

impl fmt::Debug for NameBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameBuf({})", self.as_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn rfc1035_5_1_presentation_round_trip_with_escapes() {
        let n: NameBuf = "a\\.b.c\\\\d.\\000\\255x.Example.COM.".parse().unwrap();
        assert_eq!(n.as_name().label_count(), 5);
        assert_eq!(n.as_name().labels().next(), Some(&b"a.b"[..]));
        let shown = format!("{n}");
        assert_eq!(shown, "a\\.b.c\\\\d.\\000\\255x.Example.COM.");
        assert_eq!(shown.parse::<NameBuf>().unwrap(), n);
        assert_eq!(
            "example.com".parse::<NameBuf>().unwrap(),
            "EXAMPLE.com.".parse::<NameBuf>().unwrap()
        );
        assert_eq!(".".parse::<NameBuf>().unwrap().as_wire(), &[0]);
    }

    #[test]
    fn rfc1035_2_3_4_presentation_limits() {
        for bad in ["", "..", "a..b", ".a", "a\\", "a\\25", "a\\256"] {
            assert_eq!(bad.parse::<NameBuf>().unwrap_err(), Error::BadPresentation, "{bad}");
        }
        let long_label = "a".repeat(64);
        assert_eq!(long_label.parse::<NameBuf>().unwrap_err(), Error::LabelTooLong);
        let ok = [&"a".repeat(63)[..]; 3].join(".") + "." + &"b".repeat(61);
        assert_eq!(ok.parse::<NameBuf>().unwrap().as_wire().len(), 255);
        let too_long = ok + "b";
        assert_eq!(too_long.parse::<NameBuf>().unwrap_err(), Error::NameTooLong);
    }
}
