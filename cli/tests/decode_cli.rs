//! `unet decode` as a process, on every capture of the corpus and on broken files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/pcap");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pcap"))
        .collect();
    files.sort();
    files
}

fn unet(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unet")).arg("decode").args(args).arg(file).output().unwrap()
}

fn frames_in(file: &Path) -> usize {
    unet::pcap::CaptureReader::open(file).unwrap().count()
}

#[test]
fn decodes_every_corpus_file_one_line_per_frame() {
    let files = corpus();
    assert!(files.len() >= 20);
    for file in &files {
        let out = unet(&[], file);
        assert!(out.status.success(), "{file:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stderr.is_empty());
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), frames_in(file), "{file:?}");
        for (i, line) in lines.iter().enumerate() {
            let mut words = line.split(' ');
            assert_eq!(words.next(), Some((i + 1).to_string().as_str()), "{line}");
            let ts = words.next().unwrap();
            let (secs, frac) = ts.split_once('.').unwrap();
            assert!(secs.parse::<u64>().is_ok() && matches!(frac.len(), 6 | 9), "{line}");
        }
    }
}

#[test]
fn verbose_prints_every_layer_indented() {
    for file in corpus() {
        let out = unet(&["-v"], &file);
        assert!(out.status.success(), "{file:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let plain = String::from_utf8(unet(&[], &file).stdout).unwrap();
        // The plain lines are all there, with indented detail after each.
        let unindented: Vec<&str> = text.lines().filter(|l| !l.starts_with("    ")).collect();
        assert_eq!(unindented, plain.lines().collect::<Vec<_>>());
        assert!(text.lines().count() > 2 * unindented.len(), "{file:?}");
    }
}

#[test]
fn nanosecond_capture_prints_nine_digits() {
    let file = corpus().into_iter().find(|f| f.ends_with("tcpdump-tcp-handshake-nano.pcap"));
    let out = unet(&[], &file.unwrap());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("1 1418145369.924505488 SLL Out ethertype IPv4 (0x0800) | IP "));
    assert!(text.contains("TCP 46656 > 80: Flags [S]"), "{text}");
}

#[test]
fn bad_checksums_are_marked_and_decoding_goes_on() {
    // The server's OFFER and ACK carry IPv4 header checksums left 0 for the NIC to fill.
    let file = corpus().into_iter().find(|f| f.ends_with("charrua-dhcp2.pcap")).unwrap();
    let text = String::from_utf8(unet(&[], &file).stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    for (line, expected, message) in [(lines[1], "0xb404", "Offer"), (lines[3], "0xb403", "ACK")] {
        let mark = format!("IP 192.168.0.1 > 192.168.0.10: UDP, length 308 [bad cksum 0x0000 -> {expected}] | UDP 67 > 68");
        assert!(line.contains(&mark), "{line}");
        assert!(line.ends_with(&format!("DHCP-Message {message}")), "{line}");
    }
    assert!(!lines[0].contains("cksum") && !lines[2].contains("cksum"), "{text}");
    // -v prints every verified checksum, right or wrong.
    let verbose = String::from_utf8(unet(&["-v"], &file).stdout).unwrap();
    assert!(verbose.contains("192.168.0.1 > 192.168.0.10, cksum 0x0000 (incorrect -> 0xb404)\n"));
    assert!(verbose
        .contains("UDP src port 67, dst port 68, length 308 (data 300), cksum 0x2233 (correct)\n"));
    // Without checksum verification nothing is said about them.
    let text = String::from_utf8(unet(&["--no-checksum", "-v"], &file).stdout).unwrap();
    assert!(!text.contains("cksum"), "{text}");
}

#[test]
fn stopped_frames_show_layer_and_reason_and_decoding_goes_on() {
    // Frame 2 was cut by a 98-byte snap length inside its IPv4 packet.
    let file = corpus().into_iter().find(|f| f.ends_with("tcpdump-dns_udp_2.pcap")).unwrap();
    let text = String::from_utf8(unet(&["-v"], &file).stdout).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].ends_with("A? www.tcpdump.org. (56)"), "{}", lines[0]);
    assert!(lines[1].ends_with("ethertype IPv4 (0x0800) | [ipv4: truncated]"), "{}", lines[1]);
    assert!(text.ends_with("    [ipv4: truncated] at offset 14\n"), "{text}");
}

#[test]
fn count_limits_the_frames() {
    let file = corpus().into_iter().find(|f| f.ends_with("tcpdump-dhcp-rfc4388.pcap")).unwrap();
    let text = String::from_utf8(unet(&["--count", "3"], &file).stdout).unwrap();
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn broken_files_fail_with_a_message_not_a_panic() {
    let dir = std::env::temp_dir().join(format!("unet-decode-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read(corpus().into_iter().next().unwrap()).unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("cut.pcap", good[..good.len() - 5].to_vec(), "truncated"),
        ("text.pcap", b"hello, world\n".to_vec(), "not a pcap or pcapng file"),
        ("empty.pcap", Vec::new(), "truncated"),
    ];
    for (name, bytes, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).unwrap();
        let out = unet(&[], &path);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(message) && !stderr.contains("panicked"), "{name}: {stderr}");
    }
    // The frames before the cut are still printed.
    let out = unet(&[], &dir.join("cut.pcap"));
    assert!(!out.stdout.is_empty());
    let missing = unet(&[], &dir.join("no-such-file.pcap"));
    assert_eq!(missing.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}
