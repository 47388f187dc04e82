//! TCP bulk throughput between two stacks in one process over the in-memory link (issue 5,
//! item 1): each iteration is one connection moving `BYTES` bytes, copied in and out by
//! the applications and checked by hash (see `unet_benches::bulk`).
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::time::Duration;
use unet_benches::bulk::{expected_hash, BulkPair};
use unet_benches::smoltcp_bulk::SmoltcpPair;
use unet_benches::unet_bulk::UnetPair;

/// Bytes per iteration: enough that the handshake and teardown are noise.
const BYTES: u64 = 16 * 1024 * 1024;

/// Socket buffer sizes compared.
const BUFFERS: [usize; 2] = [64 * 1024, 256 * 1024];

fn bench_pair<P: BulkPair>(c: &mut Criterion, name: &str) {
    let expected = expected_hash(BYTES);
    let mut group = c.benchmark_group("tcp_bulk_in_memory");
    group.throughput(Throughput::Bytes(BYTES));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for buffer in BUFFERS {
        let mut pair = P::new(buffer);
        group.bench_with_input(BenchmarkId::new(name, buffer), &buffer, |b, _| {
            b.iter(|| {
                let hash = pair.transfer(BYTES).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(hash, expected, "{name}: received stream differs from the source");
            })
        });
    }
    group.finish();
}

fn tcp_bulk(c: &mut Criterion) {
    bench_pair::<SmoltcpPair>(c, "smoltcp");
    bench_pair::<UnetPair>(c, "unet");
}

criterion_group!(benches, tcp_bulk);
criterion_main!(benches);
