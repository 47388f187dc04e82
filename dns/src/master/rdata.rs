//! RDATA in presentation format to uncompressed wire form, type by type (RFC 1035 §3.3 and
//! §5.1, and the presentation sections of each type's RFC), and RFC 3597 §5 `\#` for any.

use core::net::{Ipv4Addr, Ipv6Addr};

use super::error::{MasterErrorKind as Kind, Snippet};
use super::fields::{
    base32hex, char_string, hex_field, hex_rest, name_field, number, time, ttl, unescape_into,
    Base64, Fields, Out, MAX_TTL,
};
use super::lexer::Token;
use crate::{RData, RecordType};

type R<T> = Result<T, (u32, Kind)>;

impl<'a> Fields<'a, '_> {
    fn num<T: TryFrom<u64>>(&mut self, field: &'static str) -> R<T> {
        let t = self.next(field)?;
        number(&t, field).map_err(|k| (t.line, k))
    }

    fn name_into(&mut self, field: &'static str, out: &mut Out<'_>) -> R<()> {
        let t = self.next(field)?;
        let n = name_field(&t, field, self.origin).map_err(|k| (t.line, k))?;
        out.extend(n.as_wire()).map_err(|k| (t.line, k))
    }

    fn string_into(&mut self, field: &'static str, out: &mut Out<'_>) -> R<()> {
        let t = self.next(field)?;
        char_string(&t, field, out).map_err(|k| (t.line, k))
    }

    fn timer(&mut self, field: &'static str, max: u32) -> R<u32> {
        let t = self.next(field)?;
        ttl(t.raw, field, max).map_err(|k| (t.line, k))
    }

    /// A DNSSEC algorithm number or mnemonic (IANA "DNS Security Algorithm Numbers").
    fn algorithm(&mut self) -> R<u8> {
        let t = self.next("algorithm")?;
        if let Some(v) = algorithm_mnemonic(t.raw) {
            return Ok(v);
        }
        number(&t, "algorithm").map_err(|k| (t.line, k))
    }
}

/// DNSSEC algorithm mnemonics (RFC 4034 Appendix A.1 and the IANA registry).
fn algorithm_mnemonic(s: &str) -> Option<u8> {
    const NAMES: [(&str, u8); 15] = [
        ("RSAMD5", 1),
        ("DH", 2),
        ("DSA", 3),
        ("RSASHA1", 5),
        ("DSA-NSEC3-SHA1", 6),
        ("RSASHA1-NSEC3-SHA1", 7),
        ("RSASHA256", 8),
        ("RSASHA512", 10),
        ("ECC-GOST", 12),
        ("ECDSAP256SHA256", 13),
        ("ECDSAP384SHA384", 14),
        ("ED25519", 15),
        ("ED448", 16),
        ("PRIVATEDNS", 253),
        ("PRIVATEOID", 254),
    ];
    NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)).map(|(_, v)| *v)
}

/// True for types that only exist in queries or as pseudo-records (RFC 6895 §3.1).
pub(crate) fn is_meta(t: RecordType) -> bool {
    matches!(
        t,
        RecordType::OPT
            | RecordType::TKEY
            | RecordType::TSIG
            | RecordType::IXFR
            | RecordType::AXFR
            | RecordType::MAILA
            | RecordType::MAILB
            | RecordType::ANY
    )
}

/// Reads the RDATA of `rtype` from the rest of the line into `out`.
pub(crate) fn parse_rdata(rtype: RecordType, f: &mut Fields<'_, '_>, out: &mut Out<'_>) -> R<()> {
    // Empty RDATA is only written `\# 0`.
    let first = f.next("RDATA")?;
    if !first.quoted && first.raw == "\\#" {
        return generic(rtype, f, out);
    }
    let mut first = Some(first);
    typed(rtype, f, out, &mut first)
}

/// RFC 3597 §5: `\# <length> <hex...>`; for a type parsed here the data must also be valid.
fn generic(rtype: RecordType, f: &mut Fields<'_, '_>, out: &mut Out<'_>) -> R<()> {
    let declared: u16 = f.num("\\# length")?;
    hex_rest(f, "\\# data", out)?;
    let found = u16::try_from(out.len()).unwrap_or(u16::MAX);
    if found != declared {
        return Err((f.line, Kind::GenericLength { declared, found }));
    }
    if has_presentation(rtype) {
        RData::from_wire(rtype, out.written()).map_err(|e| (f.line, Kind::GenericInvalid(e)))?;
    }
    Ok(())
}

