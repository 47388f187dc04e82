//! The authoritative answers of unet_dns::server::Server, RFC section by RFC section.
#![cfg(feature = "alloc")]

#[path = "server_support/mod.rs"]
mod support;

use support::{ask, ask_with, authority, q, summary, Q};
use unet_dns::server::{Server, ServerConfig, Transport};
use unet_dns::{Class, Message, Opcode, RecordType as T};

/// RFC 4592 §2.2.1's example zone (SOA and SRV RDATA filled in).
const RFC4592: &str = "$ORIGIN example.
example.                 3600 IN  SOA   ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
example.                 3600     NS    ns.example.com.
example.                 3600     NS    ns.example.net.
*.example.               3600     TXT   \"this is a wildcard\"
*.example.               3600     MX    10 host1.example.
sub.*.example.           3600     TXT   \"this is not a wildcard\"
host1.example.           3600     A     192.0.2.1
_ssh._tcp.host1.example. 3600     SRV   0 0 22 host1.example.
_ssh._tcp.host2.example. 3600     SRV   0 0 22 host1.example.
subdel.example.          3600     NS    ns.example.com.
subdel.example.          3600     NS    ns.example.net.
";

const NEG_SOA: &str =
    "example. 300 IN SOA ns.example.com. hostmaster.example.com. 1 7200 3600 1209600 300";

fn rfc4592() -> unet_dns::server::Authority {
    authority(&[("example.", RFC4592)])
}

