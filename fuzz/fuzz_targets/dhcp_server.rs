#![no_main]
//! The DHCP server machine driven by random datagrams at random times, random probe
//! answers and timeouts: it must never panic, and every reply it gives must parse as a
//! BOOTREPLY of at least 300 octets with a bounded lease table.

use core::net::Ipv4Addr;
use libfuzzer_sys::fuzz_target;
use unet_core::{Duration, Instant};
use unet_dhcp::server::{Event, Lease, MemoryStore, RxMeta, Server, ServerConfig};
use unet_dhcp::{Message, Op, Repr};

fuzz_target!(|data: &[u8]| {
    let Ok(config) = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 13))
        .router(Ipv4Addr::new(192, 0, 2, 1))
        .dns(&[Ipv4Addr::new(192, 0, 2, 53)])
        .reserve_mac([2, 0, 0, 0, 0, 1], Ipv4Addr::new(192, 0, 2, 100))
        .subnet(Ipv4Addr::new(198, 51, 100, 0), 24)
        .range(Ipv4Addr::new(198, 51, 100, 10), Ipv4Addr::new(198, 51, 100, 12))
        .rapid_commit(data.first().is_some_and(|b| b & 1 == 1))
        .bootp(data.first().is_some_and(|b| b & 2 == 2))
        .probe(Some(Duration::from_millis(500)))
        .lease_times(Duration::from_secs(60), Duration::from_secs(10), Duration::from_secs(120))
        .build()
    else {
        return;
    };
    let mut table = [None::<Lease>; 6];
    let mut s = Server::new(config, &mut table[..], MemoryStore);
    let mut now = Instant::ZERO;
    let mut out = [0u8; 1500];
    // Records: [op, dt, len_hi, len_lo, bytes...].
    let mut rest = data.get(1..).unwrap_or(&[]);
    while let [op, dt, hi, lo, tail @ ..] = rest {
        now = now.checked_add(Duration::from_millis(u64::from(*dt) * 100)).unwrap_or(now);
        let len = (usize::from(*hi) << 8 | usize::from(*lo)).min(tail.len());
        let (msg, next) = tail.split_at(len);
        rest = next;
        let local =
            if op & 1 == 0 { Ipv4Addr::new(192, 0, 2, 1) } else { Ipv4Addr::new(203, 0, 113, 1) };
        match op % 4 {
            0 | 1 => s.handle_datagram(now, RxMeta { src: Ipv4Addr::UNSPECIFIED, local }, msg),
            2 => {
                if let Some(Event::Probe(a)) = s.poll_event() {
                    s.handle_probe_answer(now, a);
                }
            }
            _ => {
                if s.poll_timeout().is_some_and(|t| t <= now) {
                    s.handle_timeout(now);
                }
            }
        }
        if let Some(t) = s.poll_transmit(&mut out) {
            let m = Message::new_checked(&out[..t.len]).expect("reply parses");
            let r = Repr::parse(&m).expect("reply parses");
            assert_eq!(r.op, Op::BOOTREPLY);
            assert!(t.len >= 300);
        }
    }
    assert_eq!(s.leases().len(), 6);
});
