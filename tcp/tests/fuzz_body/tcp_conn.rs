// The body of fuzz/fuzz_targets/tcp_conn.rs, shared with tcp/tests/conn_random.rs (which
// runs it on proptest's random inputs so plain `cargo test` exercises it); both bring it
// in with `include!`, so this file has no inner attributes or `//!` docs.
//
// The TCP connection machine (RFC 9293) driven by random segments at random times, in
// every state: a client connection is opened, then each input step either injects a
// segment built from fuzz bytes (sequence and acknowledgment numbers near the ones the
// connection expects, so the deep states are reached), advances the clock and fires
// timers, makes an application call, or feeds an ICMP error. Every segment it sends is
// emitted and must parse back with a valid checksum; nothing may panic.

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};
use unet_tcp::conn::{Config, Connection, Endpoint, IcmpError, Open};
use unet_tcp::{OptionSet, Repr, RingBuffer, SackBlock, SackBlocks, Segment, SeqNumber};
use unet_tcp::{TcpFlags, TcpOptions, Timestamps};

const LOCAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const REMOTE: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 2);

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_be_bytes([self.u8()?, self.u8()?]))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes([self.u8()?, self.u8()?, self.u8()?, self.u8()?]))
    }
}

/// Runs the connection machine on `data`; true if it reached ESTABLISHED.
fn drive(data: &[u8]) -> bool {
    let mut input = Bytes(data);
    let Some(setup) = input.u8() else { return false };
    let config = Config {
        timestamps: setup & 1 != 0,
        sack: setup & 2 != 0,
        window_scaling: setup & 4 != 0,
        nagle: setup & 8 != 0,
        ack_delay: if setup & 16 != 0 { None } else { Some(Duration::from_millis(200)) },
        keep_alive: (setup & 32 != 0).then(unet_tcp::conn::KeepAlive::default),
        ..Config::default()
    };
    let mut rx = [0u8; 3000];
    let mut tx = [0u8; 5000];
    let mut now = Instant::from_secs(1);
    let open = Open {
        local: Endpoint::new(LOCAL, 40000),
        remote: Endpoint::new(REMOTE, 80),
        iss: SeqNumber(0xffff_fff0),
        ts_offset: 12345,
    };
    let mut conn = Connection::connect(
        now,
        config,
        open,
        RingBuffer::new(&mut rx[..]),
        RingBuffer::new(&mut tx[..]),
    );
    let mut peer_seq = SeqNumber(0x7fff_0000);
    let mut frame = [0u8; 2000];
    let payload = [0xabu8; 1500];
    // Our SYN goes out first.
    while let Some(t) = conn.poll_transmit(now) {
        conn.emit(&t, &mut frame).expect("the SYN fits");
    }
    let mut reached = false;
    while let Some(op) = input.u8() {
        match op % 8 {
            0..=3 => {
                // A segment from the peer.
                let (Some(flags), Some(dseq), Some(dack), Some(win), Some(len)) =
                    (input.u16(), input.u16(), input.u16(), input.u16(), input.u16())
                else {
                    break;
                };
                let flags = TcpFlags::from_wire(flags);
                if flags.contains(TcpFlags::SYN) && conn.rcv_nxt() == SeqNumber(0) {
                    peer_seq = SeqNumber(input.u32().unwrap_or(0));
                }
                let base = if conn.rcv_nxt() == SeqNumber(0) { peer_seq } else { conn.rcv_nxt() };
                let seq = base + u32::from(dseq).wrapping_sub(0x8000) as i32 as u32;
                let ack = conn.snd_una() + u32::from(dack).wrapping_sub(0x100) as i32 as u32;
                let opt = input.u8().unwrap_or(0);
                let mut blocks = SackBlocks::new();
                if opt & 4 != 0 {
                    let _ = blocks.push(SackBlock { left: ack + 100, right: ack + 1000 });
                }
                let options = OptionSet {
                    mss: (opt & 1 != 0).then_some(u16::from(opt) * 8),
                    window_scale: (opt & 2 != 0).then_some(opt >> 4),
                    sack_permitted: opt & 8 != 0,
                    sack_blocks: blocks,
                    timestamps: (opt & 16 != 0).then(|| Timestamps {
                        tsval: input.u32().unwrap_or(0),
                        tsecr: input.u32().unwrap_or(0),
                    }),
                };
                let payload_len = usize::from(len) % 1500;
                let repr = Repr {
                    src_port: 80,
                    dst_port: 40000,
                    seq_number: seq,
                    ack_number: ack,
                    flags,
                    window_len: win,
                    urgent_pointer: input.u16().unwrap_or(0),
                    options: TcpOptions::Typed(options),
                    payload_len,
                };
                let _ = conn.handle_segment(now, &repr, &payload[..payload_len]);
            }
            4 => {
                let step = input.u16().unwrap_or(0);
                now += Duration::from_millis(u64::from(step) * 4);
                conn.handle_timeout(now);
            }
            5 => {
                let n = usize::from(input.u16().unwrap_or(0)) % 6000;
                let _ = conn.send(&[0x5a; 6000][..n]);
                let mut buf = [0u8; 700];
                let _ = conn.recv(&mut buf);
            }
            6 => match input.u8().unwrap_or(0) % 6 {
                0 => {
                    let _ = conn.shutdown();
                }
                1 => {
                    let _ = conn.close(now);
                }
                2 => conn.abort(now),
                3 => {
                    let _ = conn.send_urgent(b"!");
                }
                4 => conn.set_nagle(false),
                _ => {
                    let _ = conn.recv_with(|d| d.len() / 2);
                }
            },
            _ => {
                let kind = input.u8().unwrap_or(0);
                let error = match kind % 3 {
                    0 => IcmpError::PacketTooBig { mtu: input.u16().unwrap_or(0) },
                    1 => IcmpError::HardUnreachable,
                    _ => IcmpError::SoftError,
                };
                let quoted = conn.snd_una() + u32::from(input.u8().unwrap_or(0));
                let _ = conn.handle_icmp_error(now, error, quoted);
            }
        }
        // Everything the connection sends is well-formed.
        let mut sent = 0;
        while let Some(t) = conn.poll_transmit(now) {
            let n = conn.emit(&t, &mut frame).expect("a segment the connection emits fits");
            let segment = Segment::new_checked(&frame[..n]).expect("valid segment");
            let parsed = Repr::parse(&segment, &LOCAL, &REMOTE).expect("valid checksum");
            assert_eq!(parsed.payload_len, t.repr.payload_len);
            sent += 1;
            assert!(sent < 10_000, "runaway transmit");
        }
        while conn.poll_event().is_some() {}
        reached |= conn.state() == unet_tcp::conn::State::Established;
    }
    reached
}
