//! The TCP connection machine (RFC 9293) driven by random segments at random times, in
//! every state: a client connection is opened, then each input step either injects a
//! segment built from fuzz bytes (sequence and acknowledgment numbers near the ones the
//! connection expects, so the deep states are reached), advances the clock and fires
//! timers, makes an application call, or feeds an ICMP error. Every segment it sends is
//! emitted and must parse back with a valid checksum; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The driver is shared with the proptest in tcp/tests/conn_random.rs.
include!("../../tcp/tests/fuzz_body/tcp_conn.rs");

fuzz_target!(|data: &[u8]| {
    drive(data);
});
