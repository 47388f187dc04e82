//! No allocation on the answer path: a counting global allocator around the system one
//! sees zero allocations while the server answers every kind of query (UDP and TCP, with
//! rate limiting on) once the zones are loaded and the server and session are created.
#![cfg(feature = "alloc")]

#[path = "server_support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::net::IpAddr;

use support::{authority, q, EXAMPLE_ZONE};
use unet_core::Instant;
use unet_dns::server::{RrlConfig, Server, ServerConfig, TcpConfig, TcpSession, Transport};
use unet_dns::{Opcode, RecordType as T};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<u64> = const { Cell::new(0) };
}

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(|c| c.get()) {
            COUNT.with(|c| c.set(c.get() + 1));
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

#[test]
fn answer_path_allocates_nothing() {
    let mut text = EXAMPLE_ZONE.to_string();
    for i in 0..80 {
        text.push_str(&format!("big A 192.0.2.{i}\n"));
    }
    let auth = authority(&[("example.com.", &text)]);
    let mut queries: Vec<Vec<u8>> = [
        ("www.example.com.", T::A),
        ("example.com.", T::MX),
        ("alias.example.com.", T::A),
        ("x.wild.example.com.", T::A),
        ("a.sub.example.com.", T::A),
        ("nx.example.com.", T::A),
        ("www.example.com.", T::AAAA),
        ("big.example.com.", T::A),
        ("www.example.org.", T::A),
        ("example.com.", T::ANY),
        ("example.com.", T::AXFR),
    ]
    .iter()
    .flat_map(|(n, t)| [q(n, *t).bytes(), q(n, *t).edns(1232, 0, true).bytes()])
    .collect();
    let mut notify = q("example.com.", T::SOA);
    notify.opcode = Opcode::NOTIFY;
    queries.push(notify.bytes());
    queries.push(q("www.example.com.", T::A).edns(1232, 1, false).bytes());
    let config = ServerConfig {
        rrl: Some(RrlConfig { responses_per_second: 5, table_size: 64, ..RrlConfig::default() }),
        ..ServerConfig::default()
    };
    let mut server = Server::new(config);
    let client: IpAddr = "192.0.2.100".parse().unwrap();
    let mut out = vec![0u8; 65535];
    let mut session = TcpSession::new(Instant::ZERO, client, TcpConfig::default());
    let mut stream = Vec::new();
    for query in &queries {
        stream.extend_from_slice(&(query.len() as u16).to_be_bytes());
        stream.extend_from_slice(query);
    }

    // The counter works: one allocation counts one.
    COUNTING.with(|c| c.set(true));
    drop(std::hint::black_box(vec![0u8; 16]));
    COUNTING.with(|c| c.set(false));
    assert_eq!(COUNT.with(|c| c.replace(0)), 1);

    COUNTING.with(|c| c.set(true));
    let mut answered = 0;
    for round in 0..20u64 {
        for query in &queries {
            let now = Instant::from_millis(round * 10);
            if server.handle_query(now, &auth, client, Transport::Udp, query, &mut out).is_some() {
                answered += 1;
            }
        }
        let taken = session.handle_input(Instant::ZERO, &stream, &mut server, &auth);
        assert_eq!(taken, stream.len());
        let n = session.poll_transmit().len();
        session.handle_sent(Instant::ZERO, n, &mut server, &auth);
    }
    COUNTING.with(|c| c.set(false));

    assert_eq!(COUNT.with(|c| c.get()), 0, "allocations on the answer path");
    let c = server.counters();
    assert!(answered > 0 && c.rrl_dropped > 0 && c.rrl_slipped > 0, "{c:?}");
    assert_eq!(session.counters().responses, 20 * queries.len() as u64);
}
