//! Every DNS message of the bundled captures (extracted by `scripts/extract_corpus.py`)
//! parses completely with every record typed, prints, and survives a re-emit with
//! recompression.

use unet_dns::{Error, Message, RData, Section};

const CORPUS: &[(&str, &str)] = &[
    ("dns_udp", include_str!("corpus/tcpdump-dns_udp.hex")),
    ("dns_udp_2", include_str!("corpus/tcpdump-dns_udp_2.hex")),
    ("dns_tcp", include_str!("corpus/tcpdump-dns_tcp.hex")),
    ("dnssec", include_str!("corpus/tcpdump-dnssec.hex")),
    ("edns-opts", include_str!("corpus/tcpdump-edns-opts.hex")),
    ("dns-uri", include_str!("corpus/tcpdump-dns-uri.hex")),
];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// Complete messages: (capture, index, bytes).
pub fn messages() -> impl Iterator<Item = (&'static str, usize, Vec<u8>)> {
    all().filter(|m| !m.2).map(|(f, i, _, b)| (f, i, b))
}

/// Every message: (capture, index, cut short by the snap length, bytes).
fn all() -> impl Iterator<Item = (&'static str, usize, bool, Vec<u8>)> {
    CORPUS.iter().flat_map(|(name, text)| {
        text.lines().enumerate().map(move |(i, l)| match l.trim().strip_prefix("truncated ") {
            Some(hex) => (*name, i, true, unhex(hex)),
            None => (*name, i, false, unhex(l.trim())),
        })
    })
}

#[test]
fn corpus_messages_cut_by_the_snap_length_are_truncated_errors() {
    let mut count = 0;
    for (file, i, cut, bytes) in all() {
        if cut {
            let msg = Message::new_unchecked(&bytes[..]);
            assert_eq!(msg.check(), Err(Error::Truncated), "{file} #{i}");
            // What arrived before the cut still reads, and printing shows the error.
            assert!(msg.questions().all(|q| q.is_ok()));
            assert!(format!("{msg:#}").contains("malformed: truncated"));
            count += 1;
        }
    }
    assert_eq!(count, 1);
}

#[test]
fn corpus_messages_parse_with_every_record_typed() {
    let mut count = 0;
    for (file, i, bytes) in messages() {
        let msg = Message::new_checked(&bytes[..]).unwrap_or_else(|e| panic!("{file} #{i}: {e}"));
        for s in [Section::Answer, Section::Authority, Section::Additional] {
            for r in msg.section(s) {
                let r = r.unwrap();
                assert!(!matches!(r.data, RData::Unknown { .. }), "{file} #{i}: untyped {r}");
            }
        }
        let _ = format!("{msg} {msg:#}");
        count += 1;
    }
    assert_eq!(count, 57);
}

#[test]
fn corpus_messages_reemit_equal_after_recompression() {
    for (file, i, bytes) in messages() {
        let msg = Message::new_checked(&bytes[..]).unwrap();
        let mut out = [0u8; 65535];
        let len = msg.reemit(&mut out).unwrap_or_else(|e| panic!("{file} #{i}: {e}"));
        let again = Message::new_checked(&out[..len]).unwrap();
        assert_eq!(msg, again, "{file} #{i}");
        // Compression never does worse than the sender's on these captures.
        assert!(len <= bytes.len(), "{file} #{i}: {len} > {}", bytes.len());
    }
}

#[test]
fn corpus_print() {
    for (file, i, bytes) in messages() {
        let msg = Message::new_checked(&bytes[..]).unwrap();
        println!("{file} #{i}: {msg}\n{msg:#}\n");
    }
}
