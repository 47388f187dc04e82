//! Decoding of presentation-format fields (RFC 1035 §5.1 and the RFCs of each type): names
//! relative to the origin, escaped strings, numbers, TTLs with units, DNSSEC times and the
//! hex, Base64 and Base32hex (RFC 4648) encodings, streamed across fields without copies.

use super::error::{MasterErrorKind as Kind, Snippet};
use super::lexer::{Lexed, Lexer, Token};
use crate::name::MAX_LABEL_LEN;
use crate::{Error, NameBuf};

/// The longest RDATA (RDLENGTH is 16 bits).
pub(crate) const MAX_RDATA_LEN: usize = 65535;

/// The greatest TTL (RFC 2181 §8: the top bit is zero).
pub(crate) const MAX_TTL: u32 = 0x7FFF_FFFF;

/// RDATA being written into the caller's buffer.
#[derive(Debug)]
pub(crate) struct Out<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Out<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Out<'b> {
        Out { buf, len: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn push(&mut self, b: u8) -> Result<(), Kind> {
        if self.len >= MAX_RDATA_LEN {
            return Err(Kind::RdataTooLong);
        }
        *self.buf.get_mut(self.len).ok_or(Kind::RdataTooLong)? = b;
        self.len += 1;
        Ok(())
    }

    pub(crate) fn extend(&mut self, data: &[u8]) -> Result<(), Kind> {
        data.iter().try_for_each(|&b| self.push(b))
    }

    pub(crate) fn u16(&mut self, v: u16) -> Result<(), Kind> {
        self.extend(&v.to_be_bytes())
    }

    pub(crate) fn u32(&mut self, v: u32) -> Result<(), Kind> {
        self.extend(&v.to_be_bytes())
    }

    /// Overwrites a byte already written (a length filled in afterwards).
    pub(crate) fn set(&mut self, at: usize, b: u8) {
        if at < self.len {
            if let Some(slot) = self.buf.get_mut(at) {
                *slot = b;
            }
        }
    }

    pub(crate) fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    pub(crate) fn written_mut(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }

    pub(crate) fn into_written(self) -> &'b [u8] {
        &self.buf[..self.len]
    }
}

/// The fields of one logical line after the type.
#[derive(Debug)]
pub(crate) struct Fields<'a, 'l> {
    pub(crate) lex: &'l mut Lexer<'a>,
    pub(crate) origin: &'l NameBuf,
    /// The line of the last field read, for errors.
    pub(crate) line: u32,
    ended: bool,
}

impl<'a, 'l> Fields<'a, 'l> {
    pub(crate) fn new(lex: &'l mut Lexer<'a>, origin: &'l NameBuf, line: u32) -> Self {
        Fields { lex, origin, line, ended: false }
    }

    /// The next field, or `None` at the end of the line.
    pub(crate) fn opt(&mut self) -> Result<Option<Token<'a>>, (u32, Kind)> {
        if self.ended {
            return Ok(None);
        }
        match self.lex.next()? {
            Lexed::Token(t) => {
                self.line = t.line;
                Ok(Some(t))
            }
            Lexed::LineEnd | Lexed::Eof => {
                self.ended = true;
                Ok(None)
            }
        }
    }

    /// The next field, which must be there.
    pub(crate) fn next(&mut self, field: &'static str) -> Result<Token<'a>, (u32, Kind)> {
        let line = self.line;
        self.opt()?.ok_or((line, Kind::Missing(field)))
    }

    /// True once the end of the line has been read.
    pub(crate) fn ended(&self) -> bool {
        self.ended
    }

    /// Marks the line as read to its end (after a second pass with a cloned lexer).
    pub(crate) fn set_ended(&mut self) {
        self.ended = true;
    }
}

