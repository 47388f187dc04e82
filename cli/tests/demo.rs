//! `unet demo` end to end (deterministic for a seed, every scene in the transcript, its
//! capture readable by the dissector) and `unet host`'s refusals (clear messages and a
//! non-zero status, never a panic).

use std::process::Command;

use unet::decode::{dissect, LayerKind, Options};
use unet::demo::{self, DemoOptions};
use unet::pcap::CaptureReader;

fn transcript(
    seed: u64,
    wire: bool,
) -> (String, demo::DemoSummary, Vec<unet_netif::MirroredFrame>) {
    let mut out = Vec::new();
    let (summary, frames) = demo::run(&DemoOptions { seed, wire }, &mut out).unwrap();
    (String::from_utf8(out).unwrap(), summary, frames)
}

#[test]
fn demo_runs_to_completion_and_the_same_seed_gives_the_same_transcript() {
    let (a, summary, frames) = transcript(1, true);
    let (b, _, frames_b) = transcript(1, true);
    assert_eq!(a, b);
    assert_eq!(frames, frames_b);
    assert!(summary.failed.is_empty(), "{:?}\n{a}", summary.failed);
    assert_eq!(summary.frames, frames.len());
    for expected in [
        // Scenes, in order.
        "== 1. Three hosts join the switch",
        "== 2. A fourth host claims an address already in use",
        "== 3. ARP resolution and ping",
        "== 4. UDP echo",
        "== 5. A closed port",
        "== 6. A datagram larger than the MTU",
        "== 7. A lossy link",
        "== 8. TCP: the handshake, 1 MiB checked byte for byte, the four-way close",
        "== 9. TCP over lossy links",
        "== 10. What each stack counted",
        // What they show.
        "address 192.0.2.1 ready",
        "> Probe who-has 192.0.2.3",
        "address 192.0.2.3 is already used by 02:00:c0:00:02:03",
        "> Request who-has 192.0.2.2 tell 192.0.2.1",
        "> Reply 192.0.2.2 is-at 02:00:c0:00:02:02",
        "56 bytes from 192.0.2.2: icmp_seq=1",
        "time=4.000 ms",
        "time=2.000 ms",
        "received 12 bytes from 192.0.2.2:7: \"hello, bravo\"",
        "udp port 9 unreachable",
        "recv on the socket fails: connection refused (port unreachable)",
        "(frag ",
        "received 4000 bytes back from 192.0.2.2:7, identical to what was sent",
        "lost on the link to charlie",
        "again (try 2)",
        "answer to request 5",
        "tx_fragmented=1",
        "rx_reassembled=1",
        // TCP: the handshake with its options, the download, the close, TIME-WAIT.
        "tcp source on port 19",
        "Flags [S], seq ",
        "Flags [S.], seq ",
        "options [mss 1460,sackOK,TS val ",
        "wscale ",
        "tcp#0 connected: ESTABLISHED",
        "tcp source :19: connection from 192.0.2.1:",
        "more data segments (",
        "read 1048576 bytes in ",
        "Mbit/s), every byte the pattern sent",
        "tcp source :19: 192.0.2.1:",
        "0 bytes in, 1048576 bytes out; srtt ",
        "holds 1 connection in TIME-WAIT",
        // TCP over loss: retransmissions on the wire and in the diagnostics.
        "tcp echo on port 7",
        "> again: ",
        "frames lost on the links",
        "read 262144 bytes in ",
        "262144 bytes in, 262144 bytes out",
        "alpha    tcp_info: srtt ",
        "tcp_accepted=1",
    ] {
        assert!(a.contains(expected), "missing {expected:?} in\n{a}");
    }
    let pos = |s: &str| a.find(s).unwrap();
    assert!(pos("== 1.") < pos("== 2.") && pos("== 7.") < pos("== 8."));
    assert!(pos("== 9.") < pos("== 10."));
    tcp_scenes_are_readable(&a);
}