/// Types with a presentation format here.
pub(crate) fn has_presentation(t: RecordType) -> bool {
    use RecordType as T;
    matches!(
        t,
        T::A | T::NS
            | T::MD
            | T::MF
            | T::CNAME
            | T::SOA
            | T::MB
            | T::MG
            | T::MR
            | T::PTR
            | T::HINFO
            | T::MINFO
            | T::MX
            | T::TXT
            | T::RP
            | T::AFSDB
            | T::RT
            | T::AAAA
            | T::SRV
            | T::NAPTR
            | T::KX
            | T::DNAME
            | T::DS
            | T::SSHFP
            | T::RRSIG
            | T::NSEC
            | T::DNSKEY
            | T::NSEC3
            | T::NSEC3PARAM
            | T::TLSA
            | T::SMIMEA
            | T::CDS
            | T::CDNSKEY
            | T::OPENPGPKEY
            | T::SVCB
            | T::HTTPS
            | T::SPF
            | T::URI
            | T::CAA
    )
}

fn e(t: &Token<'_>) -> impl Fn(Kind) -> (u32, Kind) {
    let line = t.line;
    move |k| (line, k)
}

fn typed<'a>(
    rtype: RecordType,
    f: &mut Fields<'a, '_>,
    out: &mut Out<'_>,
    first: &mut Option<Token<'a>>,
) -> R<()> {
    use RecordType as T;
    // The first field was read to look for `\#`; the parsers below take it from here.
    let mut take = |f: &mut Fields<'a, '_>, field: &'static str| -> R<Token<'a>> {
        match first.take() {
            Some(t) => {
                f.line = t.line;
                Ok(t)
            }
            None => f.next(field),
        }
    };
    match rtype {
        T::A => {
            let t = take(f, "address")?;
            let a: Ipv4Addr = t
                .raw
                .parse()
                .map_err(|_| (t.line, Kind::BadAddress("address", Snippet::new(t.raw))))?;
            out.extend(&a.octets()).map_err(e(&t))
        }
        T::AAAA => {
            let t = take(f, "address")?;
            let a: Ipv6Addr = t
                .raw
                .parse()
                .map_err(|_| (t.line, Kind::BadAddress("address", Snippet::new(t.raw))))?;
            out.extend(&a.octets()).map_err(e(&t))
        }
        T::NS | T::MD | T::MF | T::CNAME | T::MB | T::MG | T::MR | T::PTR | T::DNAME => {
            let t = take(f, "target")?;
            let n = name_field(&t, "target", f.origin).map_err(e(&t))?;
            out.extend(n.as_wire()).map_err(e(&t))
        }
        T::SOA => {
            let t = take(f, "mname")?;
            let n = name_field(&t, "mname", f.origin).map_err(e(&t))?;
            out.extend(n.as_wire()).map_err(e(&t))?;
            f.name_into("rname", out)?;
            let serial: u32 = f.num("serial")?;
            out.u32(serial).map_err(|k| (f.line, k))?;
            for field in ["refresh", "retry", "expire", "minimum"] {
                let v = f.timer(field, u32::MAX)?;
                out.u32(v).map_err(|k| (f.line, k))?;
            }
            Ok(())
        }
        T::MINFO | T::RP => {
            let (a, b) = if rtype == T::RP { ("mbox", "txt") } else { ("rmailbx", "emailbx") };
            let t = take(f, a)?;
            let n = name_field(&t, a, f.origin).map_err(e(&t))?;
            out.extend(n.as_wire()).map_err(e(&t))?;
            f.name_into(b, out)
        }
        T::MX | T::AFSDB | T::RT | T::KX => {
            let t = take(f, "preference")?;
            out.u16(number(&t, "preference").map_err(e(&t))?).map_err(e(&t))?;
            f.name_into("exchange", out)
        }
        T::HINFO => {
            let t = take(f, "cpu")?;
            char_string(&t, "cpu", out).map_err(e(&t))?;
            f.string_into("os", out)
        }
        T::TXT | T::SPF => {
            let t = take(f, "text")?;
            char_string(&t, "text", out).map_err(e(&t))?;
            while let Some(t) = f.opt()? {
                char_string(&t, "text", out).map_err(e(&t))?;
            }
            Ok(())
        }
        T::SRV => {
            let t = take(f, "priority")?;
            out.u16(number(&t, "priority").map_err(e(&t))?).map_err(e(&t))?;
            for field in ["weight", "port"] {
                let v: u16 = f.num(field)?;
                out.u16(v).map_err(|k| (f.line, k))?;
            }
            f.name_into("target", out)
        }
        T::NAPTR => {
            let t = take(f, "order")?;
            out.u16(number(&t, "order").map_err(e(&t))?).map_err(e(&t))?;
            let pref: u16 = f.num("preference")?;
            out.u16(pref).map_err(|k| (f.line, k))?;
            for field in ["flags", "services", "regexp"] {
                f.string_into(field, out)?;
            }
            f.name_into("replacement", out)
        }
        T::DS | T::CDS => {
            let t = take(f, "key tag")?;
            out.u16(number(&t, "key tag").map_err(e(&t))?).map_err(e(&t))?;
            let alg = f.algorithm()?;
            let dt: u8 = f.num("digest type")?;
            out.extend(&[alg, dt]).map_err(|k| (f.line, k))?;
            hex_rest(f, "digest", out)
        }
        T::DNSKEY | T::CDNSKEY => {
            let t = take(f, "flags")?;
            out.u16(number(&t, "flags").map_err(e(&t))?).map_err(e(&t))?;
            let proto: u8 = f.num("protocol")?;
            let alg = f.algorithm()?;
            out.extend(&[proto, alg]).map_err(|k| (f.line, k))?;
            Base64::rest(f, "public key", out)
        }
        T::OPENPGPKEY => {
            let t = take(f, "public key")?;
            *first = Some(t);
            // Put the field back: the key may be split over several.
            let mut d = Base64::default();
            let mut tok = first.take();
            while let Some(t) = tok {
                for c in t.raw.bytes() {
                    d.feed(c, out).map_err(|k| {
                        (t.line, k.unwrap_or(Kind::BadEncoding("public key", "Base64")))
                    })?;
                }
                tok = f.opt()?;
            }
            if d.finish() {
                Ok(())
            } else {
                Err((f.line, Kind::BadEncoding("public key", "Base64")))
            }
        }
        T::RRSIG => {
            let t = take(f, "type covered")?;
            let covered = RecordType::from_mnemonic(t.raw)
                .ok_or((t.line, Kind::UnknownType(Snippet::new(t.raw))))?;
            out.u16(covered.0).map_err(e(&t))?;
            let alg = f.algorithm()?;
            let labels: u8 = f.num("labels")?;
            out.extend(&[alg, labels]).map_err(|k| (f.line, k))?;
            let ottl = f.timer("original TTL", u32::MAX)?;
            out.u32(ottl).map_err(|k| (f.line, k))?;
            for field in ["expiration", "inception"] {
                let t = f.next(field)?;
                out.u32(time(&t, field).map_err(e(&t))?).map_err(e(&t))?;
            }
            let tag: u16 = f.num("key tag")?;
            out.u16(tag).map_err(|k| (f.line, k))?;
            f.name_into("signer's name", out)?;
            Base64::rest(f, "signature", out)
        }
        T::NSEC => {
            let t = take(f, "next domain name")?;
            let n = name_field(&t, "next domain name", f.origin).map_err(e(&t))?;
            out.extend(n.as_wire()).map_err(e(&t))?;
            type_bitmap(f, out)
        }
        T::NSEC3 | T::NSEC3PARAM => {
            let t = take(f, "hash algorithm")?;
            let alg: u8 = number(&t, "hash algorithm").map_err(e(&t))?;
            let flags: u8 = f.num("flags")?;
            let iter: u16 = f.num("iterations")?;
            out.extend(&[alg, flags]).map_err(e(&t))?;
            out.u16(iter).map_err(e(&t))?;
            salt(f, out)?;
            if rtype == T::NSEC3PARAM {
                return Ok(());
            }
            let t = f.next("next hashed owner name")?;
            let at = out.len();
            out.push(0).map_err(e(&t))?;
            base32hex(t.raw, "next hashed owner name", out).map_err(e(&t))?;
            let n = out.len() - at - 1;
            if n == 0 {
                return Err((t.line, Kind::Empty("next hashed owner name")));
            }
            let n = u8::try_from(n)
                .map_err(|_| (t.line, Kind::StringTooLong("next hashed owner name")))?;
            out.set(at, n);
            type_bitmap(f, out)
        }
        T::TLSA | T::SMIMEA => {
            let t = take(f, "usage")?;
            let usage: u8 = number(&t, "usage").map_err(e(&t))?;
            let selector: u8 = f.num("selector")?;
            let matching: u8 = f.num("matching type")?;
            out.extend(&[usage, selector, matching]).map_err(e(&t))?;
            hex_rest(f, "certificate association data", out)
        }
        T::SSHFP => {
            let t = take(f, "algorithm")?;
            let alg: u8 = number(&t, "algorithm").map_err(e(&t))?;
            let fp: u8 = f.num("fingerprint type")?;
            out.extend(&[alg, fp]).map_err(e(&t))?;
            hex_rest(f, "fingerprint", out)
        }
        T::URI => {
            let t = take(f, "priority")?;
            out.u16(number(&t, "priority").map_err(e(&t))?).map_err(e(&t))?;
            let w: u16 = f.num("weight")?;
            out.u16(w).map_err(|k| (f.line, k))?;
            let t = f.next("target")?;
            if unescape_into(&t, "target", out).map_err(e(&t))? == 0 {
                return Err((t.line, Kind::Empty("target")));
            }
            Ok(())
        }
        T::CAA => {
            let t = take(f, "flags")?;
            out.push(number(&t, "flags").map_err(e(&t))?).map_err(e(&t))?;
            let t = f.next("tag")?;
            let at = out.len();
            char_string(&t, "tag", out).map_err(e(&t))?;
            if out.written().get(at) == Some(&0) {
                return Err((t.line, Kind::Empty("tag")));
            }
            let t = f.next("value")?;
            unescape_into(&t, "value", out).map_err(e(&t))?;
            Ok(())
        }
        T::SVCB | T::HTTPS => {
            let t = take(f, "priority")?;
            out.u16(number(&t, "priority").map_err(e(&t))?).map_err(e(&t))?;
            f.name_into("target", out)?;
            super::svcb::params(f, out)
        }
        t => Err((f.line, Kind::NoPresentation(t))),
    }
}