/// Decodes `\X` and `\DDD` escapes (RFC 1035 §5.1) byte by byte.
#[derive(Debug, Clone)]
pub(crate) struct Unescape<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Unescape<'a> {
    pub(crate) fn new(raw: &'a str) -> Unescape<'a> {
        Unescape { bytes: raw.as_bytes(), pos: 0 }
    }

    /// The next byte and whether it was escaped; `Err` for a bad escape.
    pub(crate) fn next_byte(&mut self) -> Option<Result<(u8, bool), ()>> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        if b != b'\\' {
            return Some(Ok((b, false)));
        }
        let Some(&c) = self.bytes.get(self.pos) else { return Some(Err(())) };
        self.pos += 1;
        if !c.is_ascii_digit() {
            return Some(Ok((c, true)));
        }
        let mut v = u16::from(c - b'0');
        for _ in 0..2 {
            match self.bytes.get(self.pos) {
                Some(d @ b'0'..=b'9') => v = v * 10 + u16::from(d - b'0'),
                _ => return Some(Err(())),
            }
            self.pos += 1;
        }
        Some(u8::try_from(v).map(|b| (b, true)).map_err(|_| ()))
    }
}

/// Reads a domain name (RFC 1035 §5.1): `@` is the origin, a name without a final
/// unescaped `.` is relative to the origin, `.` is the root. Case is kept.
pub(crate) fn parse_name(raw: &str, origin: &NameBuf) -> Result<NameBuf, Error> {
    match raw {
        "@" => return Ok(*origin),
        "." => return Ok(NameBuf::root()),
        "" => return Err(Error::BadPresentation),
        _ => {}
    }
    let mut name = NameBuf::root();
    let mut label = [0u8; MAX_LABEL_LEN];
    let mut len = 0usize;
    let mut absolute = false;
    let mut it = Unescape::new(raw);
    while let Some(r) = it.next_byte() {
        let (b, escaped) = r.map_err(|_| Error::BadPresentation)?;
        absolute = false;
        if b == b'.' && !escaped {
            if len == 0 {
                return Err(Error::BadPresentation);
            }
            name.push_label(&label[..len])?;
            len = 0;
            absolute = true;
            continue;
        }
        *label.get_mut(len).ok_or(Error::LabelTooLong)? = b;
        len += 1;
    }
    if len > 0 {
        name.push_label(&label[..len])?;
    }
    if !absolute {
        name.append(&origin.as_name())?;
    }
    Ok(name)
}

/// A name field, errors naming the field.
pub(crate) fn name_field(
    t: &Token<'_>,
    field: &'static str,
    origin: &NameBuf,
) -> Result<NameBuf, Kind> {
    parse_name(t.raw, origin).map_err(|e| Kind::BadName(field, Snippet::new(t.raw), e))
}

/// A decimal number that fits `T`.
pub(crate) fn number<T: TryFrom<u64>>(t: &Token<'_>, field: &'static str) -> Result<T, Kind> {
    let raw = t.raw;
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Kind::NotANumber(field, Snippet::new(raw)));
    }
    let v: u64 = raw.parse().map_err(|_| Kind::OutOfRange(field, Snippet::new(raw)))?;
    T::try_from(v).map_err(|_| Kind::OutOfRange(field, Snippet::new(raw)))
}

/// A TTL or SOA timer: decimal seconds, or numbers with units `s m h d w` as BIND, Knot and
/// NSD accept (`1h30m`, `1W`), at most `max`.
pub(crate) fn ttl(raw: &str, field: &'static str, max: u32) -> Result<u32, Kind> {
    let bad = || Kind::BadTtl(field, Snippet::new(raw));
    if raw.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut value: Option<u64> = None;
    let mut units = false;
    for b in raw.bytes() {
        if b.is_ascii_digit() {
            let v =
                value.unwrap_or(0).checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0')));
            value = Some(v.filter(|v| *v <= u64::from(u32::MAX)).ok_or_else(bad)?);
            continue;
        }
        let unit = match b.to_ascii_lowercase() {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            b'd' => 86_400,
            b'w' => 604_800,
            _ => return Err(bad()),
        };
        let v = value.take().ok_or_else(bad)?;
        total = total.saturating_add(v.saturating_mul(unit));
        units = true;
    }
    match value {
        // A trailing number without a unit is only allowed alone (plain seconds).
        Some(v) if !units => total = v,
        Some(_) => return Err(bad()),
        None => {}
    }
    u32::try_from(total).ok().filter(|t| *t <= max).ok_or_else(bad)
}

