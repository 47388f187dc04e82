//! Zone transfer out (AXFR, RFC 5936) over a [`super::TcpSession`]: the SOA, every record
//! of the zone in canonical order, the SOA again, in as many messages as needed (RFC 5936
//! §2.2), the question in the first one only. Allowed only to clients inside
//! [`super::ServerConfig::allow_transfer`]; others get REFUSED (RFC 5936 §2.2.1).

use core::net::IpAddr;

use crate::header::{Flags, Header, Opcode};
use crate::message::Section;
use crate::zone::Zone;
use crate::{Class, Message, NameBuf, Question, RecordType};

use super::response::Response;
use super::{Authority, Server, MAX_TCP_MESSAGE};

/// True when `client` is inside `prefix`.
pub(crate) fn in_prefix(client: IpAddr, prefix: (IpAddr, u8)) -> bool {
    fn matches(a: &[u8], b: &[u8], bits: u8) -> bool {
        let bits = usize::from(bits).min(a.len() * 8);
        let (whole, rest) = (bits / 8, bits % 8);
        a[..whole] == b[..whole]
            && (rest == 0 || (a[whole] ^ b[whole]) & (0xFFu8 << (8 - rest)) == 0)
    }
    match (client, prefix.0) {
        (IpAddr::V4(a), IpAddr::V4(b)) => matches(&a.octets(), &b.octets(), prefix.1),
        (IpAddr::V6(a), IpAddr::V6(b)) => matches(&a.octets(), &b.octets(), prefix.1),
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Body,
    FinalSoa,
    Done,
}

/// A transfer in progress: where the next message resumes.
#[derive(Debug, Clone)]
pub(crate) struct Xfr {
    qname: NameBuf,
    class: Class,
    id: u16,
    first: bool,
    node: usize,
    rrset: usize,
    record: usize,
    phase: Phase,
}

impl Xfr {
    /// A transfer if `query` is an AXFR for a zone served here that `client` may take.
    pub(crate) fn start(
        query: &[u8],
        server: &Server,
        authority: &Authority,
        client: IpAddr,
    ) -> Option<Xfr> {
        let allowed = server.config.allow_transfer.is_some_and(|p| in_prefix(client, p));
        if !allowed {
            return None;
        }
        let m = Message::new_checked(query).ok()?;
        let h = m.header();
        if h.flags.contains(Flags::QR) || h.opcode != Opcode::QUERY || h.qdcount != 1 {
            return None;
        }
        let q = m.questions().next()?.ok()?;
        if q.qtype != RecordType::AXFR {
            return None;
        }
        let zone = authority.find_zone(&q.name, q.qclass)?;
        if zone.origin().as_name() != q.name {
            return None;
        }
        Some(Xfr {
            qname: NameBuf::from_name(&q.name),
            class: q.qclass,
            id: h.id,
            first: true,
            node: 0,
            rrset: 0,
            record: 0,
            phase: Phase::Body,
        })
    }

    /// Writes the next message into `out`; `None` once the transfer is complete (or the
    /// zone is no longer served, after a reload).
    pub(crate) fn next_message(&mut self, authority: &Authority, out: &mut [u8]) -> Option<usize> {
        if self.phase == Phase::Done {
            return None;
        }
        let zone = authority.find_zone(&self.qname.as_name(), self.class)?;
        if zone.origin().as_name() != self.qname.as_name() {
            return None;
        }
        let soa = zone.soa()?;
        let header = Header {
            id: self.id,
            flags: Flags::QR | Flags::AA,
            opcode: Opcode::QUERY,
            ..Header::default()
        };
        let len = out.len().min(MAX_TCP_MESSAGE);
        let mut resp = Response::new(out.get_mut(..len)?, header, None)?;
        if self.first {
            let q = Question {
                name: self.qname.as_name(),
                qtype: RecordType::AXFR,
                qclass: self.class,
            };
            resp.question(&q).ok()?;
            resp.record(Section::Answer, &soa).ok()?;
            self.first = false;
        }
        if self.phase == Phase::Body && self.body(zone, &mut resp) {
            self.phase = Phase::FinalSoa;
        }
        if self.phase == Phase::FinalSoa && resp.record(Section::Answer, &soa).is_ok() {
            self.phase = Phase::Done;
        }
        if resp.header.ancount == 0 {
            // A record larger than a message: the transfer cannot go on.
            return None;
        }
        Some(resp.finish())
    }

    /// Writes records from the current position; true when every record is written.
    fn body(&mut self, zone: &Zone, resp: &mut Response<'_>) -> bool {
        let apex = zone.origin().as_name();
        while self.node < zone.node_count() {
            let node = zone.node(self.node);
            let is_apex = node.owner() == apex;
            while let Some(rrset) = node.rrsets().nth(self.rrset) {
                let skip = is_apex && rrset.rtype() == RecordType::SOA;
                while let Some(r) = rrset.records().nth(self.record).filter(|_| !skip) {
                    if resp.record(Section::Answer, &r).is_err() {
                        return false;
                    }
                    self.record += 1;
                }
                self.rrset += 1;
                self.record = 0;
            }
            self.node += 1;
            self.rrset = 0;
        }
        true
    }
}
