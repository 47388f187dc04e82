//! The server's config file: line based, `#` starts a comment, words separated by
//! blanks. Errors give the line and the reason ([`ParseError`]).
//!
//! ```text
//! file       = *(line "\n")
//! line       = [directive] ["#" comment]
//! directive  = global / subnet / in-subnet / host / in-host
//! global     = "lease-time" SECS [MIN-SECS MAX-SECS]
//!            / "offer-hold" SECS / "decline-quarantine" SECS
//!            / "rapid-commit" ("yes" / "no") / "bootp" ("yes" / "no")
//!            / "probe" (MILLIS / "off")
//! subnet     = "subnet" ADDR "/" PREFIX          ; following lines apply to it
//! in-subnet  = "range" ADDR "-" ADDR
//!            / "router" ADDR / "server-id" ADDR
//!            / "dns" 1*ADDR / "ntp" 1*ADDR
//!            / "domain" NAME / "search" 1*NAME / "mtu" NUMBER
//!            / "route" ADDR "/" PREFIX ADDR      ; option 121 (destination, router)
//!            / "option" CODE VALUE
//! host       = "host" (MAC / "id:" HEX) ADDR     ; reservation, in the subnet of ADDR
//! in-host    = "host-option" CODE VALUE          ; for the last host
//! VALUE      = 1*ADDR / "hex:" HEX / TEXT        ; addresses, octets, or the rest of the line
//! MAC        = 2HEX 5(":" 2HEX)
//! ```
//!
//! Example:
//!
//! ```text
//! lease-time 3600 60 86400
//! subnet 192.0.2.0/24
//!   range 192.0.2.10-192.0.2.200
//!   router 192.0.2.1
//!   dns 192.0.2.53 192.0.2.54
//!   search example.com example.net
//! host 02:00:00:00:00:07 192.0.2.7
//!   host-option 12 printer
//! ```

use core::fmt;
use core::net::Ipv4Addr;
use core::str::FromStr;

use heapless::Vec;
use unet_core::Duration;

use super::config::{ConfigError, ServerConfig, ServerConfigBuilder};
use crate::option::ClasslessRoute;

/// A config file line that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// The directive as written (its first 64 octets) — shown before the reason.
    pub directive: heapless::String<64>,
    /// Why.
    pub reason: Reason,
}

/// Why a line was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// Not a known directive.
    UnknownDirective,
    /// A word that should be an IPv4 address, number, MAC... is not.
    BadValue,
    /// Words missing or extra.
    WrongArguments,
    /// The configuration refused it.
    Config(ConfigError),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::UnknownDirective => f.write_str("unknown directive"),
            Reason::BadValue => f.write_str("bad value"),
            Reason::WrongArguments => f.write_str("wrong number of arguments"),
            Reason::Config(ConfigError::RangeReversed(..)) => {
                f.write_str("first address after last")
            }
            Reason::Config(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Display for ParseError {
    /// `LINE: DIRECTIVE: REASON`; prefix the file name for `leases.conf:12: ...`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.line, self.directive, self.reason)
    }
}

fn words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_ascii_whitespace() || c == ',').filter(|w| !w.is_empty())
}

fn p<T: FromStr>(w: Option<&str>) -> Result<T, Reason> {
    w.ok_or(Reason::WrongArguments)?.parse().map_err(|_| Reason::BadValue)
}

fn addrs(rest: &str) -> Result<Vec<Ipv4Addr, 16>, Reason> {
    let mut v = Vec::new();
    for w in words(rest) {
        v.push(w.parse().map_err(|_| Reason::BadValue)?).map_err(|_| Reason::WrongArguments)?;
    }
    if v.is_empty() {
        return Err(Reason::WrongArguments);
    }
    Ok(v)
}

fn prefixed(w: Option<&str>) -> Result<(Ipv4Addr, u8), Reason> {
    let (a, l) = w.ok_or(Reason::WrongArguments)?.split_once('/').ok_or(Reason::BadValue)?;
    let l: u8 = l.parse().map_err(|_| Reason::BadValue)?;
    if l > 32 {
        return Err(Reason::BadValue);
    }
    Ok((a.parse().map_err(|_| Reason::BadValue)?, l))
}

fn hex(s: &str, out: &mut Vec<u8, 256>) -> Result<(), Reason> {
    let mut digits = s.bytes().filter(|c| *c != b':');
    let nibble = |c: u8| (c as char).to_digit(16).ok_or(Reason::BadValue);
    while let Some(hi) = digits.next() {
        let lo = digits.next().ok_or(Reason::BadValue)?;
        let b = (nibble(hi)? << 4 | nibble(lo)?) as u8;
        out.push(b).map_err(|_| Reason::BadValue)?;
    }
    Ok(())
}

/// An option value: addresses, `hex:` octets, or the text.
fn value(rest: &str, out: &mut Vec<u8, 256>) -> Result<(), Reason> {
    let rest = rest.trim();
    if let Some(h) = rest.strip_prefix("hex:") {
        return hex(h, out);
    }
    if let Ok(list) = addrs(rest) {
        for a in list {
            out.extend_from_slice(&a.octets()).map_err(|_| Reason::BadValue)?;
        }
        return Ok(());
    }
    if rest.is_empty() {
        return Err(Reason::WrongArguments);
    }
    out.extend_from_slice(rest.as_bytes()).map_err(|_| Reason::BadValue)
}

