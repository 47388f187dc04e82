//! The server answers every DISCOVER and REQUEST of the bundled captures
//! (tests/corpus/pcap, SOURCES.md there) as RFC 2131 §4.3 says: the fields of table 3
//! copied (xid, chaddr, flags, giaddr), option 82 echoed (RFC 3046 §2.2), our server
//! identifier, a lease time, the §4.1 destination.

use std::net::Ipv4Addr;

use unet_core::Instant;
use unet_dhcp::server::{
    ClientKey, Lease, LeaseState, MemoryStore, RxMeta, Server, ServerConfig, CLIENT_PORT,
    SERVER_PORT,
};
use unet_dhcp::{Flags, Message, MessageType, OptionCode, Repr};

#[path = "corpus_pcap/mod.rs"]
mod corpus_pcap;
use corpus_pcap::{udp_datagrams, CAPTURES};

/// UDP payloads to port 67 of a little-endian Ethernet pcap.
fn requests(pcap: &[u8]) -> Vec<&[u8]> {
    udp_datagrams(pcap).into_iter().filter(|d| d.dst_port == 67).map(|d| d.payload).collect()
}

fn addr_option(r: &Repr<'_>, code: OptionCode) -> Option<Ipv4Addr> {
    let o = r.options().find(code).ok()??;
    Some(Ipv4Addr::from(<[u8; 4]>::try_from(o.data).ok()?))
}

fn raw_option(r: &Repr<'_>, code: OptionCode) -> Option<Vec<u8>> {
    let mut buf = [0u8; 1024];
    r.options().join(code, &mut buf).ok()?.map(|d| d.to_vec())
}

#[test]
fn rfc2131_4_3_corpus_discover_and_request_answered() {
    let mut checked = [0usize; 2];
    for (name, pcap) in CAPTURES {
        for (i, data) in requests(pcap).into_iter().enumerate() {
            let msg = Message::new_checked(data).unwrap();
            let req = Repr::parse(&msg).unwrap();
            let kind = req.message_type();
            if kind != Some(MessageType::DISCOVER) && kind != Some(MessageType::REQUEST) {
                continue;
            }
            let want = addr_option(&req, OptionCode::REQUESTED_IP)
                .filter(|a| !a.is_unspecified())
                .or((!req.ciaddr.is_unspecified()).then_some(req.ciaddr));
            let base = if !req.giaddr.is_unspecified() {
                req.giaddr
            } else {
                want.unwrap_or(Ipv4Addr::new(192, 0, 2, 0))
            };
            let net = u32::from(base) & 0xffff_ff00;
            let mut sid =
                addr_option(&req, OptionCode::SERVER_ID).unwrap_or(Ipv4Addr::from(net | 254));
            if Some(sid) == want {
                sid = Ipv4Addr::from(net | 253);
            }
            let cfg = ServerConfig::builder()
                .subnet(Ipv4Addr::from(net), 24)
                .range(Ipv4Addr::from(net | 1), Ipv4Addr::from(net | 252))
                .router(Ipv4Addr::from(net | 1))
                .server_id(sid)
                .probe(None)
                .build()
                .unwrap();
            let mut table = [None; 8];
            let mut s = Server::new(cfg, &mut table[..], MemoryStore);
            let client = match raw_option(&req, OptionCode::CLIENT_ID) {
                Some(id) => ClientKey::from_client_id(&id),
                None => ClientKey::from_hardware(req.htype.0, req.client_hardware_address()),
            };
            let in_subnet = want.is_some_and(|w| u32::from(w) & 0xffff_ff00 == net);
            if kind == Some(MessageType::REQUEST) && in_subnet {
                // This server made the offer the client accepts.
                s.restore(Lease {
                    addr: want.unwrap(),
                    client,
                    state: LeaseState::Offered,
                    expires: Instant::from_secs(30),
                    probed: true,
                });
            }
            s.handle_datagram(
                Instant::ZERO,
                RxMeta { src: Ipv4Addr::UNSPECIFIED, local: sid },
                data,
            );
            let mut buf = [0u8; 1500];
            let ctx = format!("{name} request {i}: {req}");
            let tx = s
                .poll_transmit(&mut buf)
                .unwrap_or_else(|| panic!("{ctx}: no reply, {:?}", s.counters()));
            let rep = Repr::parse(&Message::new_checked(&buf[..tx.len]).unwrap()).unwrap();
            let expect = match kind {
                Some(MessageType::DISCOVER) => MessageType::OFFER,
                _ if in_subnet => MessageType::ACK,
                _ => MessageType::NAK,
            };
            assert_eq!(rep.message_type(), Some(expect), "{ctx}");
            assert_eq!(rep.op, unet_dhcp::Op::BOOTREPLY);
            assert_eq!(
                (rep.xid, rep.chaddr, rep.htype, rep.hlen),
                (req.xid, req.chaddr, req.htype, req.hlen),
                "{ctx}"
            );
            assert_eq!(rep.giaddr, req.giaddr, "{ctx}");
            assert_eq!(rep.hops, 0);
            assert_eq!(addr_option(&rep, OptionCode::SERVER_ID), Some(sid), "{ctx}");
            assert_eq!(
                raw_option(&rep, OptionCode::RELAY_AGENT_INFORMATION),
                raw_option(&req, OptionCode::RELAY_AGENT_INFORMATION),
                "{ctx}: option 82 echoed"
            );
            assert!(buf[..tx.len].len() >= 300);
            if expect == MessageType::NAK {
                assert_eq!(rep.yiaddr, Ipv4Addr::UNSPECIFIED);
            } else {
                let lease = raw_option(&rep, OptionCode::LEASE_TIME).unwrap();
                let asked = raw_option(&req, OptionCode::LEASE_TIME)
                    .map(|d| u32::from_be_bytes(d[..4].try_into().unwrap()));
                let granted = asked.map_or(3600, |a| a.clamp(60, 86400));
                assert_eq!(lease, granted.to_be_bytes(), "{ctx}");
                if in_subnet && want != Some(Ipv4Addr::from(net | 1)) {
                    assert_eq!(Some(rep.yiaddr), want, "{ctx}");
                }
                assert_eq!(rep.flags, req.flags, "{ctx}");
                checked[usize::from(expect == MessageType::ACK)] += 1;
            }
            // RFC 2131 §4.1 destination.
            if !req.giaddr.is_unspecified() {
                assert_eq!((tx.dst, tx.port), (req.giaddr, SERVER_PORT), "{ctx}");
            } else if expect == MessageType::NAK || req.flags.contains(Flags::BROADCAST) {
                assert_eq!((tx.dst, tx.port), (Ipv4Addr::BROADCAST, CLIENT_PORT), "{ctx}");
            } else if !req.ciaddr.is_unspecified() {
                assert_eq!((tx.dst, tx.port), (req.ciaddr, CLIENT_PORT), "{ctx}");
            } else {
                assert_eq!(
                    (tx.dst, tx.hw_dst),
                    (rep.yiaddr, Some(req.chaddr[..6].try_into().unwrap())),
                    "{ctx}"
                );
            }
        }
    }
    eprintln!("offers checked: {}, acks checked: {}", checked[0], checked[1]);
    assert!(checked[0] >= 5 && checked[1] >= 5, "{checked:?}");
}
