//! TCP slots over borrowed storage (no allocator-backed buffers): a released connection
//! or listener slot gets its buffers back from unet-tcp and serves the next one
//! (DESIGN.md §5: bounded memory, storage from the user).

mod common;

use common::tcp::*;
use common::*;
use unet_core::{Duration, Instant};
use unet_stack::tcp::conn::State;
use unet_stack::tcp::listener::{HalfOpen, Handshake};
use unet_stack::tcp::Endpoint;
use unet_stack::{ListenerSlot, Stack, Storage, TcpSlot};

/// Borrowed bytes (leaked so the stack can be `'static` in the test pair): a
/// `ManagedSlice::Borrowed`, never a `Vec`.
fn bytes(n: usize) -> &'static mut [u8] {
    vec![0u8; n].leak()
}

/// A host with `slots` connection slots and one listener slot, all over borrowed slices.
fn borrowed_host(n: u8, now: Instant, slots: usize) -> Stack<'static> {
    let conns: &'static mut [TcpSlot<'static>] =
        (0..slots).map(|_| TcpSlot::new(bytes(4096), bytes(4096))).collect::<Vec<_>>().leak();
    let syn_queue: &'static mut [Option<HalfOpen<std::net::Ipv4Addr>>] = vec![None; 4].leak();
    let backlog: &'static mut [Option<Handshake<std::net::Ipv4Addr>>] = vec![None; 2].leak();
    let listeners: &'static mut [ListenerSlot<'static>] =
        vec![ListenerSlot::new(syn_queue, backlog)].leak();
    let storage =
        Storage { tcp_connections: conns.into(), tcp_listeners: listeners.into(), ..storage() };
    host_with(n, now, storage)
}

#[test]
fn hundred_sequential_connections_through_two_borrowed_slots() {
    let now = Instant::from_secs(1);
    let mut p = Pair::with(borrowed_host(1, now, 2), borrowed_host(2, now, 2), now);
    let mut listener = p.b.tcp_listen(7, 2).unwrap();
    let mut buf = [0u8; 64];
    for round in 0..100u32 {
        if round % 10 == 9 {
            // The listener slot is reused too: its SYN queue and backlog come back.
            p.b.tcp_unlisten(p.now, listener).unwrap();
            listener = p.b.tcp_listen(7, 2).unwrap();
        }
        let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).expect("a slot");
        p.settle();
        let s = p.b.tcp_accept(p.now, listener).expect("accepted");
        let msg = round.to_be_bytes();
        p.a.tcp_send(c, &msg).unwrap();
        p.b.tcp_send(s, b"ok").unwrap();
        p.advance(Duration::from_millis(250));
        assert_eq!(p.b.tcp_recv(s, &mut buf), Ok(4), "round {round}");
        assert_eq!(&buf[..4], &msg);
        assert_eq!(p.a.tcp_recv(c, &mut buf), Ok(2), "round {round}");
        // Alternate who closes first, so both sides see TIME-WAIT slots recycled.
        if round % 2 == 0 {
            p.a.tcp_close(p.now, c).unwrap();
            p.settle();
            p.b.tcp_close(p.now, s).unwrap();
        } else {
            p.b.tcp_close(p.now, s).unwrap();
            p.settle();
            p.a.tcp_close(p.now, c).unwrap();
        }
        p.settle();
        assert!(p.a.tcp_connections_in_use() <= 2 && p.b.tcp_connections_in_use() <= 2);
        p.advance(Duration::from_millis(10));
    }
    assert_eq!(p.a.counters().tcp_connects, 100);
    assert_eq!(p.b.counters().tcp_accepted, 100);
    assert!(p.a.counters().tcp_time_wait_recycled > 0 && p.b.counters().tcp_time_wait_recycled > 0);
    // After 2*MSL every slot is free again, with its buffers.
    p.advance(Duration::from_secs(61));
    assert_eq!((p.a.tcp_connections_in_use(), p.b.tcp_connections_in_use()), (0, 0));
    let c = p.a.tcp_connect(p.now, Endpoint::new(B_IP, 7), None).unwrap();
    p.settle();
    assert_eq!(p.a.tcp_state(c), Ok(State::Established));
    let info = p.a.tcp_info(c).unwrap();
    assert_eq!(info.send_queue + p.a.tcp_connection(c).unwrap().send_capacity(), 4096);
}
