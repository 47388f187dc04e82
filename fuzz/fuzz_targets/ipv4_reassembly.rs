//! IPv4 machines driven by random input at random times: the reassembler (fragments with
//! colliding ids, overlaps, odd lengths, timeouts), the fragmenter's round trip through
//! it, the ICMP error rules and builder, and the reading of received ICMP errors. Nothing
//! may panic; every output must parse back.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_core::{Duration, Instant, IpProtocol};
use unet_ipv4::fragment::Fragmenter;
use unet_ipv4::icmp::{self, ErrorKind, ErrorMessage, ReceivedError};
use unet_ipv4::reassembly::{Config, Event, Reassembler, Slot, WhenFull};
use unet_ipv4::route::Ipv4Cidr;
use unet_ipv4::{Checks, Packet, Repr};

fn header(id: u16, protocol: u8, offset_blocks: u16, more: bool, len: usize) -> Repr<'static> {
    Repr {
        src: Ipv4Addr::new(192, 0, 2, 1),
        dst: Ipv4Addr::new(192, 0, 2, 2),
        protocol: IpProtocol(protocol),
        ttl: 64,
        dscp: 0,
        ecn: 0,
        identification: id,
        dont_frag: false,
        more_frags: more,
        frag_offset: offset_blocks & 0x1fff,
        payload_len: len,
        options: &[],
    }
}

/// The ICMP side on arbitrary bytes taken as a received IPv4 packet.
fn icmp_rules(data: &[u8]) {
    let Ok(packet) = Packet::new_checked(data) else { return };
    let Ok(repr) = Repr::parse_with(&packet, Checks::OFFLOADED) else { return };
    let ours: Ipv4Cidr = "192.0.2.1/24".parse().unwrap();
    let _ = icmp::may_send_error(&repr, packet.payload(), data.len() % 2 == 0, Some(ours));
    let kind = match data.len() % 4 {
        0 => ErrorKind::PortUnreachable,
        1 => ErrorKind::FragNeeded { next_hop_mtu: 1280 },
        2 => ErrorKind::ReassemblyTimeExceeded,
        _ => ErrorKind::ParamProblem { pointer: data[0] },
    };
    let msg = ErrorMessage::new(kind, ours.address(), data).expect("a checked header");
    let mut out = vec![0u8; msg.buffer_len()];
    assert!(out.len() <= icmp::MAX_ERROR_LEN);
    assert_eq!(msg.emit(&mut out), Ok(out.len()));
    let ip = Packet::new_checked(&out[..]).expect("emitted IP");
    assert_eq!(Repr::parse(&ip), Ok(msg.ip));
    let body = &out[ip.header_len()..];
    let parsed = icmp::Repr::parse(&icmp::Packet::new_checked(body).unwrap()).unwrap();
    assert_eq!(parsed, msg.icmp);
    // Read back as a received error: it names the offending datagram.
    if let Ok(got) = ReceivedError::from_icmp(&parsed) {
        assert_eq!((got.src, got.dst), (repr.src, repr.dst));
    }
    // And the same reading on the raw payload, if it is an ICMP message.
    if let Ok(m) = icmp::Packet::new_checked(packet.payload()) {
        if let Ok(r) = icmp::Repr::parse_with(&m, Checks::OFFLOADED) {
            let _ = ReceivedError::from_icmp(&r).map(|e| e.ports());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    icmp_rules(data);

    let mut slots = [Slot::EMPTY; 3];
    let mut pool = [0u8; 3 * 2200];
    let when_full = if data.first().is_some_and(|b| b & 1 == 1) {
        WhenFull::RefuseNew
    } else {
        WhenFull::EvictOldest
    };
    let config = Config { timeout: Duration::from_millis(500), when_full, ..Config::default() };
    let mut r = Reassembler::new(&mut slots[..], &mut pool[..], config);
    let mut now = Instant::from_secs(1);
    let mut rest = data.get(1..).unwrap_or(&[]);
    while let [op, a, b, c, tail @ ..] = rest {
        rest = tail;
        if op & 0x0f == 0 {
            now += Duration::from_millis(u64::from(*a) * 10);
            r.handle_timeout(now);
            while let Some(Event::TimeExceeded { quote }) = r.poll_event() {
                assert!(quote.len() >= 28 && quote.len() <= 68);
                let msg = ErrorMessage::new(
                    ErrorKind::ReassemblyTimeExceeded,
                    Ipv4Addr::LOCALHOST,
                    quote,
                )
                .expect("quote holds a header");
                assert_eq!(msg.icmp.quoted_datagram(), Some(quote));
            }
            continue;
        }
        let id = u16::from(op >> 6);
        let protocol = (op >> 4) & 3;
        let more = op & 0x08 != 0;
        let offset = u16::from_be_bytes([*a, *b]) >> 3;
        let len = usize::from(*c).min(rest.len());
        let (payload, tail) = rest.split_at(len);
        rest = tail;
        let repr = header(id, protocol, offset, more, payload.len());
        if let Ok(Some(done)) = r.handle_fragment(now, &repr, payload) {
            let p = Packet::new_checked(done.datagram()).expect("reassembled datagram");
            assert!(p.verify_checksum() && !p.is_fragment());
            assert_eq!(done.payload().len(), done.repr().payload_len);
            assert_eq!(done.repr().identification, id);
        }
        assert!(r.in_progress() <= 3);
        if let Some(t) = r.poll_timeout() {
            assert!(t > now);
        }
    }

    // Fragment and reassemble a datagram sized by the input.
    let len = data.len() * 7 % 4000;
    let mtu = 68 + data.len() * 13 % 1500;
    let payload: Vec<u8> =
        (0..len).map(|i| data.get(i % data.len().max(1)).copied().unwrap_or(0)).collect();
    let repr = header(9999, 17, 0, false, len);
    let mut slots = [Slot::EMPTY; 1];
    let mut pool = [0u8; 4200];
    let mut r = Reassembler::new(&mut slots[..], &mut pool[..], Config::default());
    let pieces: Vec<_> = Fragmenter::new(&repr, mtu).expect("fragmentable").collect();
    let mut got = None;
    for p in pieces.iter().rev() {
        let fr = p.repr();
        assert!(fr.buffer_len() <= mtu);
        if pieces.len() == 1 {
            got = Some(payload.clone());
            break;
        }
        if let Some(done) =
            r.handle_fragment(Instant::ZERO, &fr, &payload[p.payload_range()]).unwrap()
        {
            got = Some(done.payload().to_vec());
        }
    }
    assert_eq!(got, Some(payload));
});
