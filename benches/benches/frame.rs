//! Per-frame cost of the wire layers: parse an Ethernet/IPv4/TCP frame with every checksum
//! verified, and emit one from the payload outwards (DESIGN.md §4).
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;
use unet_benches::frame::{emit_frame, parse_frame, HEADROOM};

fn frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("eth_ipv4_tcp");
    for payload in [0usize, 64, 1448] {
        let mut buf = vec![0x5au8; HEADROOM + payload];
        let range = emit_frame(&mut buf, payload).expect("frame fits");
        let frame = buf[range].to_vec();
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("parse", payload), &frame, |b, f| {
            b.iter(|| parse_frame(black_box(f)))
        });
        group.bench_with_input(BenchmarkId::new("emit", payload), &payload, |b, &p| {
            b.iter(|| emit_frame(black_box(&mut buf), p))
        });
    }
    group.finish();
}

criterion_group!(benches, frame);
criterion_main!(benches);
