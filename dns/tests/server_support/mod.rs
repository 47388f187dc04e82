//! Shared by the server_* tests: zones from master-file text, queries, and responses
//! summarised as text.
#![allow(dead_code)]

use std::net::IpAddr;

use unet_core::Instant;
use unet_dns::master::MasterReader;
use unet_dns::rdata::{Edns, EdnsFlags, EdnsOptions};
use unet_dns::server::{Authority, Server, ServerConfig, Transport};
use unet_dns::zone::Zone;
use unet_dns::{
    Class, Flags, Header, Message, MessageBuilder, NameBuf, Opcode, Question, RecordType,
};

/// example.com. with a referral, a wildcard, a CNAME and an MX: the base zone of the
/// no-allocation, property and fuzz tests (fuzz/fuzz_targets/dns_server.rs reads the file too),
/// each adding the records it needs.
pub const EXAMPLE_ZONE: &str = include_str!("example.com.zone");

/// example.com. with its SOA, NS and two addresses only: the zone of the RRL and TCP tests.
pub const SMALL_ZONE: &str = "$ORIGIN example.com.
$TTL 3600
@    SOA ns1 hostmaster 1 7200 3600 1209600 600
@    NS  ns1
ns1  A   192.0.2.1
www  A   192.0.2.80
";

pub fn zone(origin: &str, text: &str) -> Zone {
    let origin: NameBuf = origin.parse().unwrap();
    let mut z = Zone::new(origin, Class::IN);
    let mut reader = MasterReader::new(text, &origin);
    let mut buf = vec![0u8; 65535];
    while let Some(e) = reader.next_entry(&mut buf) {
        let (entry, line) = e.unwrap();
        z.insert(&entry).unwrap_or_else(|e| panic!("line {line}: {e}"));
    }
    z
}

pub fn authority(zones: &[(&str, &str)]) -> Authority {
    let mut a = Authority::new();
    for (origin, text) in zones {
        a.add(zone(origin, text)).unwrap();
    }
    a
}

/// A query message.
#[derive(Clone, Debug)]
pub struct Q {
    pub name: String,
    pub qtype: RecordType,
    pub qclass: Class,
    pub id: u16,
    pub opcode: Opcode,
    pub edns: Option<(u16, u8, bool)>,
    pub rd: bool,
}

pub fn q(name: &str, qtype: RecordType) -> Q {
    Q {
        name: name.into(),
        qtype,
        qclass: Class::IN,
        id: 0x1234,
        opcode: Opcode::QUERY,
        edns: None,
        rd: true,
    }
}

impl Q {
    pub fn edns(mut self, size: u16, version: u8, dnssec_ok: bool) -> Q {
        self.edns = Some((size, version, dnssec_ok));
        self
    }

    pub fn bytes(&self) -> Vec<u8> {
        let name: NameBuf = self.name.parse().unwrap();
        let mut buf = vec![0u8; 512];
        let mut flags = Flags::empty();
        if self.rd {
            flags |= Flags::RD;
        }
        let header = Header { id: self.id, flags, opcode: self.opcode, ..Header::default() };
        let mut b = MessageBuilder::new(&mut buf, header).unwrap();
        b.push_question(&Question { name: name.as_name(), qtype: self.qtype, qclass: self.qclass })
            .unwrap();
        if let Some((size, version, d)) = self.edns {
            let flags = if d { EdnsFlags::DO } else { EdnsFlags::empty() };
            b.push_edns(&Edns {
                udp_payload_size: size,
                extended_rcode: 0,
                version,
                flags,
                options: EdnsOptions::default(),
            })
            .unwrap();
        }
        b.finish().to_vec()
    }
}

pub const CLIENT: &str = "192.0.2.100";

pub fn ask_with(
    server: &mut Server,
    auth: &Authority,
    query: &[u8],
    t: Transport,
) -> Option<Vec<u8>> {
    let mut out = vec![0u8; 65535];
    let client: IpAddr = CLIENT.parse().unwrap();
    let n = server.handle_query(Instant::from_secs(1), auth, client, t, query, &mut out)?;
    out.truncate(n);
    Some(out)
}

pub fn ask(auth: &Authority, query: &Q) -> Vec<u8> {
    let mut s = Server::new(ServerConfig::default());
    ask_with(&mut s, auth, &query.bytes(), Transport::Udp).expect("a response")
}

/// A response as text: `rcode flags | answer | authority | additional`.
#[derive(Debug, PartialEq, Eq)]
pub struct Summary {
    pub rcode: String,
    pub flags: String,
    pub answer: Vec<String>,
    pub authority: Vec<String>,
    pub additional: Vec<String>,
}

pub fn summary(bytes: &[u8]) -> Summary {
    let m = Message::new_checked(bytes).unwrap();
    let h = m.header();
    let mut flags = String::new();
    for (n, f) in [
        ("qr", Flags::QR),
        ("aa", Flags::AA),
        ("tc", Flags::TC),
        ("rd", Flags::RD),
        ("ra", Flags::RA),
    ] {
        if h.flags.contains(f) {
            flags.push_str(n);
            flags.push(' ');
        }
    }
    let sect = |s: unet_dns::Section| -> Vec<String> {
        m.section(s)
            .map(|r| r.unwrap())
            .filter(|r| r.rtype() != RecordType::OPT)
            .map(|r| r.to_string())
            .collect()
    };
    Summary {
        rcode: m.rcode().to_string(),
        flags: flags.trim_end().to_string(),
        answer: sect(unet_dns::Section::Answer),
        authority: sect(unet_dns::Section::Authority),
        additional: sect(unet_dns::Section::Additional),
    }
}
