//! DNS over TCP (RFC 7766) through unet_dns::server::TcpSession.
#![cfg(feature = "alloc")]

#[path = "server_support/mod.rs"]
mod support;

use critical_section as _;
use support::{authority, q, summary, SMALL_ZONE};
use unet_core::Instant;
use unet_dns::server::{Server, ServerConfig, TcpConfig, TcpSession};
use unet_dns::{Message, RecordType as T};

fn framed(query: &[u8]) -> Vec<u8> {
    let mut v = (query.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(query);
    v
}

/// Splits the output stream into messages.
fn messages(mut out: &[u8]) -> Vec<Vec<u8>> {
    let mut v = Vec::new();
    while out.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([out[0], out[1]]));
        v.push(out[2..2 + len].to_vec());
        out = &out[2 + len..];
    }
    assert!(out.is_empty(), "a partial message in the output");
    v
}

fn t(s: u64) -> Instant {
    Instant::from_secs(s)
}

#[test]
fn rfc7766_8_length_prefix_and_byte_by_byte_input() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut server = Server::new(ServerConfig::default());
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    let bytes = framed(&q("www.example.com.", T::A).bytes());
    for b in &bytes[..bytes.len() - 1] {
        assert_eq!(s.handle_input(t(0), std::slice::from_ref(b), &mut server, &auth), 1);
        assert!(s.poll_transmit().is_empty());
    }
    s.handle_input(t(0), &bytes[bytes.len() - 1..], &mut server, &auth);
    let out = messages(s.poll_transmit());
    assert_eq!(out.len(), 1);
    assert_eq!(summary(&out[0]).answer, ["www.example.com. 3600 IN A 192.0.2.80"]);
}

#[test]
fn rfc7766_6_2_1_pipelined_queries_answered_in_order() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut server = Server::new(ServerConfig::default());
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    let mut stream = Vec::new();
    for (i, name) in ["www.example.com.", "nx.example.com.", "ns1.example.com."].iter().enumerate()
    {
        let mut query = q(name, T::A);
        query.id = i as u16 + 1;
        stream.extend(framed(&query.bytes()));
    }
    assert_eq!(s.handle_input(t(0), &stream, &mut server, &auth), stream.len());
    let out = messages(s.poll_transmit());
    let ids: Vec<u16> = out.iter().map(|m| Message::new_checked(&m[..]).unwrap().id()).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(summary(&out[1]).rcode, "NXDOMAIN");
    let n = s.poll_transmit().len();
    s.handle_sent(t(0), n, &mut server, &auth);
    assert!(s.poll_transmit().is_empty());
    assert_eq!(s.counters().responses, 3);
}

#[test]
fn rfc7766_6_2_3_idle_timeout_closes() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut server = Server::new(ServerConfig::default());
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    assert_eq!(s.poll_timeout(), Some(t(10)));
    s.handle_input(t(5), &framed(&q("www.example.com.", T::A).bytes()), &mut server, &auth);
    assert_eq!(s.poll_timeout(), Some(t(15)));
    s.handle_timeout(t(14));
    assert!(!s.is_closed());
    s.handle_timeout(t(15));
    assert!(s.is_closed());
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn rfc7766_6_2_4_peer_close_after_answers_written() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut server = Server::new(ServerConfig::default());
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    s.handle_input(t(0), &framed(&q("www.example.com.", T::A).bytes()), &mut server, &auth);
    s.handle_eof();
    assert!(!s.is_closed(), "an answer is still to be written");
    let n = s.poll_transmit().len();
    s.handle_sent(t(0), n, &mut server, &auth);
    assert!(s.is_closed());
}

#[test]
fn rfc7766_8_zero_length_and_oversized_messages_close() {
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut server = Server::new(ServerConfig::default());
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    s.handle_input(t(0), &[0, 0], &mut server, &auth);
    assert!(s.is_closed());
    let cfg = TcpConfig { input_capacity: 1024, ..TcpConfig::default() };
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), cfg);
    s.handle_input(t(0), &[0x10, 0x00, 1, 2, 3], &mut server, &auth);
    assert!(s.is_closed());
}

