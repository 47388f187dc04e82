//! Differential test: hickory-proto and unet-dns read the corpus messages alike — header
//! fields, section sizes, record owners, types, classes, TTLs and, where both print it the
//! same way, RDATA.

// Links the std critical-section implementation that no_std hickory needs.
use critical_section as _;
use hickory_proto::op::Message as HMessage;
use hickory_proto::serialize::binary::BinDecodable;
use unet_dns::{Flags, Message, RData, Section};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

const CORPUS: &[&str] = &[
    include_str!("corpus/tcpdump-dns_udp.hex"),
    include_str!("corpus/tcpdump-dns_udp_2.hex"),
    include_str!("corpus/tcpdump-dns_tcp.hex"),
    include_str!("corpus/tcpdump-dnssec.hex"),
    include_str!("corpus/tcpdump-edns-opts.hex"),
    include_str!("corpus/tcpdump-dns-uri.hex"),
];

#[test]
fn corpus_agrees_with_hickory_proto() {
    let mut compared = 0;
    for line in CORPUS.iter().flat_map(|c| c.lines()).filter(|l| !l.starts_with("truncated")) {
        let bytes = unhex(line.trim());
        let ours = Message::new_checked(&bytes[..]).unwrap();
        let theirs = HMessage::from_bytes(&bytes).unwrap();
        let md = &theirs.metadata;
        let flags = ours.flags();
        assert_eq!(ours.id(), md.id);
        assert_eq!(u8::from(md.op_code), ours.opcode().0);
        assert_eq!(md.authoritative, flags.contains(Flags::AA));
        assert_eq!(md.truncation, flags.contains(Flags::TC));
        assert_eq!(md.recursion_desired, flags.contains(Flags::RD));
        assert_eq!(md.recursion_available, flags.contains(Flags::RA));
        assert_eq!(theirs.queries.len(), ours.questions().count());
        for (q, hq) in ours.questions().zip(&theirs.queries) {
            let q = q.unwrap();
            assert_eq!(q.name.to_string(), hq.name().to_string());
            assert_eq!(q.qtype.0, u16::from(hq.query_type()));
            assert_eq!(q.qclass.0, u16::from(hq.query_class()));
        }
        let sections =
            [(Section::Answer, &theirs.answers), (Section::Authority, &theirs.authorities)];
        for (s, hrecords) in sections {
            assert_eq!(ours.section(s).count(), hrecords.len());
            for (r, hr) in ours.section(s).zip(hrecords) {
                let r = r.unwrap();
                assert_eq!(r.name.to_string(), hr.name.to_string());
                assert_eq!(r.rtype().0, u16::from(hr.record_type()));
                assert_eq!(r.ttl, hr.ttl);
                if let RData::A(_)
                | RData::Aaaa(_)
                | RData::Ns(_)
                | RData::Cname(_)
                | RData::Mx(_) = r.data
                {
                    assert_eq!(r.data.to_string(), hr.data.to_string());
                }
            }
        }
        // hickory moves the OPT record out of the additional section.
        let ours_additional = ours.additionals().filter(|r| r.unwrap().edns().is_none()).count();
        assert_eq!(ours_additional, theirs.additionals.len());
        if let (Some(e), Some(he)) = (ours.edns(), &theirs.edns) {
            // hickory applies RFC 6891 §6.2.5 (below 512 counts as 512); unet keeps the field.
            assert_eq!(e.udp_payload_size.max(512), he.max_payload());
            assert_eq!(e.version, he.version());
            assert_eq!(e.flags.contains(unet_dns::EdnsFlags::DO), he.flags().dnssec_ok);
        }
        compared += 1;
    }
    assert_eq!(compared, 57);
}
