//! SvcParams of SVCB and HTTPS in presentation format (RFC 9460 §2.1, §7, §8, Appendix A):
//! `key=value` fields in any order, written in increasing key order.

use core::net::{Ipv4Addr, Ipv6Addr};

use super::error::{MasterErrorKind as Kind, Snippet};
use super::fields::{Base64, Fields, Out, Unescape};
use super::lexer::Token;
use crate::rdata::SvcParamKey;

type R<T> = Result<T, (u32, Kind)>;

/// Splits `key=value` (the value unquoted if it was quoted).
fn split<'a>(t: &Token<'a>) -> R<(SvcParamKey, Option<&'a str>)> {
    let (key, value) = match t.raw.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (t.raw, None),
    };
    let k = SvcParamKey::from_mnemonic(key)
        .ok_or((t.line, Kind::UnknownSvcParamKey(Snippet::new(key))))?;
    let value = value.map(|v| v.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(v));
    Ok((k, value))
}

/// Reads the SvcParams to the end of the line. Keys in increasing order (the usual case)
/// take one pass; otherwise they are sorted by one pass per key over the fields (a lexer
/// copy), so no field is stored: O(n²) in the number of parameters, at most 16383 (each
/// takes 4 octets of RDATA at least).
pub(crate) fn params(f: &mut Fields<'_, '_>, out: &mut Out<'_>) -> R<()> {
    let start = *f.lex;
    let line = f.line;
    let params_at = out.len();
    // First pass: every key parses; find the end of the line; are the keys in order?
    let (mut count, mut sorted, mut prev) = (0usize, true, None::<u16>);
    while let Some(t) = f.opt()? {
        let (k, _) = split(&t)?;
        sorted &= prev.is_none_or(|p| p < k.0);
        prev = Some(k.0);
        count += 1;
    }
    let end = *f.lex;
    // Each parameter takes at least 4 octets: more cannot fit in RDATA.
    if count > super::fields::MAX_RDATA_LEN / 4 {
        return Err((line, Kind::RdataTooLong));
    }
    if sorted {
        // The usual case: one pass.
        let mut again = Fields::new(&mut *f.lex, f.origin, line);
        *again.lex = start;
        while let Some(t) = again.opt()? {
            param(&t, out).map_err(|k| (t.line, k))?;
        }
    } else {
        // One pass per parameter, taking the smallest key not yet written.
        let mut last: Option<u16> = None;
        loop {
            let mut best: Option<(u16, Token<'_>)> = None;
            let mut dup = false;
            let mut again = Fields::new(&mut *f.lex, f.origin, line);
            *again.lex = start;
            while let Some(t) = again.opt()? {
                let (k, _) = split(&t)?;
                if last.is_some_and(|l| k.0 <= l) {
                    continue;
                }
                match best {
                    Some((b, _)) if b == k.0 => dup = true,
                    Some((b, _)) if b < k.0 => {}
                    _ => {
                        best = Some((k.0, t));
                        dup = false;
                    }
                }
            }
            let Some((key, t)) = best else { break };
            if dup {
                return Err((t.line, Kind::DuplicateSvcParam(SvcParamKey(key))));
            }
            param(&t, out).map_err(|k| (t.line, k))?;
            last = Some(key);
        }
    }
    *f.lex = end;
    f.set_ended();
    check_mandatory(out.written().get(params_at..).unwrap_or(&[])).map_err(|k| (line, k))
}

/// RFC 9460 §8: every key listed in `mandatory` must be present, and not `mandatory` itself.
fn check_mandatory(params: &[u8]) -> Result<(), Kind> {
    let present = |key: u16| {
        let mut p = params;
        while let [k0, k1, l0, l1, rest @ ..] = p {
            if u16::from_be_bytes([*k0, *k1]) == key {
                return true;
            }
            let len = usize::from(u16::from_be_bytes([*l0, *l1])).min(rest.len());
            p = &rest[len..];
        }
        false
    };
    if let [0, 0, l0, l1, rest @ ..] = params {
        let len = usize::from(u16::from_be_bytes([*l0, *l1])).min(rest.len());
        for k in rest[..len].chunks_exact(2) {
            let key = u16::from_be_bytes([k[0], k[1]]);
            if key == 0 {
                return Err(Kind::BadSvcParam(SvcParamKey::MANDATORY, "lists mandatory itself"));
            }
            if !present(key) {
                return Err(Kind::BadSvcParam(
                    SvcParamKey::MANDATORY,
                    "lists a key that is absent",
                ));
            }
        }
    }
    Ok(())
}

/// One piece of a value: character-string escapes decoded first, then (for lists) the
/// value-list escapes of RFC 9460 Appendix A.1 (`\,` and `\\`) and the `,` separators.
enum Piece {
    Byte(u8),
    Comma,
    End,
}

struct ValueList<'a> {
    it: Unescape<'a>,
    list: bool,
}

impl ValueList<'_> {
    fn next(&mut self) -> Result<Piece, Kind> {
        let Some(r) = self.it.next_byte() else { return Ok(Piece::End) };
        let (b, _) = r.map_err(|_| Kind::BadEscape("SvcParamValue"))?;
        if !self.list {
            return Ok(Piece::Byte(b));
        }
        match b {
            b',' => Ok(Piece::Comma),
            b'\\' => match self.it.next_byte() {
                Some(Ok((c, _))) => Ok(Piece::Byte(c)),
                _ => Err(Kind::BadEscape("SvcParamValue")),
            },
            b => Ok(Piece::Byte(b)),
        }
    }
}

