//! The recording tee: both directions recorded with the caller's timestamps, read back with
//! the crate's reader and with tcpdump; recording failures never cost a frame.

mod common;

use std::io::{self, Write};
use std::process::Command;
use std::time::{Duration as StdDuration, SystemTime, UNIX_EPOCH};

use common::{frame, parse, REPLY, REQUEST};
use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::pcap::{CaptureReader, PcapWriter, TimestampPrecision};
use unet_netif::{NetIf, NetIfError, Tee};

const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];

/// A exchanges three request/reply pairs with B over a 2 ms link; A's port is teed with
/// the switch's virtual time (plus a fixed 2023 epoch, as a simulation would).
fn recorded_exchange() -> Vec<u8> {
    let (switch, a, mut b) = Switch::pair(1, A, B);
    switch.set_faults_all(LinkFaults { delay: Duration::from_millis(2), ..LinkFaults::default() });
    let epoch = StdDuration::from_secs(1_700_000_000);
    let clock = {
        let switch = switch.clone();
        move || epoch + StdDuration::from(switch.now() - Instant::ZERO)
    };
    let writer = PcapWriter::new(Vec::new(), TimestampPrecision::Nanos).unwrap();
    let mut a = Tee::with_clock(a, writer, clock);
    let mut buf = [0u8; 1518];
    for seq in 0..3 {
        let t = Instant::from_millis(10 * u64::from(seq));
        switch.advance(t);
        a.send(&frame(B, A, REQUEST, seq)).unwrap();
        switch.advance(t + Duration::from_millis(2));
        let n = b.recv(&mut buf).unwrap().unwrap();
        b.send(&frame(A, B, REPLY, parse(&buf[..n]).unwrap().3)).unwrap();
        switch.advance(t + Duration::from_millis(4));
        assert_eq!(a.recv(&mut buf).unwrap(), Some(60));
    }
    // Refused by the driver: not recorded.
    assert!(matches!(a.send(&[0u8; 10]), Err(NetIfError::FrameTooShort { .. })));
    assert_eq!((a.recorded(), a.failed()), (6, 0));
    a.into_parts().1.into_inner()
}

#[test]
fn both_directions_are_recorded_with_the_callers_timestamps() {
    let file = recorded_exchange();
    let frames = CaptureReader::new(&file[..]).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
    assert_eq!(frames.len(), 6);
    for (i, f) in frames.iter().enumerate() {
        let seq = (i / 2) as u32;
        let (kind, ms) = if i % 2 == 0 { (REQUEST, 10 * seq) } else { (REPLY, 10 * seq + 4) };
        assert_eq!(parse(&f.data).unwrap().2, kind, "frame {i}");
        assert_eq!(parse(&f.data).unwrap().3, seq, "frame {i}");
        let expected = StdDuration::from_secs(1_700_000_000) + StdDuration::from_millis(ms.into());
        assert_eq!(f.timestamp, expected, "frame {i}");
    }
}

#[test]
fn tcpdump_reads_the_recording() {
    let Ok(out) = Command::new("tcpdump").arg("--version").output() else {
        // Straight to stderr, past the harness's capture: a skip must be seen.
        let _ = writeln!(
            io::stderr(),
            "\n*** SKIPPED tcpdump_reads_the_recording: tcpdump is not installed ***\n"
        );
        return;
    };
    assert!(out.status.success());
    let path = std::env::temp_dir().join(format!("unet-tee-test-{}.pcap", std::process::id()));
    std::fs::write(&path, recorded_exchange()).unwrap();
    let out = Command::new("tcpdump").args(["-n", "-e", "-tt", "-r"]).arg(&path).output().unwrap();
    std::fs::remove_file(&path).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // One line per frame; tcpdump adds indented hex dumps for an unknown EtherType.
    let lines: Vec<&str> = stdout.lines().filter(|l| !l.starts_with(char::is_whitespace)).collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    let first = lines[0];
    assert!(first.starts_with("1700000000.000000"), "{first}");
    assert!(lines[5].starts_with("1700000000.024000"), "{}", lines[5]);
    assert!(first.contains("02:00:00:00:00:0a > 02:00:00:00:00:0b"), "{first}");
    assert!(first.contains("0x88b5"), "{first}");
}

/// Accepts `room` bytes, then fails every write.
struct FailAfter {
    room: usize,
}

impl Write for FailAfter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if buf.len() > self.room {
            return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        }
        self.room -= buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_capture_never_costs_a_frame() {
    let (_switch, a, mut b) = Switch::pair(1, A, B);
    // Room for the 24-byte file header and one 16 + 60 byte record.
    let writer = PcapWriter::new(FailAfter { room: 100 }, TimestampPrecision::Micros).unwrap();
    let mut a = Tee::new(a, writer);
    let mut buf = [0u8; 1518];
    for seq in 0..4 {
        a.send(&frame(B, A, REQUEST, seq)).unwrap();
        assert_eq!(b.recv(&mut buf).unwrap(), Some(60), "frame {seq} went through");
    }
    assert_eq!((a.recorded(), a.failed()), (1, 3));
    assert!(a.has_failed());
    assert!(a.take_error().is_some());
    assert!(a.take_error().is_none());
}

#[test]
fn system_clock_stamps_live_frames_with_the_wall_clock() {
    let (_switch, a, _b) = Switch::pair(1, A, B);
    let writer = PcapWriter::new(Vec::new(), TimestampPrecision::Micros).unwrap();
    let mut a = Tee::new(a, writer);
    let before = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    a.send(&frame(B, A, REQUEST, 0)).unwrap();
    let after = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let file = a.into_parts().1.into_inner();
    let f = CaptureReader::new(&file[..]).unwrap().next().unwrap().unwrap();
    // Microsecond precision: compare to the microsecond.
    assert!(f.timestamp + StdDuration::from_micros(1) >= before && f.timestamp <= after);
}
