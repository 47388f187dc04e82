//! Shared helpers for the server tests: client messages and reply decoding.
#![allow(dead_code)]

use std::net::Ipv4Addr;
use std::vec::Vec;

use unet_core::{Duration, Instant};
use unet_dhcp::server::{Lease, MemoryStore, RxMeta, Server, ServerConfig, Transmit};
use unet_dhcp::{
    DhcpOption, Flags, HardwareType, Message, MessageType, Op, OptionBuilder, OptionCode, Repr,
    Vendor,
};

pub const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const META: RxMeta = RxMeta { src: Ipv4Addr::UNSPECIFIED, local: SERVER };

pub fn config() -> ServerConfig {
    ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 20))
        .router(SERVER)
        .dns(&[Ipv4Addr::new(192, 0, 2, 53)])
        .domain_name("example.com")
        .probe(None)
        .build()
        .unwrap()
}

pub fn server(config: ServerConfig, slots: usize) -> Server<'static, MemoryStore> {
    let leases: &'static mut [Option<Lease>] = Vec::leak(vec![None; slots]);
    Server::new(config, leases, MemoryStore)
}

pub fn mac(n: u32) -> [u8; 6] {
    let b = n.to_be_bytes();
    [0x02, 0x00, b[0], b[1], b[2], b[3]]
}

/// A client message.
#[derive(Clone, Debug)]
pub struct Msg {
    pub kind: Option<MessageType>,
    pub mac: [u8; 6],
    pub xid: u32,
    pub flags: Flags,
    pub ciaddr: Ipv4Addr,
    pub giaddr: Ipv4Addr,
    pub hops: u8,
    pub options: Vec<(u8, Vec<u8>)>,
}

impl Msg {
    pub fn new(kind: MessageType, mac: [u8; 6]) -> Msg {
        Msg {
            kind: Some(kind),
            mac,
            xid: 0x1234_5678,
            flags: Flags::empty(),
            ciaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            hops: 0,
            options: Vec::new(),
        }
    }
    pub fn opt(mut self, code: u8, data: &[u8]) -> Msg {
        self.options.push((code, data.to_vec()));
        self
    }
    pub fn requested(self, a: Ipv4Addr) -> Msg {
        self.opt(50, &a.octets())
    }
    pub fn server_id(self, a: Ipv4Addr) -> Msg {
        self.opt(54, &a.octets())
    }
    pub fn ciaddr(mut self, a: Ipv4Addr) -> Msg {
        self.ciaddr = a;
        self
    }
    pub fn bytes(&self) -> Vec<u8> {
        let mut opts = vec![0u8; 1200];
        let mut b = OptionBuilder::new(&mut opts);
        if let Some(k) = self.kind {
            b.push(&DhcpOption::MessageType(k)).unwrap();
        }
        for (c, d) in &self.options {
            b.push_raw(OptionCode(*c), d).unwrap();
        }
        let n = b.finish(true).unwrap();
        let mut chaddr = [0u8; 16];
        chaddr[..6].copy_from_slice(&self.mac);
        let repr = Repr {
            op: Op::BOOTREQUEST,
            htype: HardwareType::ETHERNET,
            hlen: 6,
            hops: self.hops,
            xid: self.xid,
            secs: 0,
            flags: self.flags,
            ciaddr: self.ciaddr,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: self.giaddr,
            chaddr,
            sname: [0; 64],
            file: [0; 128],
            vendor: Vendor::Options(&opts[..n]),
        };
        let mut buf = vec![0u8; repr.buffer_len()];
        repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
        buf
    }
}

/// A decoded reply.
#[derive(Debug)]
pub struct Reply {
    pub tx: Transmit,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn repr(&self) -> Repr<'_> {
        Repr::parse(&Message::new_checked(&self.bytes[..]).unwrap()).unwrap()
    }
    pub fn kind(&self) -> Option<MessageType> {
        self.repr().message_type()
    }
    pub fn yiaddr(&self) -> Ipv4Addr {
        self.repr().yiaddr
    }
    /// Option `code`'s data, joined (RFC 3396).
    pub fn option(&self, code: u8) -> Option<Vec<u8>> {
        let r = self.repr();
        let mut buf = [0u8; 2048];
        r.options().join(OptionCode(code), &mut buf).unwrap().map(|d| d.to_vec())
    }
    pub fn codes(&self) -> Vec<u8> {
        self.repr().options().map(|o| o.unwrap().code.0).collect()
    }
    pub fn u32_option(&self, code: u8) -> Option<u32> {
        self.option(code).map(|d| u32::from_be_bytes(d[..4].try_into().unwrap()))
    }
}

pub fn at(secs: u64) -> Instant {
    Instant::from_secs(secs)
}

pub fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Sends `msg` at `now` and returns the reply.
pub fn exchange<S: unet_dhcp::server::LeaseStore>(
    s: &mut Server<'_, S>,
    now: Instant,
    msg: &Msg,
) -> Option<Reply> {
    exchange_meta(s, now, META, &msg.bytes())
}

pub fn exchange_meta<S: unet_dhcp::server::LeaseStore>(
    s: &mut Server<'_, S>,
    now: Instant,
    meta: RxMeta,
    data: &[u8],
) -> Option<Reply> {
    s.handle_datagram(now, meta, data);
    let mut buf = [0u8; 1500];
    let tx = s.poll_transmit(&mut buf)?;
    Some(Reply { tx, bytes: buf[..tx.len].to_vec() })
}

/// DISCOVER/OFFER/REQUEST/ACK for `mac`; returns the ACK.
pub fn lease<S: unet_dhcp::server::LeaseStore>(
    s: &mut Server<'_, S>,
    now: Instant,
    mac: [u8; 6],
) -> Option<Reply> {
    let offer = exchange(s, now, &Msg::new(MessageType::DISCOVER, mac))?;
    assert_eq!(offer.kind(), Some(MessageType::OFFER));
    let req = Msg::new(MessageType::REQUEST, mac).requested(offer.yiaddr()).server_id(SERVER);
    exchange(s, now, &req)
}
