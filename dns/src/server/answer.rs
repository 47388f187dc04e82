//! The authoritative lookup of RFC 1034 §4.3.2 for one zone, writing the answer,
//! authority and additional sections: exact matches, CNAME chains inside the zone,
//! wildcards (RFC 4592), referrals at zone cuts, negative answers with the SOA (RFC 2308 §3)
//! and additional-section addresses for NS, MX and SRV targets.

use crate::message::Section;
use crate::zone::key::{self, Key};
use crate::zone::{NodeRef, RrsetRef, Zone};
use crate::{Error, Name, RData, Rcode, Record, RecordType};

use super::response::Response;

/// Most CNAMEs followed in one answer (a loop ends here too). Knot and NSD stop chains
/// in the same way; the partial chain is returned with NOERROR.
pub const MAX_CNAME_CHAIN: usize = 16;

/// Most RRsets whose targets get additional-section addresses.
const MAX_ADDITIONAL: usize = 8;

/// What kind of response the lookup produced (for counters and rate limiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseKind {
    /// Data in the answer section (possibly after CNAMEs).
    Answer,
    /// The name exists, the type does not (RFC 2308 §2.2).
    NoData,
    /// The name does not exist (RFC 2308 §2.1).
    NxDomain,
    /// A referral to a delegated zone.
    Referral,
    /// REFUSED, FORMERR, NOTIMP, BADVERS and other errors.
    Error,
}

/// The query as the lookup needs it.
pub(crate) struct Query<'a> {
    pub(crate) name: Name<'a>,
    pub(crate) qtype: RecordType,
    pub(crate) dnssec_ok: bool,
    /// ANY over UDP gets one RRset (RFC 8482 §4.2); over TCP all of them.
    pub(crate) udp: bool,
}

/// Signals that the answer or authority section did not fit: the caller sets TC.
pub(crate) struct Full;

impl From<Error> for Full {
    fn from(_: Error) -> Full {
        Full
    }
}

struct Additional<'a> {
    items: [Option<RrsetRef<'a>>; MAX_ADDITIONAL],
    n: usize,
}

impl<'a> Additional<'a> {
    fn push(&mut self, r: RrsetRef<'a>) {
        if matches!(r.rtype(), RecordType::NS | RecordType::MX | RecordType::SRV) {
            if let Some(slot) = self.items.get_mut(self.n) {
                *slot = Some(r);
                self.n += 1;
            }
        }
    }
}

/// Answers `q` from `zone` (which holds the name); sets AA and RCODE in `resp`.
pub(crate) fn answer<'a>(
    zone: &'a Zone,
    q: &Query<'a>,
    resp: &mut Response<'_>,
) -> Result<ResponseKind, Full> {
    let mut add = Additional { items: [None; MAX_ADDITIONAL], n: 0 };
    let mut name = q.name;
    let mut kind = ResponseKind::Answer;
    resp.set_flag(crate::Flags::AA, true);
    let Ok(apex) = zone.search(zone.origin_key(), 0) else {
        return Ok(ResponseKind::Error);
    };
    for hop in 0..=MAX_CNAME_CHAIN {
        let k = Key::new(&name);
        if hop > 0
            && (hop == MAX_CNAME_CHAIN || !key::is_below_or_at(k.as_bytes(), zone.origin_key()))
        {
            // The chain leaves the zone (the resolver follows it) or is too long.
            break;
        }
        let (cur, found, cut) = walk(zone, &k, q.qtype, apex);
        if let Some(cut) = cut {
            if hop == 0 {
                resp.set_flag(crate::Flags::AA, false);
            }
            referral(zone.node(cut), zone.node(apex).has(RecordType::DNSKEY), q, resp, &mut add)?;
            kind = if hop == 0 { ResponseKind::Referral } else { kind };
            break;
        }
        let node = if found {
            zone.node(cur)
        } else {
            match wildcard(zone, cur) {
                Some(w) => w,
                None => {
                    resp.set_rcode(Rcode::NXDOMAIN);
                    negative(zone, q, resp)?;
                    kind = ResponseKind::NxDomain;
                    break;
                }
            }
        };
        match at_node(node, name, q, resp, &mut add)? {
            Step::Done(k) => {
                if k == ResponseKind::NoData {
                    negative(zone, q, resp)?;
                }
                kind = if hop == 0 || k != ResponseKind::NoData { k } else { ResponseKind::NoData };
                break;
            }
            Step::Follow(target) => name = target,
        }
    }
    additional(zone, &add, resp);
    Ok(kind)
}

