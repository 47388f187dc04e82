//! Walking option TLVs (RFC 2132 §2), across the `options`, `file` and `sname` fields
//! when option 52 overloads them (RFC 2131 §4.1, RFC 2132 §9.3), and joining the
//! instances of a long option (RFC 3396 §6).

use unet_core::WireError;

use super::code::{OptionCode, Overload};
use super::typed::DhcpOption;

/// One option instance as it is on the wire: code and data, Pad and End excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawOption<'a> {
    /// The option code.
    pub code: OptionCode,
    /// The option data (the length octet is `data.len()`).
    pub data: &'a [u8],
}

impl<'a> RawOption<'a> {
    /// Decodes this one instance. A long option split over several instances (RFC 3396)
    /// must be joined first: see [`Options::get`].
    pub fn typed(&self) -> Result<DhcpOption<'a>, WireError> {
        DhcpOption::parse(self.code, self.data)
    }
}

/// An iterator over the options of one area (the options field, or an overloaded `file` or
/// `sname`).
///
/// Pad (0) is skipped; End (255) stops the walk, and whatever follows it (padding) is
/// ignored. An area without End ends with its bytes, as many implementations send.
/// An option whose length runs past the area yields [`WireError::BadOption`] once, then
/// the iterator ends.
#[derive(Debug, Clone)]
pub struct OptionIter<'a> {
    rest: &'a [u8],
    done: bool,
}

impl<'a> OptionIter<'a> {
    /// Iterates over the options in `area`.
    pub const fn new(area: &'a [u8]) -> OptionIter<'a> {
        OptionIter { rest: area, done: false }
    }
}

impl<'a> Iterator for OptionIter<'a> {
    type Item = Result<RawOption<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        loop {
            let Some((&code, after_code)) = self.rest.split_first() else {
                self.done = true;
                return None;
            };
            match code {
                0 => self.rest = after_code,
                255 => {
                    self.done = true;
                    return None;
                }
                _ => {
                    // Set first: an error item is the last item.
                    self.done = true;
                    let Some((&len, data)) = after_code.split_first() else {
                        return Some(Err(WireError::BadOption));
                    };
                    let Some((data, rest)) = data.split_at_checked(usize::from(len)) else {
                        return Some(Err(WireError::BadOption));
                    };
                    self.done = false;
                    self.rest = rest;
                    return Some(Ok(RawOption { code: OptionCode(code), data }));
                }
            }
        }
    }
}

/// Which field an option was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Area {
    /// The options field after the magic cookie.
    Options,
    /// The `file` field, overloaded.
    File,
    /// The `sname` field, overloaded.
    Sname,
}

/// Every option of a message, in the order RFC 3396 §5 concatenates them: the options
/// field, then `file` if option 52 says so, then `sname`.
///
/// Only an option 52 in the options field itself switches the overloaded fields on
/// (RFC 2131 §4.1); its first one-octet instance counts, and only the values 1, 2 and 3
/// mean anything (RFC 2132 §9.3).
#[derive(Debug, Clone)]
pub struct Options<'a> {
    iter: OptionIter<'a>,
    area: Area,
    file: &'a [u8],
    sname: &'a [u8],
    overload: Overload,
    overload_seen: bool,
}

impl<'a> Options<'a> {
    /// Options of a message whose fields are `options`, `file` and `sname`.
    pub const fn new(options: &'a [u8], file: &'a [u8], sname: &'a [u8]) -> Options<'a> {
        Options {
            iter: OptionIter::new(options),
            area: Area::Options,
            file,
            sname,
            overload: Overload::empty(),
            overload_seen: false,
        }
    }

    /// The field the last option returned came from.
    pub fn area(&self) -> Area {
        self.area
    }

    /// The first instance of `code`, without joining (see [`Options::get_joined`]).
    pub fn find(self, code: OptionCode) -> Result<Option<RawOption<'a>>, WireError> {
        for o in self {
            let o = o?;
            if o.code == code {
                return Ok(Some(o));
            }
        }
        Ok(None)
    }

    /// The data of every instance of `code`, concatenated in order into `buf`
    /// (RFC 3396 §6); `None` when the option is absent. Fails with
    /// [`WireError::BufferTooSmall`] when `buf` cannot hold it, or with the error of a
    /// malformed option met on the way.
    pub fn join(self, code: OptionCode, buf: &mut [u8]) -> Result<Option<&[u8]>, WireError> {
        let mut len = 0usize;
        let mut found = false;
        for o in self {
            let o = o?;
            if o.code != code {
                continue;
            }
            found = true;
            let end = len.checked_add(o.data.len()).ok_or(WireError::BufferTooSmall)?;
            buf.get_mut(len..end).ok_or(WireError::BufferTooSmall)?.copy_from_slice(o.data);
            len = end;
        }
        Ok(if found { buf.get(..len) } else { None })
    }