/// NSEC3 salt: hex, or `-` for none (RFC 5155 §3.3).
fn salt(f: &mut Fields<'_, '_>, out: &mut Out<'_>) -> R<()> {
    let t = f.next("salt")?;
    let at = out.len();
    out.push(0).map_err(|k| (t.line, k))?;
    if t.raw != "-" {
        hex_field(t.raw, "salt", out).map_err(|k| (t.line, k))?;
    }
    let n = u8::try_from(out.len() - at - 1).map_err(|_| (t.line, Kind::StringTooLong("salt")))?;
    out.set(at, n);
    Ok(())
}

/// The type bit maps of NSEC and NSEC3 (RFC 4034 §4.1.2): the type mnemonics to the end
/// of the line, in any order. Two passes over the fields, whatever their number: the first
/// finds each window's length, which lays the windows out (zeroed) in the output; the
/// second sets the bits there. 768 bytes of stack, no bitmap copy.
fn type_bitmap(f: &mut Fields<'_, '_>, out: &mut Out<'_>) -> R<()> {
    let start = *f.lex;
    let start_line = f.line;
    // Bytes used by each window's bitmap (0: window absent).
    let mut lens = [0u8; 256];
    while let Some(t) = f.opt()? {
        let ty = RecordType::from_mnemonic(t.raw)
            .ok_or((t.line, Kind::UnknownType(Snippet::new(t.raw))))?;
        let (window, low) = (usize::from(ty.0 >> 8), ty.0 as u8);
        lens[window] = lens[window].max(low / 8 + 1);
    }
    let end = *f.lex;
    let line = f.line;
    let base = out.len();
    // Offset of each window's bitmap from `base`.
    let mut offsets = [0u16; 256];
    for (window, &len) in lens.iter().enumerate() {
        if len > 0 {
            offsets[window] = (out.len() - base + 2) as u16;
            out.extend(&[window as u8, len]).map_err(|k| (line, k))?;
            out.extend(&[0u8; 32][..usize::from(len)]).map_err(|k| (line, k))?;
        }
    }
    let mut again = Fields::new(&mut *f.lex, f.origin, start_line);
    *again.lex = start;
    let bits = out.written_mut();
    while let Some(t) = again.opt()? {
        if let Some(ty) = RecordType::from_mnemonic(t.raw) {
            let (window, low) = (usize::from(ty.0 >> 8), usize::from(ty.0 as u8));
            let at = base + usize::from(offsets[window]) + low / 8;
            if let Some(b) = bits.get_mut(at) {
                *b |= 0x80 >> (low % 8);
            }
        }
    }
    *f.lex = end;
    f.set_ended();
    Ok(())
}

/// The default TTL of an SOA read without one (BIND's rule): its MINIMUM.
pub(crate) fn soa_minimum(rdata: &[u8]) -> Option<u32> {
    let tail = rdata.len().checked_sub(4)?;
    let b: [u8; 4] = rdata.get(tail..)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// Checks `ttl` against RFC 2181 §8.
pub(crate) fn ttl_field(t: &Token<'_>) -> Result<u32, Kind> {
    ttl(t.raw, "TTL", MAX_TTL)
}