/// The TCP scenes: the handshake and the close in order, their segments summarised, not
/// thousands of lines; the four segments of the close each on the wire.
fn tcp_scenes_are_readable(a: &str) {
    let scene = &a[a.find("== 8.").unwrap()..a.find("== 9.").unwrap()];
    let lines: Vec<&str> = scene.lines().collect();
    assert!(lines.len() < 40, "{} lines in\n{scene}", lines.len());
    let find = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}\n{scene}"))
    };
    let syn = find("Flags [S], seq");
    let syn_ack = find("Flags [S.], seq");
    let summary = find("more data segments");
    let first_data =
        lines.iter().position(|l| l.contains("TCP 19 > ") && l.contains("length 1448")).unwrap();
    let bravo_fin = lines.iter().position(|l| l.contains("Flags [F") && l.contains("TCP 19 >"));
    let alpha_fin = lines.iter().position(|l| l.contains("Flags [F") && l.contains("> 19:"));
    assert!(syn < syn_ack && syn_ack < first_data && first_data < summary, "{scene}");
    let (bravo_fin, alpha_fin) = (bravo_fin.unwrap(), alpha_fin.unwrap());
    assert!(summary < bravo_fin && bravo_fin < alpha_fin, "{scene}");
    // Between the FINs alpha's ACK of bravo's FIN, after alpha's FIN bravo's ACK.
    let acks = |from: usize, to: usize, who: &str| {
        lines[from..to].iter().filter(|l| l.contains(who) && l.contains("Flags [.]")).count()
    };
    assert_eq!(acks(bravo_fin, alpha_fin, "> 19:"), 1, "{scene}");
    assert_eq!(acks(alpha_fin, lines.len(), "TCP 19 >"), 1, "{scene}");
    let lossy = &a[a.find("== 9.").unwrap()..a.find("== 10.").unwrap()];
    assert!(lossy.lines().count() < 60, "{lossy}");
    let again = lossy.lines().filter(|l| l.contains("> again: ")).count();
    assert!((1..=4).contains(&again), "{lossy}");
}

#[test]
fn demo_completes_for_other_seeds_and_hides_the_wire_when_asked() {
    for seed in [2, 3, 42, 0xdead_beef] {
        let (t, summary, _) = transcript(seed, seed != 2);
        assert!(summary.failed.is_empty(), "seed {seed}: {:?}\n{t}", summary.failed);
    }
    let (quiet, _, frames) = transcript(2, false);
    assert!(!quiet.contains(" > "), "{quiet}");
    assert!(quiet.contains("56 bytes from 192.0.2.2"));
    assert!(!frames.is_empty(), "frames are captured even when not printed");
    assert_ne!(transcript(1, true).0, transcript(3, true).0, "the seed matters");
}