    /// The data of `code` joined per RFC 3396: borrowed from the message when there is one
    /// instance, copied into `buf` when there are several.
    pub fn get_joined<'b>(
        self,
        code: OptionCode,
        buf: &'b mut [u8],
    ) -> Result<Option<&'b [u8]>, WireError>
    where
        'a: 'b,
    {
        let mut first: Option<&'a [u8]> = None;
        let mut several = false;
        for o in self.clone() {
            let o = o?;
            if o.code == code {
                if first.is_some() {
                    several = true;
                    break;
                }
                first = Some(o.data);
            }
        }
        if several {
            self.join(code, buf)
        } else {
            Ok(first)
        }
    }

    /// Option `code` joined (RFC 3396) and decoded; `None` when absent.
    pub fn get<'b>(
        self,
        code: OptionCode,
        buf: &'b mut [u8],
    ) -> Result<Option<DhcpOption<'b>>, WireError>
    where
        'a: 'b,
    {
        match self.get_joined(code, buf)? {
            Some(data) => DhcpOption::parse(code, data).map(Some),
            None => Ok(None),
        }
    }

    /// Checks that every option in every area in use is well formed (lengths only; typed
    /// contents are checked when decoded).
    pub fn validate(self) -> Result<(), WireError> {
        for o in self {
            o?;
        }
        Ok(())
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = Result<RawOption<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.iter.next() {
                if let Ok(o) = &item {
                    if self.area == Area::Options
                        && !self.overload_seen
                        && o.code == OptionCode::OVERLOAD
                        && o.data.len() == 1
                    {
                        self.overload_seen = true;
                        self.overload = Overload::from_wire(o.data[0]);
                    }
                }
                return Some(item);
            }
            // RFC 2131 §4.1: options field first, then file, then sname.
            let next = match self.area {
                Area::Options if self.overload.contains(Overload::FILE) => Area::File,
                Area::Options | Area::File if self.overload.contains(Overload::SNAME) => {
                    Area::Sname
                }
                _ => return None,
            };
            self.area = next;
            self.iter = OptionIter::new(if next == Area::File { self.file } else { self.sname });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(o: Options<'_>) -> ([u8; 8], usize) {
        let mut out = [0u8; 8];
        let mut n = 0;
        for r in o {
            out[n] = r.unwrap().code.0;
            n += 1;
        }
        (out, n)
    }

    #[test]
    fn rfc2132_3_pad_and_end_are_not_options() {
        let area = [0, 0, 53, 1, 1, 0, 12, 2, b'h', b'i', 255, 7, 7, 7];
        let v: [RawOption<'_>; 2] = {
            let mut it = OptionIter::new(&area);
            [it.next().unwrap().unwrap(), it.next().unwrap().unwrap()]
        };
        assert_eq!(v[0], RawOption { code: OptionCode::MESSAGE_TYPE, data: &[1] });
        assert_eq!(v[1], RawOption { code: OptionCode::HOST_NAME, data: b"hi" });
        let mut it = OptionIter::new(&area);
        assert_eq!(it.by_ref().count(), 2);
        assert!(it.next().is_none());
    }

    #[test]
    fn rfc2132_2_option_running_past_the_end_is_bad_option() {
        for area in [&[53u8][..], &[53, 2, 1][..], &[1, 4, 255, 255, 255]] {
            let mut it = OptionIter::new(area);
            assert_eq!(it.next(), Some(Err(WireError::BadOption)));
            assert_eq!(it.next(), None);
        }
    }

    #[test]
    fn rfc2131_4_1_overload_walks_options_then_file_then_sname() {
        let options = [52, 1, 3, 53, 1, 1, 255];
        let mut file = [0u8; 128];
        file[..4].copy_from_slice(&[12, 1, b'a', 255]);
        let mut sname = [0u8; 64];
        sname[..4].copy_from_slice(&[15, 1, b'b', 255]);
        let (c, n) = codes(Options::new(&options, &file, &sname));
        assert_eq!(&c[..n], &[52, 53, 12, 15]);
        // sname only
        let options = [52, 1, 2, 255];
        let (c, n) = codes(Options::new(&options, &file, &sname));
        assert_eq!(&c[..n], &[52, 15]);
        // no overload: file and sname are names, not options
        let options = [53, 1, 1, 255];
        let (c, n) = codes(Options::new(&options, &file, &sname));
        assert_eq!(&c[..n], &[53]);
        // values other than 1, 2, 3 overload nothing
        let options = [52, 1, 7, 255];
        let (c, n) = codes(Options::new(&options, &file, &sname));
        assert_eq!(&c[..n], &[52]);
    }

    #[test]
    fn rfc2131_4_1_overload_inside_file_is_ignored() {
        let options = [52, 1, 1, 255];
        let mut file = [0u8; 128];
        file[..3].copy_from_slice(&[52, 1, 2]);
        let mut sname = [0u8; 64];
        sname[..3].copy_from_slice(&[15, 1, b'b']);
        let (c, n) = codes(Options::new(&options, &file, &sname));
        assert_eq!(&c[..n], &[52, 52]);
    }

    #[test]
    fn rfc3396_6_instances_are_joined_in_order() {
        let options = [52, 1, 1, 15, 3, b'e', b'x', b'a', 53, 1, 5, 255];
        let mut file = [0u8; 128];
        file[..9].copy_from_slice(&[15, 4, b'm', b'p', b'l', b'e', 15, 0, 255]);
        let o = Options::new(&options, &file, &[]);
        let mut buf = [0u8; 16];
        assert_eq!(o.clone().join(OptionCode::DOMAIN_NAME, &mut buf), Ok(Some(&b"example"[..])));
        let mut small = [0u8; 6];
        assert_eq!(
            o.clone().join(OptionCode::DOMAIN_NAME, &mut small),
            Err(WireError::BufferTooSmall)
        );
        assert_eq!(o.clone().join(OptionCode::ROUTER, &mut small), Ok(None));
        let mut buf = [0u8; 16];
        assert_eq!(
            o.clone().get(OptionCode::DOMAIN_NAME, &mut buf),
            Ok(Some(DhcpOption::DomainName(b"example")))
        );
        // one instance: borrowed, buf untouched
        let mut empty = [0u8; 0];
        assert_eq!(o.get_joined(OptionCode::MESSAGE_TYPE, &mut empty), Ok(Some(&[5u8][..])));
    }
}
