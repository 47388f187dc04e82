//! UDP sockets: a `UdpTable` of four small IPv4 sockets driven by random operations (bind,
//! connect, send, receive raw or well-formed datagrams, ICMP errors, transmit, close,
//! options). Nothing may panic; queues never exceed their storage; every delivered
//! datagram lands on a socket bound to its port; every transmitted datagram re-parses to
//! the header and data the table described.
#![no_main]

use core::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use unet_core::ports::{EphemeralPorts, PortRange};
use unet_core::rng::SplitMix64;
use unet_udp::{
    Delivery, Endpoint, IcmpErrorKind, Packet, Repr, SocketHandle, UdpPacketBuffer,
    UdpPacketMetadata, UdpSocket, UdpTable,
};

const ADDRS: [Ipv4Addr; 8] = [
    Ipv4Addr::UNSPECIFIED,
    Ipv4Addr::new(192, 0, 2, 1),
    Ipv4Addr::new(192, 0, 2, 2),
    Ipv4Addr::new(192, 0, 2, 255),
    Ipv4Addr::BROADCAST,
    Ipv4Addr::new(224, 0, 0, 251),
    Ipv4Addr::new(198, 51, 100, 7),
    Ipv4Addr::new(203, 0, 113, 9),
];
const KINDS: [IcmpErrorKind; 5] = [
    IcmpErrorKind::PortUnreachable,
    IcmpErrorKind::HostUnreachable,
    IcmpErrorKind::MessageTooBig { mtu: 1280 },
    IcmpErrorKind::ParameterProblem,
    IcmpErrorKind::Other { icmp_type: 3, code: 99 },
];
const SOCKETS: usize = 4;
const SLOTS: usize = 3;
const BYTES: usize = 64;

struct Input<'d>(&'d [u8]);

impl<'d> Input<'d> {
    fn byte(&mut self) -> u8 {
        let (b, rest) = self.0.split_first().map_or((0, &[][..]), |(b, r)| (*b, r));
        self.0 = rest;
        b
    }
    fn bytes(&mut self, n: usize) -> &'d [u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
    fn addr(&mut self) -> Ipv4Addr {
        ADDRS[usize::from(self.byte()) % ADDRS.len()]
    }
    fn port(&mut self) -> u16 {
        match self.byte() % 6 {
            0 => 0,
            1 => 7,
            2 => 53,
            3 => 60000 + u16::from(self.byte() % 5),
            4 => 65535,
            _ => u16::from_be_bytes([self.byte(), self.byte()]),
        }
    }
    fn endpoint(&mut self) -> Endpoint<Ipv4Addr> {
        Endpoint::new(self.addr(), self.port())
    }
    fn handle(&mut self, handles: &[SocketHandle]) -> SocketHandle {
        handles[usize::from(self.byte()) % handles.len()]
    }
}

