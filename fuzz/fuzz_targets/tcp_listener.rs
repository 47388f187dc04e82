//! A TCP listener driven by random segments from a few peers at random times, mixed with
//! replies that complete handshakes (from its own SYN-ACKs, so cookies are exercised),
//! ICMP errors, accepts and timer firings. Nothing may panic; the SYN queue and accept
//! backlog never exceed their slots; every answer comes from the listening port, goes to
//! the sender, and no RST ever answers a RST.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_core::rng::SplitMix64;
use unet_core::{Duration, Instant};
use unet_tcp::listener::{HalfOpen, Handshake, Listener, ListenerConfig, Outcome};
use unet_tcp::{OptionSet, Repr, SeqNumber, TcpFlags, TcpOptions, Timestamps};

const PORT: u16 = 80;
const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

fuzz_target!(|data: &[u8]| {
    let mut q: [Option<HalfOpen<Ipv4Addr>>; 3] = [None; 3];
    let mut b: [Option<Handshake<Ipv4Addr>>; 2] = [None; 2];
    let config = ListenerConfig {
        syn_cookies: data.first().is_none_or(|b| b & 1 == 0),
        ..Default::default()
    };
    let mut l: Listener<'_, Ipv4Addr> =
        Listener::new(&mut SplitMix64::new(1), PORT, config, &mut q[..], &mut b[..]);
    let mut now = Instant::from_secs(1);
    let mut last: Option<(Ipv4Addr, Repr<'static>)> = None; // the last SYN-ACK sent, and to whom
    for op in data.chunks_exact(12) {
        let peer = Ipv4Addr::new(198, 51, 100, op[0] % 4);
        let src_port = 1000 + u16::from(op[1] % 4);
        let seq = u32::from_be_bytes([op[2], op[3], op[4], op[5]]);
        let ack = u32::from_be_bytes([op[6], op[7], op[8], op[9]]);
        now += Duration::from_millis(u64::from(op[11]) * 40);
        let mut options = OptionSet::default();
        if op[10] & 0x20 != 0 {
            options.mss = Some(u16::from(op[2]) << 4);
            options.window_scale = Some(op[3] % 20);
            options.sack_permitted = true;
            options.timestamps = Some(Timestamps { tsval: seq, tsecr: ack });
        }
        let mut repr = Repr {
            src_port,
            dst_port: if op[10] & 0x80 != 0 { PORT + 1 } else { PORT },
            seq_number: SeqNumber(seq),
            ack_number: SeqNumber(ack),
            flags: TcpFlags::from_bits_truncate(u16::from(op[10] & 0x1f)),
            window_len: 1000,
            urgent_pointer: 0,
            options: TcpOptions::Typed(options),
            payload_len: usize::from(op[1] >> 4),
        };
        match op[0] >> 5 {
            0 => {
                // Complete the last handshake properly (echoing its TSval).
                if let Some((_, sa)) = last {
                    let mut o = OptionSet::default();
                    if let Some(ts) = sa.options.timestamps() {
                        o.timestamps = Some(Timestamps { tsval: 1, tsecr: ts.tsval });
                    }
                    repr.src_port = sa.dst_port;
                    repr.dst_port = PORT;
                    repr.seq_number = sa.ack_number;
                    repr.ack_number = sa.seq_number + 1;
                    repr.flags = TcpFlags::ACK;
                    repr.options = TcpOptions::Typed(o);
                }
            }
            1 => {
                let _ = l.accept();
                continue;
            }
            2 => {
                let iss = l.half_open().next().map(|h| h.iss).unwrap_or(SeqNumber(ack));
                let _ = l.handle_icmp_error(LOCAL, peer, src_port, iss, op[1] & 1 == 0);
                continue;
            }
            _ => {}
        }
        // A completing ACK comes from the address the SYN-ACK went to.
        let from = match (op[0] >> 5, last) {
            (0, Some((to, _))) => to,
            _ => peer,
        };
        match l.handle_segment(now, LOCAL, from, &repr) {
            Err(_) => assert_ne!(repr.dst_port, PORT),
            Ok(Outcome::Reply(r)) => {
                assert_eq!(r.repr.src_port, PORT);
                assert_eq!(r.repr.dst_port, repr.src_port);
                assert_eq!((r.local, r.remote), (LOCAL, from));
                assert!(
                    !(repr.flags.contains(TcpFlags::RST) && r.repr.flags.contains(TcpFlags::RST))
                );
                if r.repr.flags.contains(TcpFlags::SYN) {
                    last = Some((r.remote, r.repr));
                }
            }
            Ok(Outcome::Established) => assert!(l.backlog_len() > 0),
            Ok(Outcome::Dropped(_)) => {}
        }
        if let Some(t) = l.poll_timeout() {
            if t <= now {
                l.handle_timeout(now);
            }
        }
        while let Some(r) = l.poll_transmit(now) {
            assert_eq!(r.repr.src_port, PORT);
            assert!(r.repr.flags.contains(TcpFlags::SYN | TcpFlags::ACK));
        }
        assert!(l.syn_queue_len() <= l.syn_queue_capacity());
        assert!(l.backlog_len() <= l.backlog_capacity());
    }
});