/// Calls `item` with each comma-separated item of `value`, unescaped; items are non-empty
/// and at most 255 octets.
fn each_item(
    value: &str,
    key: SvcParamKey,
    mut item: impl FnMut(&[u8]) -> Result<(), Kind>,
) -> Result<(), Kind> {
    let mut v = ValueList { it: Unescape::new(value), list: true };
    let mut scratch = [0u8; 255];
    loop {
        let mut n = 0usize;
        let end = loop {
            match v.next()? {
                Piece::Byte(b) => {
                    *scratch
                        .get_mut(n)
                        .ok_or(Kind::BadSvcParam(key, "item longer than 255 octets"))? = b;
                    n += 1;
                }
                Piece::Comma => break false,
                Piece::End => break true,
            }
        };
        if n == 0 {
            return Err(Kind::BadSvcParam(key, "empty item in list"));
        }
        item(&scratch[..n])?;
        if end {
            return Ok(());
        }
    }
}

/// Writes one parameter: key, length, value.
fn param(t: &Token<'_>, out: &mut Out<'_>) -> Result<(), Kind> {
    let (key, value) = split(t).map_err(|(_, k)| k)?;
    out.u16(key.0)?;
    let len_at = out.len();
    out.u16(0)?;
    fn needs_value(key: SvcParamKey, v: Option<&str>) -> Result<&str, Kind> {
        v.filter(|v| !v.is_empty()).ok_or(Kind::BadSvcParam(key, "needs a value"))
    }
    match key {
        SvcParamKey::MANDATORY => {
            let v = needs_value(key, value)?;
            let first = out.len();
            each_item(v, key, |item| {
                let name =
                    core::str::from_utf8(item).map_err(|_| Kind::BadSvcParam(key, "not a key"))?;
                let k = SvcParamKey::from_mnemonic(name)
                    .ok_or(Kind::UnknownSvcParamKey(Snippet::new(name)))?;
                out.u16(k.0)
            })?;
            // Keys in increasing order on the wire (RFC 9460 §8), no duplicates.
            let keys = out.written_mut().get_mut(first..).unwrap_or(&mut []);
            let n = keys.len() / 2;
            for i in 1..n {
                let mut j = i;
                while j > 0 && keys[2 * j - 2..2 * j] > keys[2 * j..2 * j + 2] {
                    for b in 0..2 {
                        keys.swap(2 * j - 2 + b, 2 * j + b);
                    }
                    j -= 1;
                }
            }
            if keys.chunks_exact(2).zip(keys.chunks_exact(2).skip(1)).any(|(a, b)| a == b) {
                return Err(Kind::BadSvcParam(key, "lists a key twice"));
            }
        }
        SvcParamKey::ALPN => {
            let v = needs_value(key, value)?;
            each_item(v, key, |item| {
                out.push(item.len() as u8)?;
                out.extend(item)
            })?;
        }
        SvcParamKey::NO_DEFAULT_ALPN => {
            if value.is_some_and(|v| !v.is_empty()) {
                return Err(Kind::BadSvcParam(key, "takes no value"));
            }
        }
        SvcParamKey::PORT => {
            let v = needs_value(key, value)?;
            let port: u16 =
                if v.bytes().all(|b| b.is_ascii_digit()) { v.parse().ok() } else { None }
                    .ok_or(Kind::BadSvcParam(key, "not a port number"))?;
            out.u16(port)?;
        }
        SvcParamKey::IPV4HINT => {
            let v = needs_value(key, value)?;
            each_item(v, key, |item| {
                let a: Ipv4Addr = core::str::from_utf8(item)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(Kind::BadSvcParam(key, "not an IPv4 address"))?;
                out.extend(&a.octets())
            })?;
        }
        SvcParamKey::IPV6HINT => {
            let v = needs_value(key, value)?;
            each_item(v, key, |item| {
                let a: Ipv6Addr = core::str::from_utf8(item)
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or(Kind::BadSvcParam(key, "not an IPv6 address"))?;
                out.extend(&a.octets())
            })?;
        }
        SvcParamKey::ECH => {
            let mut d = Base64::default();
            for c in value.unwrap_or("").bytes() {
                d.feed(c, out).map_err(|k| k.unwrap_or(Kind::BadSvcParam(key, "not Base64")))?;
            }
            if !d.finish() {
                return Err(Kind::BadSvcParam(key, "not Base64"));
            }
        }
        _ => {
            // dohpath, keyNNNNN and the others: the value's octets (RFC 9460 §2.1).
            let mut v = ValueList { it: Unescape::new(value.unwrap_or("")), list: false };
            while let Piece::Byte(b) = v.next()? {
                out.push(b)?;
            }
        }
    }
    let len = out.len() - len_at - 2;
    let len = u16::try_from(len).map_err(|_| Kind::RdataTooLong)?;
    let [hi, lo] = len.to_be_bytes();
    out.set(len_at, hi);
    out.set(len_at + 1, lo);
    Ok(())
}