#[test]
fn demo_capture_decodes_frame_by_frame_with_the_dissector() {
    let dir = std::env::temp_dir().join(format!("unet-demo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("demo.pcap");
    let (_, _, frames) = transcript(5, false);
    demo::write_pcap(&path, &frames).unwrap();
    let read: Vec<_> = CaptureReader::open(&path).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(read.len(), frames.len());
    let mut kinds = std::collections::BTreeSet::new();
    for (f, m) in read.iter().zip(&frames) {
        assert_eq!(f.data, m.data);
        assert_eq!(f.timestamp.as_micros(), u128::from(m.at.as_micros()));
        let d = dissect(f.link_type, &f.data, Options::default());
        assert!(d.outcome.is_complete(), "{}", d.line());
        assert_eq!(d.bad_checksums().count(), 0, "{}", d.line());
        kinds.extend(d.layers.iter().map(|l| format!("{:?}", l.kind)));
    }
    for k in [LayerKind::Arp, LayerKind::Ipv4, LayerKind::Icmpv4, LayerKind::Udp, LayerKind::Tcp] {
        assert!(kinds.contains(&format!("{k:?}")), "{k:?} not in {kinds:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs the `unet` binary; returns (status code, stderr).
fn unet(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_unet")).args(args).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn host_argument_errors_are_clear_and_never_panic() {
    let cases: &[(&[&str], &str)] = &[
        (&["host", "--ipv4", "192.0.2.2/24"], "--tap"),
        (&["host", "--tap", "t0"], "--ipv4"),
        (&["host", "--tap", "t0", "--ipv4", "192.0.2.2"], "ADDRESS/PREFIX"),
        (&["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--mac", "nope"], "hexadecimal"),
        (&["host", "--tap", "t0", "--ipv4", "192.0.2.0/24"], "network's own address"),
        (
            &["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--gateway", "198.51.100.1"],
            "on-link",
        ),
        (&["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--mtu", "20"], "--mtu 20"),
        (&["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--udp-echo", "0"], "port 0"),
        (&["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--tcp-echo", "0"], "port 0"),
        (
            &["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--tcp-source", "19"],
            "--tcp-source needs --source-bytes N",
        ),
        (
            &[
                "host",
                "--tap",
                "t0",
                "--ipv4",
                "192.0.2.2/24",
                "--tcp-discard",
                "9",
                "--tcp-echo",
                "9",
            ],
            "one service per port",
        ),
        (
            &[
                "host",
                "--tap",
                "t0",
                "--ipv4",
                "192.0.2.2/24",
                "--tcp-source",
                "1",
                "--source-bytes",
                "5X",
            ],
            "K, M or G",
        ),
        (
            &["host", "--tap", "t0", "--ipv4", "192.0.2.2/24", "--send-bytes", "1M"],
            "--send-bytes only applies to --tcp-connect",
        ),
    ];
    for (args, needle) in cases {
        let (code, err) = unet(args);
        assert!(matches!(code, Some(c) if c != 0), "{args:?}: {code:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn host_on_a_missing_device_says_so() {
    // Root or not, a device that does not exist is a clean error: no such device, or
    // permission denied for an unprivileged user.
    let (code, err) = unet(&["host", "--tap", "unet-none0", "--ipv4", "192.0.2.2/24"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot open TAP device unet-none0"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool} >/dev/null")])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn demo_tap_lets_the_kernel_talk_to_a_unet_host_and_cleans_up() {
    if !unet::demo::tap::is_root() || !["ip", "ping", "arping", "socat"].iter().all(|t| have(t)) {
        eprintln!(
            "SKIPPED demo_tap_lets_the_kernel_talk_to_a_unet_host_and_cleans_up: needs root \
             and ip, ping, arping, socat (scripts/setup --peers)"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("unet-demo-tap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pcap = dir.join("tap.pcap");
    let out = Command::new(env!("CARGO_BIN_EXE_unet"))
        .args(["demo", "--tap", "--pcap"])
        .arg(&pcap)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for expected in [
        "address 192.0.2.2 ready",
        "3 packets transmitted, 3 received",
        "3008 bytes from 192.0.2.2",
        "Received 2 response(s)",
        "hello from the Linux kernel",
        "Connection refused",
        "hello over TCP",
        "tcp echo :7: 192.0.2.1:",
        "15 bytes in, 15 bytes out",
        "1048576\n",
        "identical to the source pattern",
        "0 bytes in, 1048576 bytes out",
        "stopped by SIGTERM",
        "tx_fragmented=",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The namespace is gone and the host's capture decodes.
    let name = text
        .split_once("network namespace ")
        .and_then(|(_, rest)| rest.split_once(','))
        .map(|(name, _)| name.to_string())
        .expect("the namespace is named");
    assert!(name.starts_with("unet-demo-"), "{name}");
    let list = Command::new("ip").args(["netns", "list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(!list.lines().any(|l| l.split_whitespace().next() == Some(name.as_str())), "{list}");
    let frames: Vec<_> = CaptureReader::open(&pcap).unwrap().collect::<Result<_, _>>().unwrap();
    assert!(frames.len() > 10, "{} frames", frames.len());
    let _ = std::fs::remove_dir_all(&dir);
}