#[test]
fn rfc7766_6_2_2_backpressure_when_responses_are_not_read() {
    // A small output buffer (one largest response): queries wait in the input buffer,
    // then input is refused; reading the output lets them through.
    let auth = authority(&[("example.com.", SMALL_ZONE)]);
    let mut server = Server::new(ServerConfig::default());
    let cfg = TcpConfig {
        input_capacity: 600,
        output_capacity: 0,
        max_in_flight: 4,
        ..TcpConfig::default()
    };
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), cfg);
    let one = framed(&q("www.example.com.", T::A).bytes());
    let mut stream = Vec::new();
    for _ in 0..40 {
        stream.extend_from_slice(&one);
    }
    let mut fed = 0;
    let mut answered = 0;
    for _ in 0..200 {
        fed += s.handle_input(t(0), &stream[fed..], &mut server, &auth);
        let out = s.poll_transmit().len();
        answered += messages(s.poll_transmit()).len();
        s.handle_sent(t(0), out, &mut server, &auth);
        if fed == stream.len() && s.poll_transmit().is_empty() {
            break;
        }
    }
    answered += messages(s.poll_transmit()).len();
    assert_eq!((fed, answered), (stream.len(), 40));
    assert!(s.counters().input_refused > 0, "input was refused while output was full");
}

#[test]
fn tcp_answers_are_not_truncated_at_512() {
    let mut text = SMALL_ZONE.to_string();
    for i in 0..60 {
        text.push_str(&format!("big A 192.0.2.{i}\n"));
    }
    let auth = authority(&[("example.com.", &text)]);
    let mut server = Server::new(ServerConfig::default());
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    s.handle_input(t(0), &framed(&q("big.example.com.", T::A).bytes()), &mut server, &auth);
    let out = messages(s.poll_transmit());
    assert!(out[0].len() > 512);
    assert_eq!(summary(&out[0]).answer.len(), 60);
}

fn axfr_session(
    allow: Option<(std::net::IpAddr, u8)>,
    text: &str,
) -> (Vec<Vec<u8>>, unet_dns::server::ServerCounters) {
    let auth = authority(&[("example.com.", text)]);
    let mut server = Server::new(ServerConfig { allow_transfer: allow, ..ServerConfig::default() });
    let mut s = TcpSession::new(t(0), "192.0.2.7".parse().unwrap(), TcpConfig::default());
    let mut stream = framed(&q("example.com.", T::AXFR).bytes());
    stream.extend(framed(&q("www.example.com.", T::A).bytes()));
    assert_eq!(s.handle_input(t(0), &stream, &mut server, &auth), stream.len());
    let mut out = Vec::new();
    for _ in 0..1000 {
        let n = s.poll_transmit().len();
        if n == 0 {
            break;
        }
        out.extend_from_slice(s.poll_transmit());
        s.handle_sent(t(0), n, &mut server, &auth);
    }
    (messages(&out), server.counters())
}

#[test]
fn rfc5936_2_2_axfr_soa_records_soa_then_the_next_query() {
    let mut text = SMALL_ZONE.to_string();
    for i in 0..3000 {
        text.push_str(&format!(
            "h{i} TXT \"record number {i} of a zone larger than one message\"\n"
        ));
    }
    let (msgs, c) = axfr_session(Some(("192.0.2.0".parse().unwrap(), 24)), &text);
    assert_eq!(c.transfers, 1);
    assert!(msgs.len() > 3, "several messages: {}", msgs.len());
    let (xfr, last) = msgs.split_at(msgs.len() - 1);
    let mut records = Vec::new();
    for (i, m) in xfr.iter().enumerate() {
        let h = <hickory_proto::op::Message as hickory_proto::serialize::binary::BinDecodable>::from_bytes(m).unwrap();
        assert!(h.metadata.authoritative);
        let m = Message::new_checked(&m[..]).unwrap();
        assert_eq!(m.id(), 0x1234);
        assert_eq!(m.questions().count(), usize::from(i == 0), "question in the first only");
        records.extend(m.answers().map(|r| r.unwrap().to_string()));
    }
    assert!(records[0].contains(" SOA "));
    assert_eq!(records.first(), records.last());
    // The 4 records of SMALL_ZONE (SOA first), the 3000 TXT, the closing SOA; none lost or
    // repeated at message boundaries.
    assert_eq!(records.len(), 4 + 3000 + 1);
    let distinct: std::collections::BTreeSet<&String> = records.iter().collect();
    assert_eq!(distinct.len(), 4 + 3000);
    // The pipelined query after the transfer is answered after it.
    assert_eq!(summary(&last[0]).answer, ["www.example.com. 3600 IN A 192.0.2.80"]);
}

#[test]
fn rfc5936_2_2_1_axfr_refused_outside_the_allowed_network() {
    let (msgs, c) = axfr_session(Some(("198.51.100.0".parse().unwrap(), 24)), SMALL_ZONE);
    assert_eq!(c.transfers, 0);
    assert_eq!(summary(&msgs[0]).rcode, "REFUSED");
    let (msgs, _) = axfr_session(None, SMALL_ZONE);
    assert_eq!(summary(&msgs[0]).rcode, "REFUSED");
    assert_eq!(msgs.len(), 2);
}