fn check_queues(table: &UdpTable<'_, Ipv4Addr>) {
    for (_, s) in table.iter() {
        assert!(s.recv_queue() <= SLOTS && s.send_queue() <= SLOTS);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input(data);
    let mut meta = [[UdpPacketMetadata::EMPTY; SLOTS]; 2 * SOCKETS];
    let mut bytes = [[0u8; BYTES]; 2 * SOCKETS];
    let mut slots: [Option<UdpSocket<'_, Ipv4Addr>>; SOCKETS] = Default::default();
    let range = PortRange::new(60000, 60003).expect("valid range");
    let ports = EphemeralPorts::with_range(&mut SplitMix64::new(u64::from(input.byte())), range);
    let mut table = UdpTable::with_ports(&mut slots[..], ports);
    let mut storage = meta.iter_mut().zip(bytes.iter_mut());
    let mut handles = Vec::with_capacity(SOCKETS);
    for _ in 0..SOCKETS {
        let (rm, rd) = storage.next().expect("storage for rx");
        let (tm, td) = storage.next().expect("storage for tx");
        let socket = UdpSocket::new(
            UdpPacketBuffer::new(&mut rm[..], &mut rd[..]),
            UdpPacketBuffer::new(&mut tm[..], &mut td[..]),
        );
        handles.push(table.add(socket).expect("table has room"));
    }

    while !input.0.is_empty() {
        match input.byte() % 11 {
            0 => {
                let (h, local) = (input.handle(&handles), input.endpoint());
                if let Ok(bound) = table.bind(h, local) {
                    assert!(bound.port != 0 && bound.addr == local.addr);
                }
            }
            1 => {
                let (h, remote) = (input.handle(&handles), input.endpoint());
                if table.connect(h, remote).is_ok() {
                    assert_eq!(table.get(h).and_then(|s| s.remote_endpoint()), Some(remote));
                }
            }
            2 => {
                let h = input.handle(&handles);
                let _ = table.disconnect(h);
                let _ = table.ensure_bound(h);
            }
            3 => {
                let (h, remote) = (input.handle(&handles), input.endpoint());
                let len = usize::from(input.byte() % 80);
                let payload = input.bytes(len);
                if let Some(s) = table.get_mut(h) {
                    let _ = if input.byte() & 1 == 0 { s.send_to(payload, remote) } else { s.send(payload) };
                }
            }
            4 => {
                let (h, remote) = (input.handle(&handles), input.endpoint());
                let (max, fill) = (usize::from(input.byte()), usize::from(input.byte()));
                if let Some(s) = table.get_mut(h) {
                    if let Ok(n) = s.send_to_with(max, remote, |buf| {
                        buf.fill(0xa5);
                        fill
                    }) {
                        assert_eq!(n, fill.min(max));
                    }
                }
            }
            5 => {
                let h = input.handle(&handles);
                let mut buf = [0u8; 32];
                if let Some(s) = table.get_mut(h) {
                    let size = s.peek_size();
                    if let Ok((n, _)) = s.recv_from(&mut buf) {
                        assert_eq!(Some(n), size.map(|z| z.min(buf.len())));
                    }
                    let _ = s.take_error();
                }
            }
            6 | 7 => {
                let (src, dst, broadcast) = (input.addr(), input.addr(), input.byte() & 1 == 1);
                let raw = input.byte() & 1 == 1;
                let (sport, dport) = (input.port(), input.port());
                let len = usize::from(input.byte() % 80);
                let payload = input.bytes(len);
                let mut datagram = [0u8; 100];
                let udp = if raw {
                    payload
                } else {
                    let repr = Repr { src_port: sport, dst_port: dport, payload_len: payload.len() };
                    let buf = &mut datagram[..repr.buffer_len()];
                    buf[8..].copy_from_slice(payload);
                    repr.emit(&mut Packet::new_unchecked(&mut *buf), &src, &dst).expect("fits");
                    &*buf
                };
                match table.receive(&src, &dst, broadcast, udp) {
                    Delivery::Delivered(h) | Delivery::BufferFull(h) => {
                        let local = table.get(h).and_then(|s| s.local_endpoint()).expect("bound");
                        let p = Packet::new_checked(udp).expect("delivered datagrams parse");
                        assert_eq!(local.port, p.dst_port());
                    }
                    _ => {}
                }
            }
            8 => {
                let (local, remote) = (input.endpoint(), input.endpoint());
                let kind = KINDS[usize::from(input.byte()) % KINDS.len()];
                let _ = table.handle_icmp_error(local, remote, kind);
            }
            9 => {
                let refuse = input.byte() & 1 == 1;
                let src = input.addr();
                let sent = table.poll_transmit(|tx| {
                    if refuse {
                        return Err(());
                    }
                    let mut frame = [0u8; 8 + BYTES];
                    let n = tx.emit(&src, &mut frame).expect("a queued datagram fits its frame");
                    let p = Packet::new_checked(&frame[..n]).expect("emitted datagram is well-formed");
                    assert_eq!(Repr::parse(&p, &src, &tx.dst_addr), Ok(tx.repr()));
                    assert_eq!(p.payload(), tx.payload);
                    Ok(())
                });
                if refuse {
                    assert!(matches!(sent, None | Some(Err(()))));
                }
            }
            _ => {
                let h = input.handle(&handles);
                let choice = input.byte();
                match choice % 5 {
                    0 => {
                        if let Some(s) = table.get_mut(h) {
                            s.close();
                        }
                    }
                    1 => {
                        if let Some(socket) = table.remove(h) {
                            let again = table.add(socket).expect("the freed slot");
                            assert_eq!(again, h);
                        }
                    }
                    2 => {
                        if let Some(s) = table.get_mut(h) {
                            s.set_reuse_addr(choice & 8 != 0);
                            s.set_recv_err(choice & 16 != 0);
                        }
                    }
                    3 => {
                        let hop = input.byte();
                        if let Some(s) = table.get_mut(h) {
                            assert_eq!(s.set_hop_limit(Some(hop)).is_err(), hop == 0);
                            s.set_multicast_hop_limit(hop);
                        }
                    }
                    _ => {
                        let (dst, dport, src, sport) = (input.addr(), input.port(), input.addr(), input.port());
                        if let Some(found) = table.lookup(&dst, dport, &src, sport) {
                            let local = table.get(found).and_then(|s| s.local_endpoint()).expect("bound");
                            assert_eq!(local.port, dport);
                        }
                    }
                }
            }
        }
        check_queues(&table);
    }
    let c = *table.counters();
    let _ = format!("{c:?}");
});
