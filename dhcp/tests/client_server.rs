//! unet-dhcp's client against unet-dhcp's server at fake times, datagrams carried by
//! hand: the four-message exchange (RFC 2131 §3.1), renewal at T1 (§4.4.5), DECLINE of a
//! conflicting address and the quarantine it starts (§3.1.5, §4.3.3), rapid commit (RFC
//! 4039) and RELEASE (§4.4.6), each checked on both sides.

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};
use unet_dhcp::client::{Client, Config, Event, State, MAX_MESSAGE_LEN};
use unet_dhcp::server::{LeaseState, MemoryStore, RxMeta, Server, ServerConfig, REPLY_MAX};

const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const MAC: [u8; 6] = [2, 0, 0, 0, 0, 9];

fn server(rapid: bool) -> Server<'static, MemoryStore> {
    let config = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(Ipv4Addr::new(192, 0, 2, 100), Ipv4Addr::new(192, 0, 2, 101))
        .router(SERVER)
        .dns(&[SERVER])
        .lease_times(Duration::from_secs(600), Duration::from_secs(60), Duration::from_secs(600))
        .rapid_commit(rapid)
        .probe(None)
        .build()
        .unwrap();
    // The lease table is borrowed storage (no `alloc` feature in this test).
    Server::new(config, Box::leak(vec![None; 8].into_boxed_slice()), MemoryStore)
}

fn client(rapid: bool) -> Client<'static> {
    let mut c = Config::new(MAC);
    c.startup_delay_max = Duration::ZERO;
    c.rapid_commit = rapid;
    Client::new(c, Instant::ZERO)
}

/// Carries every message both ways at `now` until neither has anything to send.
fn exchange(c: &mut Client<'_>, s: &mut Server<'_, MemoryStore>, now: Instant) -> usize {
    let mut n = 0;
    let mut buf = [0u8; MAX_MESSAGE_LEN];
    let mut reply = [0u8; REPLY_MAX];
    while let Some(t) = c.poll_transmit(now, &mut buf) {
        n += 1;
        s.handle_datagram(now, RxMeta { src: t.src, local: SERVER }, &buf[..t.len]);
        while let Some(r) = s.poll_transmit(&mut reply) {
            n += 1;
            c.handle_datagram(now, SERVER, &reply[..r.len]);
        }
    }
    n
}

fn timers(c: &mut Client<'_>, s: &mut Server<'_, MemoryStore>, until: Instant) {
    while let Some(t) = c.poll_timeout().filter(|&t| t <= until) {
        c.handle_timeout(t);
        exchange(c, s, t);
    }
}

fn server_state(s: &Server<'_, MemoryStore>, a: Ipv4Addr) -> Option<LeaseState> {
    s.leases().iter().flatten().find(|l| l.addr == a).map(|l| l.state)
}

fn events(c: &mut Client<'_>) -> Vec<Event> {
    core::iter::from_fn(|| c.poll_event()).collect()
}

#[test]
fn rfc2131_3_1_four_messages_then_renewal_then_release() {
    let (mut c, mut s) = (client(false), server(false));
    c.handle_timeout(Instant::ZERO);
    assert_eq!(exchange(&mut c, &mut s, Instant::ZERO), 4, "DISCOVER OFFER REQUEST ACK");
    let a = Ipv4Addr::new(192, 0, 2, 100);
    assert_eq!(events(&mut c), [Event::Check(a)]);
    c.address_checked(Instant::ZERO, false);
    assert_eq!(events(&mut c), [Event::Bound(a)]);
    let l = c.lease().unwrap();
    assert_eq!(
        (l.prefix_len, l.gateway(), l.dns_servers.as_slice()),
        (24, Some(SERVER), &[SERVER][..])
    );
    assert_eq!(l.expires(), Some(Instant::from_secs(600)));
    assert_eq!(server_state(&s, a), Some(LeaseState::Bound));
    // T1 = 300 s: renewed by unicast, extended to 900 s.
    timers(&mut c, &mut s, Instant::from_secs(300));
    assert_eq!(events(&mut c), [Event::Renewed(a)]);
    assert_eq!(c.state(), State::Bound);
    assert_eq!(c.lease().unwrap().expires(), Some(Instant::from_secs(900)));
    c.release(Instant::from_secs(400));
    exchange(&mut c, &mut s, Instant::from_secs(400));
    assert_eq!(events(&mut c), [Event::Released(a)]);
    assert_eq!(server_state(&s, a), Some(LeaseState::Released));
    assert_eq!(s.counters().released, 1);
}

#[test]
fn rfc2131_3_1_5_decline_quarantines_and_the_next_address_is_offered() {
    let (mut c, mut s) = (client(false), server(false));
    c.handle_timeout(Instant::ZERO);
    exchange(&mut c, &mut s, Instant::ZERO);
    let first = Ipv4Addr::new(192, 0, 2, 100);
    assert_eq!(events(&mut c), [Event::Check(first)]);
    // The probe found another owner.
    c.address_checked(Instant::from_secs(1), true);
    exchange(&mut c, &mut s, Instant::from_secs(1));
    assert_eq!(events(&mut c), [Event::Declined(first)]);
    assert_eq!(server_state(&s, first), Some(LeaseState::Declined));
    assert_eq!(c.poll_timeout(), Some(Instant::from_secs(11)), "10 s before starting again");
    timers(&mut c, &mut s, Instant::from_secs(11));
    let second = Ipv4Addr::new(192, 0, 2, 101);
    assert_eq!(events(&mut c), [Event::Check(second)]);
}

#[test]
fn rfc4039_rapid_commit_two_messages() {
    let (mut c, mut s) = (client(true), server(true));
    c.handle_timeout(Instant::ZERO);
    assert_eq!(exchange(&mut c, &mut s, Instant::ZERO), 2, "DISCOVER and ACK");
    assert_eq!(events(&mut c), [Event::Check(Ipv4Addr::new(192, 0, 2, 100))]);
    assert_eq!(server_state(&s, Ipv4Addr::new(192, 0, 2, 100)), Some(LeaseState::Bound));
}