#[test]
fn rfc4592_2_2_1_wildcard_synthesis_host3_mx() {
    let s = summary(&ask(&rfc4592(), &q("host3.example.", T::MX)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("NOERROR", "qr aa rd"));
    assert_eq!(s.answer, ["host3.example. 3600 IN MX 10 host1.example."]);
    assert_eq!(s.additional, ["host1.example. 3600 IN A 192.0.2.1"]);
}

#[test]
fn rfc4592_2_2_1_wildcard_nodata_host3_a() {
    let s = summary(&ask(&rfc4592(), &q("host3.example.", T::A)));
    assert_eq!(s.rcode, "NOERROR");
    assert!(s.answer.is_empty());
    assert_eq!(s.authority, [NEG_SOA]);
}

#[test]
fn rfc4592_2_2_1_wildcard_two_labels_below_foo_bar_txt() {
    let s = summary(&ask(&rfc4592(), &q("foo.bar.example.", T::TXT)));
    assert_eq!(s.answer, ["foo.bar.example. 3600 IN TXT \"this is a wildcard\""]);
}

#[test]
fn rfc4592_2_2_1_existing_name_is_not_synthesized() {
    // host1.example. exists: NODATA for MX, not the wildcard's MX.
    let s = summary(&ask(&rfc4592(), &q("host1.example.", T::MX)));
    assert_eq!((s.rcode.as_str(), s.answer.len()), ("NOERROR", 0));
    assert_eq!(s.authority, [NEG_SOA]);
    // sub.*.example. exists too; and a name below a wildcard label is no wildcard.
    let s = summary(&ask(&rfc4592(), &q("sub.*.example.", T::MX)));
    assert_eq!((s.rcode.as_str(), s.answer.len()), ("NOERROR", 0));
    let s = summary(&ask(&rfc4592(), &q("ghost.*.example.", T::MX)));
    assert_eq!(s.rcode, "NXDOMAIN");
}

#[test]
fn rfc4592_2_2_2_empty_non_terminal_blocks_the_wildcard() {
    // _tcp.host1.example. is an empty non-terminal: the closest encloser of
    // _telnet._tcp.host1.example., which has no wildcard child.
    let s = summary(&ask(&rfc4592(), &q("_telnet._tcp.host1.example.", T::SRV)));
    assert_eq!(s.rcode, "NXDOMAIN");
    assert_eq!(s.authority, [NEG_SOA]);
    // The empty non-terminal itself: NODATA, not NXDOMAIN (RFC 8020 too).
    let s = summary(&ask(&rfc4592(), &q("_tcp.host1.example.", T::A)));
    assert_eq!((s.rcode.as_str(), s.answer.len()), ("NOERROR", 0));
    // The existing SRV, with its target's address in additional.
    let s = summary(&ask(&rfc4592(), &q("_ssh._tcp.host1.example.", T::SRV)));
    assert_eq!(s.answer, ["_ssh._tcp.host1.example. 3600 IN SRV 0 0 22 host1.example."]);
    assert_eq!(s.additional, ["host1.example. 3600 IN A 192.0.2.1"]);
}

#[test]
fn rfc4592_2_2_1_delegation_wins_over_wildcard() {
    let s = summary(&ask(&rfc4592(), &q("host.subdel.example.", T::A)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("NOERROR", "qr rd"));
    assert!(s.answer.is_empty());
    assert_eq!(
        s.authority,
        [
            "subdel.example. 3600 IN NS ns.example.com.",
            "subdel.example. 3600 IN NS ns.example.net."
        ]
    );
}

const ZONE_HEAD: &str = "$ORIGIN example.com.
$TTL 3600
@        SOA  ns1 hostmaster 2024010101 7200 3600 1209600 600
@        NS   ns1
@        NS   ns.example.net.
@        MX   10 mail
ns1      A    192.0.2.1
ns1      AAAA 2001:db8::1
mail     A    192.0.2.25
www      A    192.0.2.80
www      A    192.0.2.81
alias    CNAME alias2
alias2   CNAME www
out      CNAME www.example.net.
loop1    CNAME loop2
loop2    CNAME loop1
*.wild   A    192.0.2.99
*.cw     CNAME www
sub      NS   ns.sub
sub      NS   ns.example.net.
sub      DS   12345 8 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
ns.sub   A    192.0.2.53
";

fn zone_text() -> String {
    let mut z = ZONE_HEAD.to_string();
    for c in ["a", "b", "c"] {
        z.push_str(&format!("big TXT \"{}\"\n", c.repeat(250)));
    }
    z
}

const NET: &str = "$ORIGIN example.net.
$TTL 300
@   SOA ns hostmaster 1 7200 3600 1209600 60
@   NS  ns
ns  A   192.0.2.2
www A   192.0.2.8
";

fn two() -> unet_dns::server::Authority {
    authority(&[("example.com.", &zone_text()), ("example.net.", NET)])
}

#[test]
fn rfc1034_4_3_2_exact_match_is_authoritative() {
    let s = summary(&ask(&two(), &q("www.example.com.", T::A)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("NOERROR", "qr aa rd"));
    assert_eq!(
        s.answer,
        ["www.example.com. 3600 IN A 192.0.2.80", "www.example.com. 3600 IN A 192.0.2.81"]
    );
    assert!(s.authority.is_empty(), "minimal responses, as Knot");
}

#[test]
fn rfc1034_4_3_2_cname_chain_followed_in_zone() {
    let s = summary(&ask(&two(), &q("alias.example.com.", T::A)));
    assert_eq!(
        s.answer,
        [
            "alias.example.com. 3600 IN CNAME alias2.example.com.",
            "alias2.example.com. 3600 IN CNAME www.example.com.",
            "www.example.com. 3600 IN A 192.0.2.80",
            "www.example.com. 3600 IN A 192.0.2.81"
        ]
    );
    // QTYPE CNAME: the CNAME itself.
    let s = summary(&ask(&two(), &q("alias.example.com.", T::CNAME)));
    assert_eq!(s.answer, ["alias.example.com. 3600 IN CNAME alias2.example.com."]);
    // Leaving the zone: the chain stops, even though example.net. is served here (Knot).
    let s = summary(&ask(&two(), &q("out.example.com.", T::A)));
    assert_eq!(s.answer, ["out.example.com. 3600 IN CNAME www.example.net."]);
    assert_eq!(s.rcode, "NOERROR");
}

#[test]
fn rfc1034_3_6_2_cname_loop_is_bounded() {
    let s = summary(&ask(&two(), &q("loop1.example.com.", T::A)));
    assert_eq!(s.rcode, "NOERROR");
    assert!(s.answer.len() <= unet_dns::server::MAX_CNAME_CHAIN);
    assert!(s.answer.len() >= 2);
}

#[test]
fn rfc4592_4_4_wildcard_cname_is_followed() {
    let s = summary(&ask(&two(), &q("X.cw.example.com.", T::A)));
    assert_eq!(s.answer[0], "X.cw.example.com. 3600 IN CNAME www.example.com.");
    assert_eq!(s.answer.len(), 3);
}

#[test]
fn rfc1034_4_3_2_referral_with_glue_not_authoritative() {
    let s = summary(&ask(&two(), &q("www.sub.example.com.", T::A)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("NOERROR", "qr rd"));
    assert_eq!(
        s.authority,
        [
            "sub.example.com. 3600 IN NS ns.sub.example.com.",
            "sub.example.com. 3600 IN NS ns.example.net."
        ]
    );
    assert_eq!(s.additional, ["ns.sub.example.com. 3600 IN A 192.0.2.53"]);
    // The cut itself: a referral too, for any type but DS.
    let s = summary(&ask(&two(), &q("sub.example.com.", T::NS)));
    assert_eq!((s.flags.as_str(), s.authority.len()), ("qr rd", 2));
}

#[test]
fn rfc4035_3_1_4_1_ds_answered_from_the_parent_side() {
    let s = summary(&ask(&two(), &q("sub.example.com.", T::DS)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("NOERROR", "qr aa rd"));
    assert_eq!(s.answer.len(), 1);
    assert!(s.answer[0].starts_with("sub.example.com. 3600 IN DS 12345 8 2 "));
    // With DO, a referral from an unsigned zone carries no DS (as Knot and NSD); from a
    // signed one (DNSKEY at the apex) it carries the DS RRset.
    let s = summary(&ask(&two(), &q("a.sub.example.com.", T::A).edns(1232, 0, true)));
    assert_eq!(s.authority.len(), 2);
    let signed = zone_text() + "@ DNSKEY 257 3 8 AwEAAQ==\n";
    let auth = authority(&[("example.com.", &signed)]);
    let s = summary(&ask(&auth, &q("a.sub.example.com.", T::A).edns(1232, 0, true)));
    assert_eq!(s.authority.len(), 3);
    assert!(s.authority[2].starts_with("sub.example.com. 3600 IN DS 12345"));
}

#[test]
fn rfc2308_3_nxdomain_with_soa_ttl_min_of_ttl_and_minimum() {
    let s = summary(&ask(&two(), &q("nx.example.com.", T::A)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("NXDOMAIN", "qr aa rd"));
    assert_eq!(
        s.authority,
        ["example.com. 600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 600"]
    );
    // SOA TTL below MINIMUM: the TTL wins.
    let s = summary(&ask(&two(), &q("nx.example.net.", T::A)));
    assert!(s.authority[0].starts_with("example.net. 60 IN SOA"), "{:?}", s.authority);
}

#[test]
fn rfc2308_2_2_nodata_with_soa() {
    let s = summary(&ask(&two(), &q("www.example.com.", T::AAAA)));
    assert_eq!((s.rcode.as_str(), s.answer.len(), s.authority.len()), ("NOERROR", 0, 1));
}

#[test]
fn rfc1035_3_3_9_additional_addresses_for_mx_and_ns() {
    let s = summary(&ask(&two(), &q("example.com.", T::MX)));
    assert_eq!(s.additional, ["mail.example.com. 3600 IN A 192.0.2.25"]);
    let s = summary(&ask(&two(), &q("example.com.", T::NS)));
    assert_eq!(
        s.additional,
        ["ns1.example.com. 3600 IN A 192.0.2.1", "ns1.example.com. 3600 IN AAAA 2001:db8::1"]
    );
}

#[test]
fn rfc1035_4_3_1_refused_outside_our_zones_rd_copied_ra_clear() {
    let s = summary(&ask(&two(), &q("www.example.org.", T::A)));
    assert_eq!((s.rcode.as_str(), s.flags.as_str()), ("REFUSED", "qr rd"));
    let mut query = q("www.example.org.", T::A);
    query.rd = false;
    assert_eq!(summary(&ask(&two(), &query)).flags, "qr");
    // Class CH (version.bind): no zone, REFUSED.
    let mut ch = q("version.bind.", T::TXT);
    ch.qclass = Class::CH;
    assert_eq!(summary(&ask(&two(), &ch)).rcode, "REFUSED");
}

#[test]
fn rfc1035_4_1_1_notimp_for_other_opcodes() {
    let mut query = q("www.example.com.", T::A);
    query.opcode = Opcode::UPDATE;
    let r = ask(&two(), &query);
    let m = Message::new_checked(&r[..]).unwrap();
    assert_eq!((m.rcode().to_string().as_str(), m.opcode()), ("NOTIMP", Opcode::UPDATE));
    query.opcode = Opcode::NOTIFY;
    assert_eq!(summary(&ask(&two(), &query)).rcode, "NOTIMP");
}

#[test]
fn rfc1035_4_1_1_formerr_and_dropped_messages() {
    let auth = two();
    let mut s = Server::new(ServerConfig::default());
    // QDCOUNT 0.
    let mut none = q("www.example.com.", T::A).bytes();
    none.truncate(12);
    none[5] = 0;
    let r = ask_with(&mut s, &auth, &none, Transport::Udp).unwrap();
    assert_eq!(summary(&r).rcode, "FORMERR");
    // QDCOUNT 2 with one question: unparseable, FORMERR with the header only.
    let mut two_q = q("www.example.com.", T::A).bytes();
    two_q[5] = 2;
    let r = ask_with(&mut s, &auth, &two_q, Transport::Udp).unwrap();
    assert_eq!((r.len(), r[3] & 0xF), (12, 1));
    assert_eq!(&r[..2], &two_q[..2]);
    // A response sent to us: no answer. Fewer than 12 bytes: no answer.
    let mut resp = q("www.example.com.", T::A).bytes();
    resp[2] |= 0x80;
    assert_eq!(ask_with(&mut s, &auth, &resp, Transport::Udp), None);
    assert_eq!(ask_with(&mut s, &auth, &resp[..11], Transport::Udp), None);
    let c = s.counters();
    assert_eq!((c.formerr, c.dropped_responses, c.dropped_short), (2, 1, 1));
}

#[test]
fn rfc6891_6_1_1_two_opt_records_formerr() {
    let mut query = q("www.example.com.", T::A).edns(1232, 0, false).bytes();
    let opt = query[query.len() - 11..].to_vec();
    query.extend_from_slice(&opt);
    query[11] = 2;
    let mut s = Server::new(ServerConfig::default());
    let r = ask_with(&mut s, &two(), &query, Transport::Udp).unwrap();
    assert_eq!(summary(&r).rcode, "FORMERR");
}

#[test]
fn rfc6891_7_opt_echoed_with_our_size_and_do_bit() {
    let r = ask(&two(), &q("www.example.com.", T::A).edns(4096, 0, true));
    let m = Message::new_checked(&r[..]).unwrap();
    let e = m.edns().unwrap();
    assert_eq!((e.udp_payload_size, e.version), (1232, 0));
    assert!(e.flags.contains(unet_dns::EdnsFlags::DO));
    let r = ask(&two(), &q("www.example.com.", T::A).edns(4096, 0, false));
    let m = Message::new_checked(&r[..]).unwrap();
    let e = m.edns().unwrap();
    assert!(!e.flags.contains(unet_dns::EdnsFlags::DO));
    // No OPT in the query: none in the response (RFC 6891 §7).
    let r = ask(&two(), &q("www.example.com.", T::A));
    assert!(Message::new_checked(&r[..]).unwrap().edns().is_none());
}

#[test]
fn rfc6891_6_1_3_badvers_for_version_1() {
    let r = ask(&two(), &q("www.example.com.", T::A).edns(1232, 1, false));
    let m = Message::new_checked(&r[..]).unwrap();
    assert_eq!(m.rcode().to_string(), "BADVERS");
    assert_eq!(m.edns().unwrap().version, 0);
    assert_eq!(m.answers().count(), 0);
}

#[test]
fn rfc2181_9_udp_truncation_without_partial_rrsets() {
    // `big` is ~800 bytes: over 512 without EDNS, TC with the question only.
    let r = ask(&two(), &q("big.example.com.", T::TXT));
    assert!(r.len() <= 512);
    let s = summary(&r);
    assert_eq!((s.flags.as_str(), s.answer.len()), ("qr aa tc rd", 0));
    // With EDNS 1232 it fits.
    let r = ask(&two(), &q("big.example.com.", T::TXT).edns(1232, 0, false));
    let s = summary(&r);
    assert_eq!((s.flags.as_str(), s.answer.len()), ("qr aa rd", 3));
    // An advertised size under 512 counts as 512 (RFC 6891 §6.2.5).
    let r = ask(&two(), &q("big.example.com.", T::TXT).edns(100, 0, false));
    assert!(r.len() <= 512 && summary(&r).flags.contains("tc"));
    // Over TCP: whole.
    let mut s = Server::new(ServerConfig::default());
    let r =
        ask_with(&mut s, &two(), &q("big.example.com.", T::TXT).bytes(), Transport::Tcp).unwrap();
    assert_eq!(summary(&r).answer.len(), 3);
}

#[test]
fn rfc8482_4_2_any_one_rrset_over_udp_all_over_tcp() {
    let s = summary(&ask(&two(), &q("ns1.example.com.", T::ANY)));
    assert_eq!(s.answer, ["ns1.example.com. 3600 IN A 192.0.2.1"]);
    let mut server = Server::new(ServerConfig::default());
    let r = ask_with(&mut server, &two(), &q("ns1.example.com.", T::ANY).bytes(), Transport::Tcp)
        .unwrap();
    assert_eq!(summary(&r).answer.len(), 2);
}

#[test]
fn rfc4343_query_case_preserved_in_answer() {
    let r = ask(&two(), &q("wWw.ExAmple.COM.", T::A));
    let s = summary(&r);
    assert_eq!(s.answer[0], "wWw.ExAmple.COM. 3600 IN A 192.0.2.80");
    let m = Message::new_checked(&r[..]).unwrap();
    assert_eq!(m.questions().next().unwrap().unwrap().name.to_string(), "wWw.ExAmple.COM.");
}

#[test]
fn rfc5936_axfr_over_udp_formerr_over_tcp_refused_ixfr_udp_soa() {
    let r = ask(&two(), &q("example.com.", T::AXFR));
    assert_eq!(summary(&r).rcode, "FORMERR");
    let mut s = Server::new(ServerConfig::default());
    let r = ask_with(&mut s, &two(), &q("example.com.", T::AXFR).bytes(), Transport::Tcp).unwrap();
    assert_eq!(summary(&r).rcode, "REFUSED");
    let r = ask(&two(), &q("example.com.", T::IXFR));
    let s = summary(&r);
    assert_eq!(s.answer.len(), 1);
    assert!(s.answer[0].contains(" SOA "));
}

#[test]
fn responses_keep_id_opcode_question() {
    let query = Q { id: 0xBEEF, ..q("mail.example.com.", T::A) };
    let r = ask(&two(), &query);
    let m = Message::new_checked(&r[..]).unwrap();
    assert_eq!(m.id(), 0xBEEF);
    assert_eq!(m.questions().count(), 1);
}
