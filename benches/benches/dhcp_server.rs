//! DHCP server throughput: complete leases (DISCOVER, OFFER, REQUEST, ACK) for distinct
//! MACs per second, with the in-memory store and with the durable lease file (one fsync
//! per ACK). Prints the RAM per lease (`size_of` of a lease table slot).
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use std::net::Ipv4Addr;

use unet_core::Instant;
use unet_dhcp::server::{FileStore, Lease, LeaseStore, MemoryStore, RxMeta, Server, ServerConfig};
use unet_dhcp::{
    DhcpOption, Flags, HardwareType, Message, MessageType, Op, OptionBuilder, Repr, Vendor,
};

const SERVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);

fn config() -> ServerConfig {
    ServerConfig::builder()
        .subnet(Ipv4Addr::new(10, 0, 0, 0), 16)
        .range(Ipv4Addr::new(10, 0, 1, 0), Ipv4Addr::new(10, 0, 255, 254))
        .router(SERVER)
        .dns(&[SERVER])
        .probe(None)
        .build()
        .unwrap()
}

/// A client message from MAC number `n`.
fn message(n: u32, kind: MessageType, requested: Option<Ipv4Addr>, buf: &mut [u8]) -> usize {
    let mut opts = [0u8; 64];
    let mut b = OptionBuilder::new(&mut opts);
    b.push(&DhcpOption::MessageType(kind)).unwrap();
    if let Some(a) = requested {
        b.push(&DhcpOption::RequestedIp(a)).unwrap();
        b.push(&DhcpOption::ServerId(SERVER)).unwrap();
    }
    b.push_raw(unet_dhcp::OptionCode::PARAMETER_REQUEST_LIST, &[1, 3, 6, 15]).unwrap();
    let len = b.finish(true).unwrap();
    let mut chaddr = [0u8; 16];
    chaddr[..6].copy_from_slice(&[2, 0, (n >> 24) as u8, (n >> 16) as u8, (n >> 8) as u8, n as u8]);
    let repr = Repr {
        op: Op::BOOTREQUEST,
        htype: HardwareType::ETHERNET,
        hlen: 6,
        hops: 0,
        xid: n,
        secs: 0,
        flags: Flags::empty(),
        ciaddr: Ipv4Addr::UNSPECIFIED,
        yiaddr: Ipv4Addr::UNSPECIFIED,
        siaddr: Ipv4Addr::UNSPECIFIED,
        giaddr: Ipv4Addr::UNSPECIFIED,
        chaddr,
        sname: [0; 64],
        file: [0; 128],
        vendor: Vendor::Options(&opts[..len]),
    };
    repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
    repr.buffer_len()
}

/// `count` complete leases; panics if one fails.
fn leases<S: LeaseStore>(s: &mut Server<'_, S>, count: u32) {
    let meta = RxMeta { src: Ipv4Addr::UNSPECIFIED, local: SERVER };
    let (mut rx, mut tx) = ([0u8; 600], [0u8; 1500]);
    for n in 0..count {
        let len = message(n, MessageType::DISCOVER, None, &mut rx);
        s.handle_datagram(Instant::ZERO, meta, &rx[..len]);
        let t = s.poll_transmit(&mut tx).expect("offer");
        let yiaddr = Message::new_unchecked(&tx[..t.len]).yiaddr();
        let len = message(n, MessageType::REQUEST, Some(yiaddr), &mut rx);
        s.handle_datagram(Instant::ZERO, meta, &rx[..len]);
        black_box(s.poll_transmit(&mut tx).expect("ack"));
    }
    assert_eq!(s.counters().acks, u64::from(count));
}

fn dhcp_server(c: &mut Criterion) {
    eprintln!(
        "dhcp_server: RAM per lease = size_of::<Option<Lease>>() = {} bytes (Lease {} bytes)",
        std::mem::size_of::<Option<Lease>>(),
        std::mem::size_of::<Lease>()
    );
    let mut group = c.benchmark_group("dhcp_server");
    for count in [256u32, 1024] {
        group.throughput(Throughput::Elements(u64::from(count)));
        group.bench_with_input(BenchmarkId::new("memory_store", count), &count, |b, &n| {
            b.iter_batched(
                || vec![None::<Lease>; n as usize],
                |mut table| {
                    let mut s = Server::new(config(), &mut table[..], MemoryStore);
                    leases(&mut s, n);
                },
                BatchSize::LargeInput,
            )
        });
    }
    let dir = std::env::temp_dir().join(format!("unet-bench-dhcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let count = 64u32;
    group.sample_size(10);
    group.throughput(Throughput::Elements(u64::from(count)));
    group.bench_with_input(BenchmarkId::new("file_store", count), &count, |b, &n| {
        b.iter_batched(
            || {
                let path = dir.join("leases");
                let _ = std::fs::remove_file(&path);
                (vec![None::<Lease>; n as usize], FileStore::open(&path, Instant::ZERO).unwrap().0)
            },
            |(mut table, store)| {
                let mut s = Server::new(config(), &mut table[..], store);
                leases(&mut s, n);
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, dhcp_server);
criterion_main!(benches);
