//! An authoritative DNS server as a pure machine (feature `alloc`): query bytes, client
//! address and time in, response bytes out.
//!
//! - [`Authority`]: the zones served; the longest origin that holds the query name
//!   answers (RFC 1034 §4.3.2 step 2).
//! - [`Server`]: [`Server::handle_query`] answers one message (UDP datagram or TCP
//!   message) into a caller buffer, with response rate limiting for UDP and counters. No
//!   allocation happens on this path: zones are read in place, the response is written
//!   into the caller's buffer.
//! - [`TcpSession`]: DNS over TCP framing for one connection (RFC 7766).
//!
//! Behaviour, where the RFCs leave a choice, follows Knot DNS: minimal responses (no NS
//! in the authority section of positive answers), ANY over UDP answered with one RRset
//! and over TCP with all (RFC 8482 §4.2), CNAME chains followed inside the zone only, AXFR
//! over UDP FORMERR, IXFR over UDP answered with the SOA (RFC 1995 §2), AXFR over TCP
//! served by [`TcpSession`] to [`ServerConfig::allow_transfer`] and REFUSED to others, IXFR
//! over TCP REFUSED, other opcodes NOTIMP, other classes (CH `version.bind`) REFUSED.

mod answer;
mod authority;
mod axfr;
mod response;
mod rrl;
mod tcp;

use core::net::IpAddr;

use unet_core::Instant;

pub use answer::{ResponseKind, MAX_CNAME_CHAIN};
pub use authority::{Authority, AuthorityError};
pub use rrl::RrlConfig;
pub use tcp::{TcpConfig, TcpSession};

use crate::header::{Flags, Header, Opcode, Rcode};
use crate::rdata::EdnsFlags;
use crate::zone::key::Key;
use crate::{Message, RecordType};
use answer::Query;
use response::{OptOut, Response};
use rrl::{Rrl, Verdict};

/// The smallest UDP payload every client accepts (RFC 1035 §4.2.1).
pub const MIN_UDP_PAYLOAD: u16 = 512;
/// The UDP payload size advertised by default: DNS flag day 2020's 1232 bytes, which
/// avoids IP fragmentation on almost every path.
pub const DEFAULT_UDP_PAYLOAD: u16 = 1232;
/// The largest DNS message over TCP (RFC 7766 §8, a 16-bit length prefix).
pub const MAX_TCP_MESSAGE: usize = 65535;

/// How a query arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// A datagram: size limits, truncation and rate limiting apply.
    Udp,
    /// A TCP connection: responses up to 65535 bytes, never rate limited.
    Tcp,
}

/// Server settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerConfig {
    /// Our EDNS UDP payload size (RFC 6891 §6.2.5): advertised in every OPT record and the
    /// ceiling of UDP responses. Values under 512 are taken as 512.
    pub max_udp_payload: u16,
    /// Response rate limiting for UDP; `None` (the default, as in Knot) disables it.
    pub rrl: Option<RrlConfig>,
    /// Clients (a network: address and prefix length) allowed to transfer zones with AXFR
    /// over a [`TcpSession`] (RFC 5936); `None` (the default) refuses every transfer.
    pub allow_transfer: Option<(IpAddr, u8)>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig { max_udp_payload: DEFAULT_UDP_PAYLOAD, rrl: None, allow_transfer: None }
    }
}

/// What the server did, one counter per outcome and per drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ServerCounters {
    /// Messages received over UDP.
    pub queries_udp: u64,
    /// Messages received over TCP.
    pub queries_tcp: u64,
    /// Responses produced.
    pub responses: u64,
    /// Dropped: shorter than a header.
    pub dropped_short: u64,
    /// Dropped: a response (QR set) sent to us, never answered (RFC 1035 §4.1.1).
    pub dropped_responses: u64,
    /// Dropped: the response buffer cannot hold even a header.
    pub dropped_no_buffer: u64,
    /// Answers with data (NOERROR, answer section).
    pub answers: u64,
    /// NODATA responses.
    pub nodata: u64,
    /// NXDOMAIN responses.
    pub nxdomain: u64,
    /// Referrals.
    pub referrals: u64,
    /// FORMERR responses.
    pub formerr: u64,
    /// NOTIMP responses.
    pub notimp: u64,
    /// REFUSED responses.
    pub refused: u64,
    /// BADVERS responses (RFC 6891 §6.1.3).
    pub badvers: u64,
    /// Responses sent with TC because the answer did not fit.
    pub truncated: u64,
    /// UDP responses dropped by rate limiting.
    pub rrl_dropped: u64,
    /// Rate-limited UDP responses sent truncated instead (slip).
    pub rrl_slipped: u64,
    /// Rate-limit buckets evicted because their slot group was full.
    pub rrl_evictions: u64,
    /// Zone transfers (AXFR) started.
    pub transfers: u64,
}

