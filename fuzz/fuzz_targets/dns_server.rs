//! The authoritative DNS server: any bytes as a UDP or TCP query to `Server::handle_query`,
//! or as a TCP byte stream (in random-sized reads, with partial writes of the output) into
//! a `TcpSession`, against a small zone with every kind of answer. Never panics; every
//! response parses, keeps the query's ID, has QR set and stays within the permitted size;
//! the TCP output is a sequence of whole length-prefixed messages.
#![no_main]

use std::net::IpAddr;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use unet_core::Instant;
use unet_dns::server::{
    Authority, RrlConfig, Server, ServerConfig, TcpConfig, TcpSession, Transport,
};
use unet_dns::zone::Zone;
use unet_dns::{Flags, Message, NameBuf};

/// The tests' base zone (dns/tests/server_support) and, added here, a CNAME loop, a wildcard
/// CNAME, an empty non-terminal and an RRset too big for a UDP response.
const BASE_ZONE: &str = include_str!("../../dns/tests/server_support/example.com.zone");
const EXTRA: &str = "loop1    CNAME loop2
loop2    CNAME loop1
*.cw     CNAME www
a.b.ent  A    192.0.2.7
big      TXT  \"0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"
big      TXT  \"1123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"
big      TXT  \"2123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"
big      TXT  \"3123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"
big      TXT  \"4123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"
big      TXT  \"5123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\"
";

fn authority() -> &'static Authority {
    static A: OnceLock<Authority> = OnceLock::new();
    A.get_or_init(|| {
        let origin: NameBuf = "example.com.".parse().unwrap();
        let zone =
            Zone::load_str(&format!("{BASE_ZONE}{EXTRA}"), &origin).expect("the fuzz zone loads");
        let mut a = Authority::new();
        a.add(zone).expect("the fuzz zone is served");
        a
    })
}

fn check_response(query: &[u8], resp: &[u8], limit: usize) {
    assert!(resp.len() <= limit);
    let m = Message::new_checked(resp).expect("responses parse");
    assert!(m.flags().contains(Flags::QR));
    assert_eq!(m.id(), u16::from_be_bytes([query[0], query[1]]));
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    let client: IpAddr = if mode & 0x10 != 0 {
        "2001:db8::9".parse().unwrap()
    } else {
        "192.0.2.9".parse().unwrap()
    };
    let rrl = (mode & 0x20 != 0).then(|| RrlConfig {
        responses_per_second: 2,
        table_size: 8,
        ..RrlConfig::default()
    });
    let allow_transfer = (mode & 0x40 != 0).then(|| (client, 0));
    let mut server = Server::new(ServerConfig { rrl, allow_transfer, ..ServerConfig::default() });
    let auth = authority();
    let mut out = vec![0u8; 65535];
    match mode & 3 {
        0 | 1 => {
            let t = if mode & 1 == 0 { Transport::Udp } else { Transport::Tcp };
            for round in 0..3 {
                if let Some(n) = server.handle_query(
                    Instant::from_millis(round),
                    auth,
                    client,
                    t,
                    rest,
                    &mut out,
                ) {
                    let limit = if t == Transport::Tcp { 65535 } else { 1232 };
                    check_response(rest, &out[..n], limit);
                }
            }
        }
        _ => {
            // A byte stream: the first bytes of each chunk choose the read and write sizes.
            let cfg = TcpConfig { input_capacity: 1024, max_in_flight: 4, ..TcpConfig::default() };
            let mut s = TcpSession::new(Instant::ZERO, client, cfg);
            let mut stream = Vec::new();
            let mut at = 0usize;
            let mut now = 0u64;
            while at < rest.len() && !s.is_closed() {
                let step = usize::from(rest[at] % 64) + 1;
                at += 1;
                let end = (at + step).min(rest.len());
                let mut fed = 0;
                for _ in 0..4 {
                    fed += s.handle_input(
                        Instant::from_millis(now),
                        &rest[at + fed..end],
                        &mut server,
                        auth,
                    );
                    let pending = s.poll_transmit().len();
                    let write = pending.min(step * 37);
                    stream.extend_from_slice(&s.poll_transmit()[..write]);
                    s.handle_sent(Instant::from_millis(now), write, &mut server, auth);
                    if at + fed == end {
                        break;
                    }
                }
                at = end;
                now += 100;
                s.handle_timeout(Instant::from_millis(now));
            }
            s.handle_eof();
            for _ in 0..64 {
                let pending = s.poll_transmit().len();
                stream.extend_from_slice(s.poll_transmit());
                s.handle_sent(Instant::from_millis(now), pending, &mut server, auth);
                if pending == 0 {
                    break;
                }
            }
            s.handle_timeout(Instant::from_millis(now + 20_000));
            assert!(s.is_closed());
            // Whole messages, each a parseable response.
            let mut p = 0;
            while p + 2 <= stream.len() {
                let len = usize::from(u16::from_be_bytes([stream[p], stream[p + 1]]));
                let msg = &stream[p + 2..p + 2 + len];
                Message::new_checked(msg).expect("TCP responses parse");
                p += 2 + len;
            }
            assert_eq!(p, stream.len());
        }
    }
});
