use super::*;
extern crate std;
use proptest::prelude::*;
use std::vec::Vec;
use unet_ipv4::options::Options;

const SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 99);
const OUR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const NOW: Instant = Instant::from_millis(1234);
const G1: [u8; 4] = [198, 51, 100, 1];
const G2: [u8; 4] = [198, 51, 100, 2];

fn reply(options: &[u8]) -> Result<ReplyOptions, OptionError> {
    reply_options(options, SRC, OUR, NOW)
}

fn ts() -> [u8; 4] {
    timestamp(NOW).to_be_bytes()
}

#[test]
fn rfc791_nonstandard_timestamp_has_the_high_bit_set() {
    assert_eq!(timestamp(NOW), 0x8000_0000 | 1234);
    assert_eq!(timestamp(Instant::from_millis(0x8000_0001)), 0x8000_0001, "wraps at 2^31");
}

#[test]
fn rfc1122_3_2_2_6_record_route_gets_our_address_in_the_next_slot() {
    // NOP, RR with 3 slots, the first taken by the requester's hop.
    let mut o = [1, 7, 15, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    o[4..8].copy_from_slice(&G1);
    let r = reply(&o).unwrap();
    let mut want = [7, 15, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    want[3..7].copy_from_slice(&G1);
    want[7..11].copy_from_slice(&OUR.octets());
    assert_eq!(r.as_slice(), &want, "NOP dropped, padded with End of List");
    assert_eq!(r.first_hop, None);
}

#[test]
fn rfc791_record_route_full_is_reflected_unchanged() {
    let mut o = [7, 7, 8, 0, 0, 0, 0, 0];
    o[3..7].copy_from_slice(&G1);
    assert_eq!(reply(&o).unwrap().as_slice(), &o);
}

#[test]
fn rfc791_record_route_with_room_for_part_of_an_address_is_in_error() {
    // Length 9: one slot and one spare octet; pointer at the spare octet.
    let o = [7, 9, 8, 1, 2, 3, 4, 0, 0, 0, 0, 0];
    assert_eq!(reply(&o), Err(OptionError::Problem { pointer: 22 }));
}

#[test]
fn rfc791_timestamp_flag_0_adds_our_timestamp() {
    let o = [68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let r = reply(&o).unwrap();
    let mut want = [68, 12, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    want[4..8].copy_from_slice(&ts());
    assert_eq!(r.as_slice(), &want);
}

#[test]
fn rfc791_timestamp_flag_1_adds_our_address_and_timestamp() {
    let o = [68, 12, 5, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let r = reply(&o).unwrap();
    let mut want = [68, 12, 13, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    want[4..8].copy_from_slice(&OUR.octets());
    want[8..12].copy_from_slice(&ts());
    assert_eq!(r.as_slice(), &want);
    let entries: Vec<_> =
        Options::new(r.as_slice()).next().unwrap().unwrap().timestamps().collect();
    assert_eq!(entries[0].addr, Some(OUR));
    assert_eq!(entries[0].timestamp >> 31, 1);
}

#[test]
fn rfc791_timestamp_flag_3_stamps_only_when_our_address_is_next() {
    // Two prespecified entries: G1 first, then us.
    let mut o = [68, 20, 5, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    o[4..8].copy_from_slice(&G1);
    o[12..16].copy_from_slice(&OUR.octets());
    assert_eq!(reply(&o).unwrap().as_slice(), &o, "G1 is next: nothing to do");
    o[2] = 13;
    let r = reply(&o).unwrap();
    let mut want = o;
    want[2] = 21;
    want[16..20].copy_from_slice(&ts());
    assert_eq!(r.as_slice(), &want);
}

#[test]
fn rfc791_timestamp_full_increments_the_overflow_count() {
    let o = [68, 8, 9, 0x20, 1, 2, 3, 4];
    let r = reply(&o).unwrap();
    assert_eq!(r.as_slice(), &[68, 8, 9, 0x30, 1, 2, 3, 4]);
}

#[test]
fn rfc791_timestamp_overflow_count_overflowing_is_in_error() {
    let o = [1, 68, 8, 9, 0xf0, 1, 2, 3, 4, 0, 0, 0];
    // The overflow/flag octet: header 20 + NOP 1 + 3.
    assert_eq!(reply(&o), Err(OptionError::Problem { pointer: 24 }));
}

#[test]
fn rfc791_timestamp_with_room_for_part_of_an_entry_is_in_error() {
    // Flag 1 needs 8 octets; only 4 are left.
    let o = [68, 8, 5, 1, 0, 0, 0, 0];
    assert_eq!(reply(&o), Err(OptionError::Problem { pointer: 22 }));
}

#[test]
fn rfc1122_3_2_1_8_completed_source_route_is_reversed() {
    // Received at us: {G1, G2 >>} from SRC. Reply: to G2, route {>> G1, SRC}.
    for (kind, strict) in [(131u8, false), (137, true)] {
        let mut o = [kind, 11, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        o[3..7].copy_from_slice(&G1);
        o[7..11].copy_from_slice(&G2);
        let r = reply(&o).unwrap();
        assert_eq!(r.first_hop, Some((Ipv4Addr::from(G2), strict)));
        let mut want = [kind, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        want[3..7].copy_from_slice(&G1);
        want[7..11].copy_from_slice(&SRC.octets());
        assert_eq!(r.as_slice(), &want);
    }
}

#[test]
fn rfc1122_3_2_1_8_case_b_route_starting_with_the_source_is_formed_correctly() {
    // {SRC, G1, G2 >>}: the same reply as case A, one slot shorter.
    let mut o = [131, 15, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    o[3..7].copy_from_slice(&SRC.octets());
    o[7..11].copy_from_slice(&G1);
    o[11..15].copy_from_slice(&G2);
    let r = reply(&o).unwrap();
    assert_eq!(r.first_hop, Some((Ipv4Addr::from(G2), false)));
    let mut want = [131, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    want[3..7].copy_from_slice(&G1);
    want[7..11].copy_from_slice(&SRC.octets());
    assert_eq!(r.as_slice(), &want);
    // A route of the source alone: the reply goes straight back, without a route.
    let mut o = [131, 7, 8, 0, 0, 0, 0, 0];
    o[3..7].copy_from_slice(&SRC.octets());
    let r = reply(&o).unwrap();
    assert_eq!((r.first_hop, r.as_slice()), (None, &[][..]));
}

#[test]
fn rfc1122_3_3_5_incomplete_source_route_is_not_reflected() {
    let mut o = [131, 11, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    o[3..7].copy_from_slice(&G1);
    assert_eq!(reply(&o), Err(OptionError::SourceRouteIncomplete));
}

#[test]
fn rfc1122_3_2_2_6_other_options_are_not_reflected() {
    // Router Alert, NOP, an unknown option, Stream ID.
    let o = [148, 4, 0, 0, 1, 30, 3, 9, 136, 4, 0, 7];
    assert_eq!(reply(&o).unwrap().as_slice(), &[][..]);
}

#[test]
fn rfc1122_3_2_2_6_record_route_and_timestamp_together_keep_their_order() {
    let o = [68, 8, 5, 0, 0, 0, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0];
    let r = reply(&o).unwrap();
    let kinds: Vec<_> = Options::new(r.as_slice()).map(|o| o.unwrap().kind().0).collect();
    assert_eq!(kinds, [68, 7, 0]);
}

/// Raw options built from (type, data length, pointer, overflow/flag, fill) tuples.
fn raw_options(parts: &[(u8, u8, u8, u8, u8)]) -> Vec<u8> {
    const KINDS: [u8; 7] = [7, 68, 131, 137, 148, 1, 30];
    let mut out = Vec::new();
    for &(k, len, pointer, oflw, fill) in parts {
        let kind = KINDS[usize::from(k) % KINDS.len()];
        let mut o = std::vec![kind];
        if kind != 1 {
            let data_len = usize::from(len % 12);
            o.push(0);
            match kind {
                7 | 131 | 137 => o.push(pointer % 20),
                68 => o.extend([pointer % 24, oflw & 0xf3]),
                148 => o.extend([0, 0]),
                _ => {}
            }
            if kind != 148 {
                o.extend(std::iter::repeat_n(fill, data_len));
            }
            o[1] = o.len() as u8;
        }
        out.extend(o);
    }
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}

proptest! {
    /// Whatever valid options arrive, the reply's are a valid, padded options field no
    /// longer than the request's.
    #[test]
    fn reply_options_are_well_formed(
        parts in proptest::collection::vec(any::<(u8, u8, u8, u8, u8)>(), 0..5),
        src in any::<[u8; 4]>(),
    ) {
        let field = raw_options(&parts);
        prop_assume!(field.len() <= 40 && Options::check(&field).is_ok());
        let _ = reply_options(&field, Ipv4Addr::from(src), OUR, NOW);
        if let Ok(r) = reply(&field) {
            prop_assert!(r.as_slice().len() <= field.len());
            prop_assert!(r.as_slice().len().is_multiple_of(4));
            prop_assert!(Options::check(r.as_slice()).is_ok());
        }
    }
}
