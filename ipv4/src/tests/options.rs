extern crate std;
use std::string::ToString;
use std::vec;
use std::vec::Vec;

use core::net::Ipv4Addr;

use proptest::prelude::*;
use unet_core::WireError;

use crate::options::{
    Ipv4Option, OptionType, Options, OptionsBuilder, TimestampEntry, TimestampFlag,
};

fn all(bytes: &[u8]) -> Vec<Result<Ipv4Option<'_>, WireError>> {
    Options::new(bytes).collect()
}

#[test]
fn rfc791_3_1_end_of_list_ends_the_walk() {
    // NOP, EOL, then padding that would be a bad option if read.
    assert_eq!(all(&[1, 0, 7, 0]), vec![Ok(Ipv4Option::Nop), Ok(Ipv4Option::EndOfList)]);
    assert_eq!(all(&[]), vec![]);
}

#[test]
fn rfc791_3_1_record_route() {
    // Record Route with three slots, one filled: pointer 8 points at the second slot.
    let bytes = [7, 15, 8, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let o = all(&bytes);
    let Ok(rr @ Ipv4Option::RecordRoute { pointer: 8, route }) = o[0] else { panic!("{o:?}") };
    assert_eq!(route.len(), 12);
    let addrs: Vec<Ipv4Addr> = rr.route_addresses().collect();
    assert_eq!(
        addrs,
        vec![Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED]
    );
    assert_eq!(o[1], Ok(Ipv4Option::EndOfList));
    assert_eq!(rr.to_string(), "RR ptr 8");
    assert_eq!(std::format!("{rr:#}"), "RR ptr 8 192.0.2.1 0.0.0.0 0.0.0.0");
}

#[test]
fn rfc791_3_1_source_routes() {
    let lsrr = [131, 7, 4, 198, 51, 100, 1, 1];
    let ssrr = [137, 7, 4, 203, 0, 113, 9, 0];
    let Ok(Ipv4Option::LooseSourceRoute { pointer: 4, route }) = all(&lsrr)[0] else { panic!() };
    assert_eq!(route, &[198, 51, 100, 1]);
    let Ok(o @ Ipv4Option::StrictSourceRoute { .. }) = all(&ssrr)[0] else { panic!() };
    assert_eq!(o.route_addresses().next(), Some(Ipv4Addr::new(203, 0, 113, 9)));
    assert!(OptionType::LOOSE_SOURCE_ROUTE.copied());
}

#[test]
fn rfc791_3_1_route_pointer_below_four_is_bad() {
    assert_eq!(all(&[7, 7, 3, 0, 0, 0, 0, 0]), vec![Err(WireError::BadOption)]);
    // Length 2: no room for the pointer.
    assert_eq!(all(&[131, 2, 0, 0]), vec![Err(WireError::BadOption)]);
}

#[test]
fn rfc791_3_1_timestamp_flag_variants() {
    // Flag 0: timestamps only; overflow 3.
    let ts = [68, 12, 9, 0x30, 0, 0, 0, 1, 0, 0, 0, 0];
    let Ok(o @ Ipv4Option::Timestamp { pointer: 9, overflow: 3, flag, .. }) = all(&ts)[0] else {
        panic!()
    };
    assert_eq!(flag, TimestampFlag::TIMESTAMPS_ONLY);
    let entries: Vec<TimestampEntry> = o.timestamps().collect();
    assert_eq!(entries[0], TimestampEntry { addr: None, timestamp: 1 });
    assert_eq!(entries.len(), 2);
    // Flag 1: address and timestamp pairs.
    let ts = [68, 12, 13, 0x01, 192, 0, 2, 1, 0, 0, 0x03, 0xe8];
    let Ok(o) = all(&ts)[0] else { panic!() };
    assert_eq!(
        o.timestamps().collect::<Vec<_>>(),
        vec![TimestampEntry { addr: Some(Ipv4Addr::new(192, 0, 2, 1)), timestamp: 1000 }]
    );
    assert_eq!(std::format!("{o:#}"), "TS ptr 13 oflw 0 flag 1 192.0.2.1@1000");
    // Flag 3: prespecified addresses.
    let ts = [68, 12, 5, 0x03, 192, 0, 2, 1, 0, 0, 0, 0];
    let Ok(Ipv4Option::Timestamp { flag, .. }) = all(&ts)[0] else { panic!() };
    assert_eq!(flag, TimestampFlag::PRESPECIFIED);
}

#[test]
fn rfc791_3_1_timestamp_bad_pointer_or_flag() {
    assert_eq!(all(&[68, 8, 4, 0, 0, 0, 0, 0]), vec![Err(WireError::BadOption)]);
    assert_eq!(all(&[68, 8, 5, 2, 0, 0, 0, 0]), vec![Err(WireError::BadOption)]);
    assert_eq!(all(&[68, 3, 5, 0]), vec![Err(WireError::BadOption)]);
}

#[test]
fn rfc1108_security_options() {
    // Basic Security: classification UNCLASSIFIED (0xab), authority GENSER (0x80).
    let Ok(o) = all(&[130, 4, 0xab, 0x80])[0] else { panic!() };
    assert_eq!(o, Ipv4Option::Security { classification: 0xab, authority: &[0x80] });
    assert_eq!(all(&[130, 2, 0, 0]), vec![Err(WireError::BadOption)]);
    let Ok(o) = all(&[133, 4, 1, 0x55])[0] else { panic!() };
    assert_eq!(o, Ipv4Option::ExtendedSecurity { format: 1, info: &[0x55] });
}

#[test]
fn rfc791_stream_id_and_rfc2113_router_alert_are_four_bytes() {
    assert_eq!(all(&[136, 4, 0x12, 0x34]), vec![Ok(Ipv4Option::StreamId(0x1234))]);
    assert_eq!(all(&[148, 4, 0, 0]), vec![Ok(Ipv4Option::RouterAlert(0))]);
    assert_eq!(all(&[136, 5, 0, 0, 0, 0, 0, 0]), vec![Err(WireError::BadOption)]);
    assert_eq!(all(&[148, 3, 0, 0]), vec![Err(WireError::BadOption)]);
}

#[test]
fn rfc791_3_1_unknown_options_preserved() {
    let bytes = [25, 3, 9, 1];
    let Ok(o) = all(&bytes)[0] else { panic!() };
    assert_eq!(o, Ipv4Option::Unknown { kind: OptionType(25), data: &[9] });
    let mut out = [0u8; 3];
    assert_eq!(o.emit(&mut out), Ok(3));
    assert_eq!(out, [25, 3, 9]);
    assert_eq!(o.to_string(), "opt-25 len 3");
}

#[test]
fn rfc791_3_1_bad_lengths_are_bad_options() {
    assert_eq!(all(&[25]), vec![Err(WireError::BadOption)]);
    assert_eq!(all(&[25, 0, 0, 0]), vec![Err(WireError::BadOption)]);
    assert_eq!(all(&[25, 1, 0, 0]), vec![Err(WireError::BadOption)]);
    assert_eq!(all(&[25, 9, 0, 0]), vec![Err(WireError::BadOption)]);
    assert_eq!(Options::check(&[1, 25, 9, 0]), Err(WireError::BadOption));
}

#[test]
fn builder_pads_and_respects_forty_bytes() {
    let mut buf = [0xaa; 64];
    let mut b = OptionsBuilder::new(&mut buf);
    b.nop().unwrap().router_alert().unwrap();
    assert_eq!(b.len(), 5);
    assert_eq!(b.finish(), &[1, 148, 4, 0, 0, 0, 0, 0]);

    let mut buf = [0; 64];
    let mut b = OptionsBuilder::new(&mut buf);
    let route = [0u8; 36];
    b.push(&Ipv4Option::RecordRoute { pointer: 4, route: &route }).unwrap();
    // 39 bytes and one NOP are exactly 40; a second NOP would need 44 with padding.
    assert!(b.nop().is_ok());
    assert_eq!(b.nop().err(), Some(WireError::BufferTooSmall));
    assert_eq!(b.finish().len(), 40);

    let mut small = [0; 3];
    let mut b = OptionsBuilder::new(&mut small);
    assert!(b.router_alert().is_err());
    assert!(b.is_empty());
    assert_eq!(b.finish(), &[] as &[u8]);
}

proptest! {
    #[test]
    fn walk_never_panics_and_items_reemit_their_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
        let mut at = 0;
        for item in Options::new(&bytes) {
            let Ok(o) = item else { break };
            let mut out = vec![0u8; o.buffer_len()];
            prop_assert_eq!(o.emit(&mut out), Ok(out.len()));
            prop_assert_eq!(&out[..], &bytes[at..at + out.len()]);
            prop_assert_eq!(Ipv4Option::parse(&out), Ok((o, out.len())));
            let _ = (o.to_string(), std::format!("{o:#}"));
            at += out.len();
        }
    }
}