/// Walks down from the apex towards `k`: the deepest existing node, whether it is `k`
/// itself, and the first zone cut on the way (a cut at `k` itself does not count for DS,
/// which the parent side answers, RFC 4035 §3.1.4.1).
fn walk(zone: &Zone, k: &Key, qtype: RecordType, apex: usize) -> (usize, bool, Option<usize>) {
    let target = k.labels();
    let mut cur = apex;
    let start = zone.origin_labels() + 1;
    if target < start {
        return (apex, true, None);
    }
    for d in start..=target {
        match zone.search(k.prefix(d), cur + 1) {
            Ok(i) => {
                cur = i;
                let node = zone.node(i);
                if node.has(RecordType::NS) && !(d == target && qtype == RecordType::DS) {
                    return (cur, d == target, Some(i));
                }
            }
            Err(_) => return (cur, false, None),
        }
    }
    (cur, true, None)
}

/// The source of synthesis `*.<closest encloser>` (RFC 4592 §3.3.1), if it exists.
fn wildcard(zone: &Zone, encloser: usize) -> Option<NodeRef<'_>> {
    let ce = zone.node(encloser).key();
    let mut buf = [0u8; 257];
    let dst = buf.get_mut(..ce.len())?;
    dst.copy_from_slice(ce);
    buf[ce.len()] = 1;
    buf[ce.len() + 1] = b'*';
    zone.search(&buf[..ce.len() + 2], encloser + 1).ok().map(|i| zone.node(i))
}

enum Step<'a> {
    Done(ResponseKind),
    Follow(Name<'a>),
}

/// The answer at an existing node (or a wildcard standing for `name`).
fn at_node<'a>(
    node: NodeRef<'a>,
    name: Name<'a>,
    q: &Query<'a>,
    resp: &mut Response<'_>,
    add: &mut Additional<'a>,
) -> Result<Step<'a>, Full> {
    if q.qtype == RecordType::ANY {
        // RFC 8482 §4.2: over UDP one RRset (the first in type order); over TCP all.
        let mut any = false;
        for r in node.rrsets() {
            if r.rtype() == RecordType::RRSIG && !q.dnssec_ok {
                continue;
            }
            if q.udp && any {
                break;
            }
            rrset(node, r, name, Section::Answer, q, resp)?;
            add.push(r);
            any = true;
        }
        return Ok(Step::Done(if any { ResponseKind::Answer } else { ResponseKind::NoData }));
    }
    if q.qtype != RecordType::CNAME {
        if let Some(c) = node.rrset(RecordType::CNAME) {
            rrset(node, c, name, Section::Answer, q, resp)?;
            let target = c.records_as(name).find_map(|r| match r.data {
                RData::Cname(t) => Some(t),
                _ => None,
            });
            return Ok(match target {
                Some(t) => Step::Follow(t),
                None => Step::Done(ResponseKind::Answer),
            });
        }
    }
    if q.qtype == RecordType::RRSIG {
        let mut any = false;
        for r in node.rrsets().filter(|r| r.rtype() == RecordType::RRSIG) {
            resp.records(Section::Answer, r.records_as(name))?;
            any = true;
        }
        return Ok(Step::Done(if any { ResponseKind::Answer } else { ResponseKind::NoData }));
    }
    match node.rrset(q.qtype) {
        Some(r) => {
            rrset(node, r, name, Section::Answer, q, resp)?;
            add.push(r);
            Ok(Step::Done(ResponseKind::Answer))
        }
        None => Ok(Step::Done(ResponseKind::NoData)),
    }
}

