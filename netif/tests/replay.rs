//! The replay driver on a real capture: charrua-dhcp2.pcap, a DHCP exchange between a
//! client (00:0b:82:01:fc:42) and a server (00:08:74:ad:f1:9b), replayed as the server.

use std::path::PathBuf;
use std::time::Duration as StdDuration;

use unet_core::Instant;
use unet_netif::pcap::{LinkType, PcapError};
use unet_netif::{NetIf, NetIfError, PcapReplay, ReplayFrame};

const SERVER: [u8; 6] = [0x00, 0x08, 0x74, 0xad, 0xf1, 0x9b];
const CLIENT: [u8; 6] = [0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42];

fn corpus(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/pcap").join(name)
}

#[test]
fn capture_replays_inbound_frames_at_their_recorded_times() {
    let mut replay = PcapReplay::open(corpus("charrua-dhcp2.pcap"), SERVER).unwrap();
    assert_eq!(replay.origin(), StdDuration::new(1_102_274_184, 317_453_000));
    assert_eq!(replay.remaining(), 4);
    // What the recorded server answered: the 2nd and 4th frames.
    let own = replay.split_own_frames();
    assert_eq!(own.len(), 2);
    assert_eq!(own[0].at, Instant::from_micros(295));
    assert_eq!(&own[0].data[0..6], &CLIENT);
    assert_eq!(replay.remaining(), 2);

    let mut buf = vec![0u8; 1518];
    replay.advance(Instant::ZERO);
    assert_eq!(replay.recv(&mut buf), Ok(Some(314)));
    assert_eq!(&buf[0..6], &[0xff; 6]);
    assert_eq!(replay.recv(&mut buf), Ok(None));
    assert_eq!(replay.next_delivery_time(), Some(Instant::from_micros(70_031)));
    replay.advance(Instant::from_micros(70_030));
    assert_eq!(replay.recv(&mut buf), Ok(None));
    // What the stack under test sends is kept, stamped with the replay's time.
    replay.send(&own[0].data).unwrap();
    replay.advance(Instant::from_micros(70_031));
    assert_eq!(replay.recv(&mut buf), Ok(Some(314)));
    assert!(replay.is_finished());
    assert_eq!(replay.delivered(), 2);
    assert_eq!(replay.sent().len(), 1);
    assert_eq!(replay.sent()[0].at, Some(Instant::from_micros(70_030)));
    assert_eq!(replay.take_sent()[0].data, own[0].data);
    assert!(replay.sent().is_empty());
}

#[test]
fn untimed_replay_delivers_everything_at_once() {
    let mut replay = PcapReplay::open(corpus("charrua-dhcp2.pcap"), SERVER).unwrap();
    let mut buf = vec![0u8; 1518];
    let lens: Vec<usize> = std::iter::from_fn(|| replay.recv(&mut buf).unwrap()).collect();
    assert_eq!(lens, vec![314, 342, 314, 342]);
    assert_eq!(replay.sent().first().map(|s| s.at), None);
    replay.send(&[0u8; 60]).unwrap();
    assert_eq!(replay.sent()[0].at, None);
}

#[test]
fn non_ethernet_captures_are_refused() {
    let err = PcapReplay::open(corpus("tcpdump-LINKTYPE_IPV4.pcap"), SERVER).unwrap_err();
    assert!(matches!(err, PcapError::UnsupportedLinkType(LinkType::IPV4)), "{err}");
}

#[test]
fn frames_are_sorted_and_the_mtu_fits_the_longest() {
    let frames = vec![
        ReplayFrame::new(Instant::from_millis(5), vec![2; 9018]),
        ReplayFrame::new(Instant::from_millis(1), vec![1; 60]),
    ];
    let mut replay = PcapReplay::from_frames(SERVER, frames);
    assert_eq!(replay.mtu(), 9004);
    assert_eq!(replay.peek().unwrap().at, Instant::from_millis(1));
    assert_eq!(
        replay.recv(&mut [0u8; 1518]),
        Err(NetIfError::BufferTooSmall { len: 1518, needed: 9022 })
    );
    let mut buf = vec![0u8; 9022];
    assert_eq!(replay.recv(&mut buf), Ok(Some(60)));
    replay.retain(|f| f.data.len() < 100);
    assert!(replay.is_finished());
}
