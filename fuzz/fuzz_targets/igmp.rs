//! IGMP: the message view, the `Repr` and the group record walk must never panic; whatever
//! parses must re-emit, verify, and parse back equal (reserved bytes come back as zero).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_ipv4::igmp::{code, GroupRecord, Packet, Repr};
use unet_ipv4::Checks;

fuzz_target!(|data: &[u8]| {
    if let Some(&c) = data.first() {
        assert!(code::decode(code::encode(code::decode(c))) == code::decode(c));
    }

    let Ok(packet) = Packet::new_checked(data) else { return };
    let _ = (packet.msg_type(), packet.max_resp_code(), packet.checksum(), packet.group_addr());
    let _ = (packet.s_flag(), packet.qrv(), packet.qqic(), packet.num_sources());
    let _ = (packet.query_sources(), packet.num_group_records(), packet.group_records());

    let Ok(repr) = Repr::parse_with(&packet, Checks::OFFLOADED) else { return };
    let _ = format!("{repr} {repr:#}");
    let _ = (repr.max_resp_time(), repr.sources().count());
    for record in repr.group_records() {
        let record: GroupRecord<'_> = record.expect("parse accepted a bad record");
        let mut out = vec![0u8; record.buffer_len()];
        assert_eq!(record.emit(&mut out), Ok(out.len()));
        assert_eq!(GroupRecord::parse(&out), Ok((record, out.len())));
    }

    let mut out = vec![0xa5u8; repr.buffer_len()];
    repr.emit(&mut Packet::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    let again = Packet::new_checked(&out[..]).expect("re-check");
    assert!(again.verify_checksum());
    assert_eq!(Repr::parse(&again), Ok(repr));
});