/// Writes an RRset owned by `name`, with its signatures when DO is set (RFC 4035 §3.1.1).
fn rrset<'a>(
    node: NodeRef<'a>,
    r: RrsetRef<'a>,
    name: Name<'a>,
    section: Section,
    q: &Query<'a>,
    resp: &mut Response<'_>,
) -> Result<(), Full> {
    resp.records(section, r.records_as(name))?;
    if q.dnssec_ok && r.rtype() != RecordType::RRSIG {
        if let Some(sigs) = node.signatures(r.rtype()) {
            resp.records(section, sigs.records_as(name))?;
        }
    }
    Ok(())
}

/// A referral (RFC 1034 §4.3.2 step 3b): the cut's NS set in authority, DS with DO from a
/// signed zone (RFC 4035 §3.1.4), glue in additional.
fn referral<'a>(
    cut: NodeRef<'a>,
    signed: bool,
    q: &Query<'a>,
    resp: &mut Response<'_>,
    add: &mut Additional<'a>,
) -> Result<(), Full> {
    let owner = cut.owner();
    if let Some(ns) = cut.rrset(RecordType::NS) {
        resp.records(Section::Authority, ns.records_as(owner))?;
        add.push(ns);
    }
    // Only a signed zone proves the delegation's security (RFC 4035 §3.1.4): like Knot
    // and NSD, an unsigned zone's referral carries no DS.
    if q.dnssec_ok && signed {
        if let Some(ds) = cut.rrset(RecordType::DS) {
            rrset(cut, ds, owner, Section::Authority, q, resp)?;
        }
    }
    Ok(())
}

/// The SOA for negative caching (RFC 2308 §3): its TTL is the lesser of the SOA's TTL and
/// its MINIMUM field.
fn negative(zone: &Zone, q: &Query<'_>, resp: &mut Response<'_>) -> Result<(), Full> {
    let Some(apex) = zone.find(&zone.origin().as_name()) else { return Ok(()) };
    let Some(soa) = apex.rrset(RecordType::SOA) else { return Ok(()) };
    for r in soa.records() {
        let ttl = match r.data {
            RData::Soa(s) => r.ttl.min(s.minimum),
            _ => r.ttl,
        };
        resp.record(Section::Authority, &Record { ttl, ..r })?;
    }
    if q.dnssec_ok {
        if let Some(sigs) = apex.signatures(RecordType::SOA) {
            resp.records(Section::Authority, sigs.records())?;
        }
    }
    Ok(())
}

/// Addresses of NS, MX and SRV targets held in the zone (RFC 1035 §3.3.9, §3.3.11; RFC
/// 2782), glue included. Optional data: what does not fit is left out without TC
/// (RFC 2181 §9).
fn additional(zone: &Zone, add: &Additional<'_>, resp: &mut Response<'_>) {
    let mut done: [Option<Name<'_>>; 16] = [None; 16];
    let mut n_done = 0usize;
    for r in add.items.iter().take(add.n).flatten() {
        for rec in r.records() {
            let target = match rec.data {
                RData::Ns(t) => t,
                RData::Mx(m) => m.exchange,
                RData::Srv(s) => s.target,
                _ => continue,
            };
            if done.iter().take(n_done).flatten().any(|d| *d == target) {
                continue;
            }
            if let Some(slot) = done.get_mut(n_done) {
                *slot = Some(target);
                n_done += 1;
            }
            if !target.ends_with(&zone.origin().as_name()) {
                continue;
            }
            let Some(node) = zone.find(&target) else { continue };
            for t in [RecordType::A, RecordType::AAAA] {
                if let Some(addrs) = node.rrset(t) {
                    if resp.records(Section::Additional, addrs.records()).is_err() {
                        return;
                    }
                }
            }
        }
    }
}
