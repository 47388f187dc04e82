//! DNS: a message view over any bytes must never panic (accessors, iterators, Display);
//! whatever parses must re-emit through `MessageBuilder` with recompression into a message
//! that parses and compares equal, and a second re-emit must be byte-identical. Names and
//! standalone RDATA of every type go through the same checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_dns::{Message, Name, NameBuf, RData, RecordType, Section};

fuzz_target!(|data: &[u8]| {
    // The unchecked view: accessors, iterators and Display are bounds-safe.
    let unchecked = Message::new_unchecked(data);
    let _ = (unchecked.id(), unchecked.flags(), unchecked.rcode(), unchecked.edns());
    let _ = unchecked.questions().count();
    for s in [Section::Answer, Section::Authority, Section::Additional] {
        let _ = unchecked.section(s).count();
    }
    let _ = format!("{unchecked} {unchecked:#}");

    if let Ok(msg) = Message::new_checked(data) {
        assert!(msg.questions().all(|q| q.is_ok()));
        for s in [Section::Answer, Section::Authority, Section::Additional] {
            for r in msg.section(s) {
                let r = r.expect("checked message yields no error");
                let _ = format!("{r}");
            }
        }
        let mut out = vec![0u8; 65535];
        let len = msg.reemit(&mut out).expect("a parsed message re-emits");
        let again = Message::new_checked(&out[..len]).expect("re-emitted message parses");
        assert!(again == msg);
        let mut third = vec![0u8; 65535];
        let len3 = again.reemit(&mut third).expect("re-emits again");
        assert_eq!(&third[..len3], &out[..len]);
    }

    // A name at every offset: parse, print, read back from presentation format.
    for pos in 0..data.len().min(64) {
        if let Ok((name, _)) = Name::parse(data, pos) {
            let shown = name.to_string();
            let back: NameBuf = shown.parse().expect("printed names read back");
            assert!(back == name);
        }
    }

    // Standalone RDATA of the type named by the first two bytes.
    if let [t0, t1, rest @ ..] = data {
        let rtype = RecordType(u16::from_be_bytes([*t0, *t1]));
        if let Ok(rdata) = RData::from_wire(rtype, rest) {
            let _ = format!("{rdata}");
            assert_eq!(rdata.rtype(), rtype);
        }
    }
});
