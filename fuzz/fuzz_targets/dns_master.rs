//! DNS master files: any text into `MasterReader` never panics; every entry's RDATA decodes
//! with `RData::from_wire`, and the entry printed in dig's form reads back to the same
//! owner, TTL, class, type and RDATA bytes. Error messages format without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_dns::master::MasterReader;
use unet_dns::{NameBuf, RData};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let origin: NameBuf = "example.com.".parse().unwrap();
    let mut reader = MasterReader::new(&text, &origin);
    let mut buf = vec![0u8; 65535];
    let mut again_buf = vec![0u8; 65535];
    // Each call consumes at least one line or reports an error for it: bounded by the text.
    for _ in 0..=text.len() {
        let Some(r) = reader.next_entry(&mut buf) else { break };
        let (e, _) = match r {
            Ok(e) => e,
            Err(err) => {
                let _ = err.to_string();
                continue;
            }
        };
        let rdata = RData::from_wire(e.rtype, e.rdata).expect("an entry's RDATA decodes");
        let line = format!("{} {} {} {} {rdata}", e.owner, e.ttl, e.class, e.rtype);
        let root = NameBuf::root();
        let mut again = MasterReader::new(&line, &root);
        let (back, n) = again
            .next_entry(&mut again_buf)
            .expect("one entry")
            .unwrap_or_else(|err| panic!("{line}: {err}"));
        assert_eq!(n, 1);
        assert_eq!(back.owner.as_wire(), e.owner.as_wire(), "{line}");
        assert_eq!((back.ttl, back.class, back.rtype), (e.ttl, e.class, e.rtype), "{line}");
        assert_eq!(back.rdata, e.rdata, "{line}");
    }
});
