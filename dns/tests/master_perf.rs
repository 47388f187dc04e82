//! Throughput of the master file reader and of Zone::load_str on a generated zone of
//! 200 000 records (ignored by default; run with
//! `cargo test --release -p unet-dns --features std --test master_perf -- --ignored --nocapture`).
#![cfg(feature = "std")]

use std::fmt::Write;
use std::time::Instant;

use unet_dns::master::MasterReader;
use unet_dns::zone::Zone;
use unet_dns::NameBuf;

fn zone(hosts: usize) -> String {
    let mut z = String::from(
        "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n  NS ns1\nns1 A 192.0.2.1\n",
    );
    for i in 0..hosts {
        let (a, b) = (i / 250 % 250, i % 250);
        writeln!(z, "host{i} A 198.51.{a}.{b}\n  AAAA 2001:db8::{i:x}\n  TXT \"v=spf1 -all\" \"host {i}\"\n  MX 10 mail{i}").unwrap();
    }
    z
}

#[test]
#[ignore]
fn master_reader_and_zone_load_throughput() {
    let text = zone(50_000);
    let origin: NameBuf = "example.com.".parse().unwrap();
    let mut buf = vec![0u8; 65535];
    let t = Instant::now();
    let mut r = MasterReader::new(&text, &origin);
    let mut n = 0usize;
    while let Some(e) = r.next_entry(&mut buf) {
        e.unwrap();
        n += 1;
    }
    let read = t.elapsed();
    let t = Instant::now();
    let z = Zone::load_str(&text, &origin).unwrap();
    let load = t.elapsed();
    assert_eq!(n, z.record_count());
    eprintln!(
        "{n} records, {} bytes: read {:.0} ms ({:.2} M records/s, {:.0} MB/s); load+check {:.0} ms",
        text.len(),
        read.as_secs_f64() * 1e3,
        n as f64 / read.as_secs_f64() / 1e6,
        text.len() as f64 / read.as_secs_f64() / 1e6,
        load.as_secs_f64() * 1e3
    );
}