fn yes(w: Option<&str>) -> Result<bool, Reason> {
    match w {
        Some("yes") => Ok(true),
        Some("no") => Ok(false),
        Some(_) => Err(Reason::BadValue),
        None => Err(Reason::WrongArguments),
    }
}

fn rest_after<'s>(line: &'s str, word: &str) -> &'s str {
    line.trim_start().strip_prefix(word).unwrap_or("")
}

fn directive(b: ServerConfigBuilder, line: &str) -> Result<ServerConfigBuilder, Reason> {
    let mut w = words(line);
    let Some(d) = w.next() else { return Ok(b) };
    let rest = rest_after(line, d);
    let secs = |w: Option<&str>| p::<u64>(w).map(Duration::from_secs);
    let b = match d {
        "lease-time" => {
            let def = secs(w.next())?;
            match (w.next(), w.next()) {
                (None, None) => {
                    let c = b.clone().build();
                    let (min, max) = match c {
                        Ok(c) => (c.lease.min.min(def), c.lease.max.max(def)),
                        Err(_) => (def, def),
                    };
                    b.lease_times(def, min, max)
                }
                (Some(mi), Some(ma)) => b.lease_times(def, secs(Some(mi))?, secs(Some(ma))?),
                _ => return Err(Reason::WrongArguments),
            }
        }
        "offer-hold" => b.offer_hold(secs(w.next())?),
        "decline-quarantine" => b.decline_quarantine(secs(w.next())?),
        "rapid-commit" => b.rapid_commit(yes(w.next())?),
        "bootp" => b.bootp(yes(w.next())?),
        "probe" => match w.next() {
            Some("off") => b.probe(None),
            v => b.probe(Some(Duration::from_millis(p(v)?))),
        },
        "subnet" => {
            let (a, l) = prefixed(w.next())?;
            b.subnet(a, l)
        }
        "range" => {
            let (f, l) =
                w.next().ok_or(Reason::WrongArguments)?.split_once('-').ok_or(Reason::BadValue)?;
            b.range(p(Some(f))?, p(Some(l))?)
        }
        "router" => {
            let mut b = b;
            for a in addrs(rest)? {
                b = b.router(a);
            }
            return Ok(b);
        }
        "server-id" => b.server_id(p(w.next())?),
        "dns" => b.dns(&addrs(rest)?),
        "ntp" => b.ntp(&addrs(rest)?),
        "domain" => b.domain_name(w.next().ok_or(Reason::WrongArguments)?),
        "search" => {
            let names: Vec<&str, 16> = w.by_ref().take(16).collect();
            if names.is_empty() {
                return Err(Reason::WrongArguments);
            }
            b.search(&names)
        }
        "mtu" => b.mtu(p(w.next())?),
        "route" => {
            let (dest, len) = prefixed(w.next())?;
            let router = p(w.next())?;
            b.classless_routes(&[ClasslessRoute { destination: dest, prefix_len: len, router }])
        }
        "option" | "host-option" => {
            let code: u8 = p(w.next())?;
            let mut v = Vec::new();
            let code_word = words(rest).next().unwrap_or("");
            value(rest_after(rest, code_word), &mut v)?;
            if d == "option" {
                b.option(code, &v)
            } else {
                b.host_option(code, &v)
            }
        }
        "host" => {
            let who = w.next().ok_or(Reason::WrongArguments)?;
            let addr = p(w.next())?;
            if let Some(id) = who.strip_prefix("id:") {
                let mut v = Vec::new();
                hex(id, &mut v)?;
                b.reserve_client_id(&v, addr)
            } else {
                let mut v = Vec::new();
                hex(who, &mut v)?;
                let mac: [u8; 6] = v.as_slice().try_into().map_err(|_| Reason::BadValue)?;
                b.reserve_mac(mac, addr)
            }
        }
        _ => return Err(Reason::UnknownDirective),
    };
    if d != "search"
        && d != "router"
        && d != "dns"
        && d != "ntp"
        && d != "option"
        && d != "host-option"
        && w.next().is_some()
    {
        return Err(Reason::WrongArguments);
    }
    Ok(b)
}

/// Parses a config file.
pub fn parse(text: &str) -> Result<ServerConfig, ParseError> {
    let mut b = ServerConfig::builder();
    let err = |n: usize, line: &str, reason| {
        let mut directive = heapless::String::new();
        for c in line.trim().chars() {
            if directive.push(c).is_err() {
                break;
            }
        }
        ParseError { line: n, directive, reason }
    };
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("");
        if words(line).next().is_none() {
            continue;
        }
        b = directive(b, line).map_err(|r| err(i + 1, line, r))?;
        // The builder keeps its first error: check it per line to know which line.
        if let Err(e) = b.clone().build() {
            if e != ConfigError::LeaseTimes {
                return Err(err(i + 1, line, Reason::Config(e)));
            }
        }
    }
    b.build().map_err(|e| err(text.lines().count(), "end of file", Reason::Config(e)))
}