/// A DNSSEC time (RFC 4034 §3.2): `YYYYMMDDHHmmSS` in UTC, or seconds since 1970. Dates
/// after 2106 wrap modulo 2^32 (serial arithmetic, RFC 4034 §3.1.5).
pub(crate) fn time(t: &Token<'_>, field: &'static str) -> Result<u32, Kind> {
    let raw = t.raw;
    let bad = || Kind::BadTime(field, Snippet::new(raw));
    if raw.len() != 14 {
        return number::<u32>(t, field).map_err(|_| bad());
    }
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let part =
        |a: usize, b: usize| raw.get(a..b).and_then(|s| s.parse::<i64>().ok()).ok_or_else(bad);
    let (y, mo, d, h, mi, s) =
        (part(0, 4)?, part(4, 6)?, part(6, 8)?, part(8, 10)?, part(10, 12)?, part(12, 14)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let days_in_month =
        usize::try_from(mo - 1).ok().and_then(|m| month_days.get(m)).ok_or_else(bad)?;
    if y < 1970 || d < 1 || d > *days_in_month || h > 23 || mi > 59 || s > 59 {
        return Err(bad());
    }
    // Days from 1970-01-01 to the civil date (H. Hinnant's algorithm).
    let (y2, m2) = if mo <= 2 { (y - 1, mo + 9) } else { (y, mo - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + s;
    Ok(secs.rem_euclid(1 << 32) as u32)
}

/// Writes a field's unescaped bytes; returns how many.
pub(crate) fn unescape_into(
    t: &Token<'_>,
    field: &'static str,
    out: &mut Out<'_>,
) -> Result<usize, Kind> {
    let mut it = Unescape::new(t.raw);
    let start = out.len();
    while let Some(r) = it.next_byte() {
        let (b, _) = r.map_err(|_| Kind::BadEscape(field))?;
        out.push(b)?;
    }
    Ok(out.len() - start)
}

/// Writes a character-string (RFC 1035 §3.3): a length octet and at most 255 octets.
pub(crate) fn char_string(
    t: &Token<'_>,
    field: &'static str,
    out: &mut Out<'_>,
) -> Result<(), Kind> {
    let at = out.len();
    out.push(0)?;
    let n = unescape_into(t, field, out)?;
    let n = u8::try_from(n).map_err(|_| Kind::StringTooLong(field))?;
    out.set(at, n);
    Ok(())
}

/// Hex digits spread over the remaining fields (blanks allowed between pairs).
pub(crate) fn hex_rest(
    f: &mut Fields<'_, '_>,
    field: &'static str,
    out: &mut Out<'_>,
) -> Result<(), (u32, Kind)> {
    let mut high: Option<u8> = None;
    while let Some(t) = f.opt()? {
        for c in t.raw.bytes() {
            let v = hex_digit(c).ok_or((f.line, Kind::BadEncoding(field, "hex")))?;
            match high.take() {
                Some(h) => out.push(h << 4 | v).map_err(|k| (f.line, k))?,
                None => high = Some(v),
            }
        }
    }
    if high.is_some() {
        return Err((f.line, Kind::BadEncoding(field, "hex")));
    }
    Ok(())
}

/// Hex digits in one field.
pub(crate) fn hex_field(raw: &str, field: &'static str, out: &mut Out<'_>) -> Result<(), Kind> {
    if !raw.len().is_multiple_of(2) {
        return Err(Kind::BadEncoding(field, "hex"));
    }
    for pair in raw.as_bytes().chunks(2) {
        let (Some(h), Some(l)) = (hex_digit(pair[0]), pair.get(1).and_then(|c| hex_digit(*c)))
        else {
            return Err(Kind::BadEncoding(field, "hex"));
        };
        out.push(h << 4 | l)?;
    }
    Ok(())
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A Base64 decoder (RFC 4648 §4) fed character by character, padding required.
#[derive(Debug, Default)]
pub(crate) struct Base64 {
    acc: u32,
    bits: u8,
    chars: usize,
    pad: u8,
}

impl Base64 {
    pub(crate) fn feed(&mut self, c: u8, out: &mut Out<'_>) -> Result<(), Option<Kind>> {
        self.chars += 1;
        if c == b'=' {
            self.pad += 1;
            return if self.pad > 2 { Err(None) } else { Ok(()) };
        }
        if self.pad > 0 {
            return Err(None);
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(None),
        };
        self.acc = (self.acc << 6) | u32::from(v);
        self.bits += 6;
        if self.bits >= 8 {
            self.bits -= 8;
            out.push((self.acc >> self.bits) as u8).map_err(Some)?;
            self.acc &= (1 << self.bits) - 1;
        }
        Ok(())
    }

    pub(crate) fn finish(&self) -> bool {
        self.chars.is_multiple_of(4) && self.acc == 0
    }

    /// Base64 spread over the remaining fields.
    pub(crate) fn rest(
        f: &mut Fields<'_, '_>,
        field: &'static str,
        out: &mut Out<'_>,
    ) -> Result<(), (u32, Kind)> {
        let mut d = Base64::default();
        while let Some(t) = f.opt()? {
            for c in t.raw.bytes() {
                d.feed(c, out)
                    .map_err(|k| (f.line, k.unwrap_or(Kind::BadEncoding(field, "Base64"))))?;
            }
        }
        if d.finish() {
            Ok(())
        } else {
            Err((f.line, Kind::BadEncoding(field, "Base64")))
        }
    }
}

/// Base32 with the extended hex alphabet, no padding (RFC 4648 §7, RFC 5155 §3.3), case
/// insensitive, in one field.
pub(crate) fn base32hex(raw: &str, field: &'static str, out: &mut Out<'_>) -> Result<(), Kind> {
    let bad = Kind::BadEncoding(field, "Base32hex");
    let mut acc: u64 = 0;
    let mut bits = 0u8;
    for c in raw.bytes() {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'v' => c - b'a' + 10,
            b'A'..=b'V' => c - b'A' + 10,
            _ => return Err(bad),
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8)?;
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be padding zeros, fewer than 5 of them (RFC 4648 §6).
    if bits >= 5 || acc != 0 {
        return Err(bad);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4034_3_2_times() {
        let t = |s: &str| time(&Token { raw: s, quoted: false, line: 1, first_column: false }, "t");
        assert_eq!(t("20030322173103"), Ok(1_048_354_263));
        assert_eq!(t("19700101000000"), Ok(0));
        assert_eq!(t("21060207062815"), Ok(u32::MAX));
        assert_eq!(t("21060207062816"), Ok(0));
        assert_eq!(t("1048354263"), Ok(1_048_354_263));
        assert!(t("20030230000000").is_err());
        assert!(t("19691231235959").is_err());
        assert!(t("2003032217310x").is_err());
    }

    #[test]
    fn rfc2308_4_ttl_units() {
        assert_eq!(ttl("3600", "ttl", MAX_TTL), Ok(3600));
        assert_eq!(ttl("1h30m", "ttl", MAX_TTL), Ok(5400));
        assert_eq!(
            ttl("1W2d3H4M5S", "ttl", MAX_TTL),
            Ok(604_800 + 2 * 86_400 + 3 * 3600 + 4 * 60 + 5)
        );
        assert_eq!(ttl("2147483647", "ttl", MAX_TTL), Ok(MAX_TTL));
        for bad in ["", "h", "1h30", "2147483648", "1x", "-1", "99999999999"] {
            assert!(ttl(bad, "ttl", MAX_TTL).is_err(), "{bad}");
        }
    }
}