/// The authoritative server machine.
#[derive(Debug, Clone)]
pub struct Server {
    config: ServerConfig,
    rrl: Option<Rrl>,
    counters: ServerCounters,
}

impl Server {
    /// A server; allocates the rate-limit table once if rate limiting is on.
    pub fn new(config: ServerConfig) -> Server {
        Server { config, rrl: config.rrl.map(Rrl::new), counters: ServerCounters::default() }
    }

    /// The settings.
    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    /// The counters.
    pub fn counters(&self) -> ServerCounters {
        let mut c = self.counters;
        c.rrl_evictions = self.rrl.as_ref().map_or(0, |r| r.evictions);
        c
    }

    /// Answers one query from `client`; writes the response into `response` and returns
    /// its length, or `None` when nothing is to be sent (fewer than 12 bytes, a response
    /// sent to us, a response dropped by rate limiting, a buffer too small for a header).
    ///
    /// The response is at most `response.len()` bytes, and over UDP at most the client's
    /// EDNS payload size (at least 512, at most [`ServerConfig::max_udp_payload`]), or 512
    /// without EDNS (RFC 1035 §4.2.1, RFC 6891 §6.2.5); when the answer does not fit, TC is
    /// set and only the question is kept (RFC 2181 §9).
    pub fn handle_query(
        &mut self,
        now: Instant,
        authority: &crate::server::Authority,
        client: IpAddr,
        transport: Transport,
        query: &[u8],
        response: &mut [u8],
    ) -> Option<usize> {
        match transport {
            Transport::Udp => self.counters.queries_udp += 1,
            Transport::Tcp => self.counters.queries_tcp += 1,
        }
        let Ok(header) = Header::parse(query) else {
            self.counters.dropped_short += 1;
            return None;
        };
        if header.flags.contains(Flags::QR) {
            self.counters.dropped_responses += 1;
            return None;
        }
        let base = Header {
            id: header.id,
            flags: Flags::QR | (header.flags & (Flags::RD | Flags::CD)),
            opcode: header.opcode,
            ..Header::default()
        };
        let msg = Message::new_checked(query).ok();
        let edns = msg.as_ref().and_then(|m| m.edns());
        let our_size = self.config.max_udp_payload.max(MIN_UDP_PAYLOAD);
        let size = match transport {
            Transport::Udp => match &edns {
                Some(e) => e.udp_payload_size.clamp(MIN_UDP_PAYLOAD, our_size),
                None => MIN_UDP_PAYLOAD,
            },
            Transport::Tcp => u16::MAX,
        };
        let size = usize::from(size).min(response.len());
        let opt = edns
            .as_ref()
            .map(|e| OptOut { udp_payload_size: our_size, flags: e.flags & EdnsFlags::DO });
        let Some(msg) = msg else {
            // Unparseable past the header: FORMERR with the header alone (RFC 1035 §4.1.1).
            return self.finish_error(response, size, base, None, Rcode::FORMERR);
        };
        let buf = response.get_mut(..size)?;
        let Some(mut resp) = Response::new(buf, base, opt) else {
            self.counters.dropped_no_buffer += 1;
            return None;
        };
        let question = match msg.questions().next() {
            Some(Ok(q)) if header.qdcount == 1 => Some(q),
            _ => None,
        };
        if let Some(q) = &question {
            if resp.question(q).is_err() {
                self.counters.dropped_no_buffer += 1;
                return None;
            }
        }
        let qmark = resp.mark();
        if header.opcode != Opcode::QUERY {
            return Some(self.error(resp, Rcode::NOTIMP));
        }
        let Some(q) = question else {
            return Some(self.error(resp, Rcode::FORMERR));
        };
        if edns.is_some_and(|e| e.version > 0) {
            self.counters.badvers += 1;
            resp.set_rcode(Rcode::BADVERS);
            self.counters.responses += 1;
            return Some(resp.finish());
        }
        let tcp = transport == Transport::Tcp;
        match q.qtype {
            RecordType::AXFR | RecordType::IXFR if tcp => {
                return Some(self.error(resp, Rcode::REFUSED))
            }
            RecordType::AXFR => return Some(self.error(resp, Rcode::FORMERR)),
            RecordType::OPT | RecordType::TKEY | RecordType::TSIG => {
                return Some(self.error(resp, Rcode::FORMERR))
            }
            _ => {}
        }
        let k = Key::new(&q.name);
        let mut zone = authority.find_zone_key(&k, q.qclass, k.labels());
        // DS lives on the parent side of a cut (RFC 4035 §3.1.4.1): when we also serve
        // the parent, it answers.
        if q.qtype == RecordType::DS {
            if let Some(z) = zone.filter(|z| z.origin_labels() == k.labels() && k.labels() > 0) {
                let parent = authority.find_zone_key(&k, q.qclass, k.labels() - 1);
                zone = parent.or(Some(z));
            }
        }
        let Some(zone) = zone else {
            return Some(self.error(resp, Rcode::REFUSED));
        };
        let kind = if q.qtype == RecordType::IXFR {
            // IXFR over UDP: the current SOA tells the client to use TCP (RFC 1995 §2, §4).
            match zone.soa() {
                Some(soa) => {
                    resp.set_flag(Flags::AA, true);
                    let _ = resp.record(crate::Section::Answer, &soa);
                    ResponseKind::Answer
                }
                None => ResponseKind::Error,
            }
        } else {
            let query = Query {
                name: q.name,
                qtype: q.qtype,
                dnssec_ok: edns.is_some_and(|e| e.flags.contains(EdnsFlags::DO)),
                udp: !tcp,
            };
            match answer::answer(zone, &query, &mut resp) {
                Ok(kind) => kind,
                Err(answer::Full) => {
                    let aa = resp.header.flags.contains(Flags::AA);
                    resp.truncate_to_question(qmark);
                    resp.set_flag(Flags::AA, aa);
                    self.counters.truncated += 1;
                    ResponseKind::Answer
                }
            }
        };
        if !tcp {
            if let Some(rrl) = &mut self.rrl {
                let name_key = match kind {
                    ResponseKind::Answer | ResponseKind::NoData => k.as_bytes(),
                    _ => zone.origin_key(),
                };
                let key = rrl.key(client, kind as u8, name_key);
                match rrl.check(now, key) {
                    Verdict::Send => {}
                    Verdict::Drop => {
                        self.counters.rrl_dropped += 1;
                        return None;
                    }
                    Verdict::Slip => {
                        self.counters.rrl_slipped += 1;
                        resp.truncate_to_question(qmark);
                        resp.set_rcode(Rcode::NOERROR);
                    }
                }
            }
        }
        match kind {
            ResponseKind::Answer => self.counters.answers += 1,
            ResponseKind::NoData => self.counters.nodata += 1,
            ResponseKind::NxDomain => self.counters.nxdomain += 1,
            ResponseKind::Referral => self.counters.referrals += 1,
            ResponseKind::Error => {}
        }
        self.counters.responses += 1;
        Some(resp.finish())
    }

    /// An error response with what is in `resp` (the question, if any).
    fn error(&mut self, mut resp: Response<'_>, rcode: Rcode) -> usize {
        match rcode {
            Rcode::FORMERR => self.counters.formerr += 1,
            Rcode::NOTIMP => self.counters.notimp += 1,
            Rcode::REFUSED => self.counters.refused += 1,
            _ => {}
        }
        self.counters.responses += 1;
        resp.set_rcode(rcode);
        resp.finish()
    }

    fn finish_error(
        &mut self,
        response: &mut [u8],
        size: usize,
        header: Header,
        opt: Option<OptOut>,
        rcode: Rcode,
    ) -> Option<usize> {
        let buf = response.get_mut(..size)?;
        let Some(resp) = Response::new(buf, header, opt) else {
            self.counters.dropped_no_buffer += 1;
            return None;
        };
        Some(self.error(resp, rcode))
    }
}
