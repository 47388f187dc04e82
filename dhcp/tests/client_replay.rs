//! Replay: the OFFER and ACK messages of the bundled captures (tests/corpus/pcap, charrua's
//! and tcpdump's DHCP captures, see SOURCES.md) fed to a client whose `chaddr` matches and
//! whose transaction they are made to be (the xid rewritten). Every OFFER must be
//! requested as RFC 2131 §4.4.1 says, every ACK must bind (from INIT-REBOOT, §3.2) with
//! the lease the ACK describes, decoded independently here.

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};
use unet_dhcp::client::{Client, Config, Event, State, MAX_MESSAGE_LEN};
use unet_dhcp::{DhcpOption, HardwareType, Message, MessageType, Op, OptionCode, Repr};

#[path = "corpus_pcap/mod.rs"]
mod corpus_pcap;
use corpus_pcap::{udp_datagrams, CAPTURES};

/// (IPv4 source, UDP payload) of every Ethernet/IPv4/UDP frame from port 67.
fn server_messages(pcap: &[u8]) -> Vec<(Ipv4Addr, Vec<u8>)> {
    udp_datagrams(pcap)
        .into_iter()
        .filter(|d| d.src_port == 67)
        .map(|d| (d.src, d.payload.to_vec()))
        .collect()
}

fn config(mac: [u8; 6]) -> Config<'static> {
    let mut c = Config::new(mac);
    c.startup_delay_max = Duration::ZERO;
    c
}

fn send(c: &mut Client<'_>, now: Instant) -> Vec<u8> {
    let mut buf = [0u8; MAX_MESSAGE_LEN];
    let t = c.poll_transmit(now, &mut buf).expect("a message");
    buf[..t.len].to_vec()
}

fn opt(repr: &Repr<'_>, code: OptionCode) -> Option<Vec<u8>> {
    let mut buf = [0u8; 1024];
    repr.options().get_joined(code, &mut buf).ok().flatten().map(|d| d.to_vec())
}

#[test]
fn rfc2131_4_4_1_capture_offers_requested_and_acks_bound() {
    let (mut offers, mut acks) = (0, 0);
    for (name, pcap) in CAPTURES {
        for (src, mut msg) in server_messages(pcap) {
            let repr = Repr::parse(&Message::new_checked(&msg[..]).unwrap()).unwrap();
            if repr.op != Op::BOOTREPLY || repr.htype != HardwareType::ETHERNET || repr.hlen != 6 {
                continue;
            }
            let mac: [u8; 6] = repr.chaddr[..6].try_into().unwrap();
            let yiaddr = repr.yiaddr;
            let server = match repr.get(OptionCode::SERVER_ID, &mut [0u8; 4]) {
                Ok(Some(DhcpOption::ServerId(s))) => s,
                _ => src,
            };
            let lease_secs = opt(&repr, OptionCode::LEASE_TIME)
                .map(|d| u32::from_be_bytes(d.try_into().unwrap()));
            let mask = opt(&repr, OptionCode::SUBNET_MASK)
                .map(|d| u32::from_be_bytes(d.try_into().unwrap()).leading_ones() as u8);
            let routers = opt(&repr, OptionCode::ROUTER);
            let kind = repr.message_type();
            let t0 = Instant::from_secs(10);
            match kind {
                Some(MessageType::OFFER) => {
                    let mut c = Client::new(config(mac), t0);
                    c.handle_timeout(t0);
                    send(&mut c, t0);
                    msg[4..8].copy_from_slice(&c.xid().to_be_bytes());
                    c.handle_datagram(t0, src, &msg);
                    assert_eq!(c.state(), State::Requesting, "{name}: offer of {yiaddr}");
                    let req = send(&mut c, t0);
                    let r = Repr::parse(&Message::new_checked(&req[..]).unwrap()).unwrap();
                    assert_eq!(r.message_type(), Some(MessageType::REQUEST));
                    assert_eq!(opt(&r, OptionCode::REQUESTED_IP), Some(yiaddr.octets().to_vec()));
                    assert_eq!(opt(&r, OptionCode::SERVER_ID), Some(server.octets().to_vec()));
                    offers += 1;
                }
                Some(MessageType::ACK) if !yiaddr.is_unspecified() => {
                    let mut c = Client::init_reboot(config(mac), yiaddr, t0);
                    c.handle_timeout(t0);
                    send(&mut c, t0);
                    msg[4..8].copy_from_slice(&c.xid().to_be_bytes());
                    c.handle_datagram(t0, src, &msg);
                    assert_eq!(
                        c.poll_event(),
                        Some(Event::Check(yiaddr)),
                        "{name}: ack of {yiaddr}"
                    );
                    c.address_checked(t0, false);
                    assert_eq!(c.poll_event(), Some(Event::Bound(yiaddr)));
                    let l = c.lease().unwrap();
                    assert_eq!(l.address, yiaddr);
                    assert_eq!(l.server, server, "{name}");
                    if let Some(p) = mask {
                        assert_eq!(l.prefix_len, p, "{name}");
                    }
                    match lease_secs {
                        Some(u32::MAX) | None => assert_eq!(l.expires(), None),
                        Some(s) => {
                            assert_eq!(l.expires(), Some(t0 + Duration::from_secs(s.into())))
                        }
                    }
                    if let Some(r) = routers {
                        assert_eq!(
                            l.routers.first().map(|a| a.octets().to_vec()),
                            Some(r[..4].to_vec())
                        );
                    }
                    acks += 1;
                }
                _ => {}
            }
        }
    }
    eprintln!("replayed {offers} offers and {acks} acks");
    assert!(offers >= 2 && acks >= 2, "{offers} offers, {acks} acks");
}
