//! Internet checksum throughput: unet's word-at-a-time sum against a byte-at-a-time loop,
//! measured in the same run over typical packet sizes.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

fn checksum(c: &mut Criterion) {
    let mut group = c.benchmark_group("checksum");
    for size in [64usize, 576, 1500, 9000, 65536] {
        let data: Vec<u8> = (0..size).map(|i| (i * 31 + 7) as u8).collect();
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_with_input(BenchmarkId::new("unet", size), &data, |b, d| {
            b.iter(|| unet_core::checksum::checksum(black_box(d)))
        });
        group.bench_with_input(BenchmarkId::new("bytewise", size), &data, |b, d| {
            b.iter(|| unet_benches::bytewise_checksum(black_box(d)))
        });
    }
    group.finish();
}

criterion_group!(benches, checksum);
criterion_main!(benches);
