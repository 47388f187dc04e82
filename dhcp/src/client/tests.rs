//! The client machine at fake times, section by section.

extern crate std;
use std::vec::Vec;

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};

use super::*;
use crate::option::ClasslessRoute;
use crate::{fixed_field, Flags, HardwareType, OptionBuilder, Vendor};

const MAC: [u8; 6] = [2, 0, 0, 0, 0, 7];
const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
const ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);

fn config() -> Config<'static> {
    let mut c = Config::new(MAC);
    c.startup_delay_max = Duration::ZERO;
    c
}

fn secs(s: u64) -> Instant {
    Instant::from_secs(s)
}

struct Sent {
    bytes: Vec<u8>,
    t: Transmit,
}

impl Sent {
    fn repr(&self) -> Repr<'_> {
        Repr::parse(&Message::new_checked(&self.bytes[..]).unwrap()).unwrap()
    }
    fn opt(&self, code: u8) -> Option<Vec<u8>> {
        let r = self.repr();
        let mut buf = [0u8; 600];
        r.options().get_joined(OptionCode(code), &mut buf).unwrap().map(|d| d.to_vec())
    }
}

fn sent(c: &mut Client<'_>, now: Instant) -> Option<Sent> {
    let mut buf = [0u8; MAX_MESSAGE_LEN];
    let t = c.poll_transmit(now, &mut buf)?;
    Some(Sent { bytes: buf[..t.len].to_vec(), t })
}

/// Runs timers up to `until`, collecting what was sent and when.
fn run(c: &mut Client<'_>, until: Instant) -> Vec<(Instant, Sent)> {
    let mut out = Vec::new();
    while let Some(t) = c.poll_timeout() {
        if t > until {
            break;
        }
        c.handle_timeout(t);
        while let Some(s) = sent(c, t) {
            out.push((t, s));
        }
    }
    out
}

fn reply(kind: MessageType, xid: u32, yiaddr: Ipv4Addr, extra: &[DhcpOption<'_>]) -> Vec<u8> {
    let mut opts = [0u8; 400];
    let mut b = OptionBuilder::new(&mut opts);
    b.push(&DhcpOption::MessageType(kind)).unwrap();
    b.push(&DhcpOption::ServerId(SERVER)).unwrap();
    for o in extra {
        b.push(o).unwrap();
    }
    let n = b.finish(true).unwrap();
    let repr = Repr {
        op: Op::BOOTREPLY,
        htype: HardwareType::ETHERNET,
        hlen: 6,
        hops: 0,
        xid,
        secs: 0,
        flags: Flags::empty(),
        ciaddr: Ipv4Addr::UNSPECIFIED,
        yiaddr,
        siaddr: Ipv4Addr::UNSPECIFIED,
        giaddr: Ipv4Addr::UNSPECIFIED,
        chaddr: fixed_field(&MAC).unwrap(),
        sname: [0; 64],
        file: [0; 128],
        vendor: Vendor::Options(&opts[..n]),
    };
    let mut buf = std::vec![0u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut buf[..])).unwrap();
    buf
}

const MASK: DhcpOption<'static> = DhcpOption::SubnetMask(Ipv4Addr::new(255, 255, 255, 0));
const LEASE: DhcpOption<'static> = DhcpOption::LeaseTime(3600);

fn router_dns() -> [u8; 4] {
    SERVER.octets()
}

fn events(c: &mut Client<'_>) -> Vec<Event> {
    core::iter::from_fn(|| c.poll_event()).collect()
}

/// INIT → SELECTING → REQUESTING → CHECKING → BOUND at `t` seconds, lease 3600 s.
fn bound(cfg: Config<'static>, t: u64) -> Client<'static> {
    let mut c = Client::new(cfg, secs(t));
    let d = run(&mut c, secs(t));
    assert_eq!(d.len(), 1);
    let rd = router_dns();
    let ad = crate::option::Addresses::new(&rd).unwrap();
    let extra = [MASK, LEASE, DhcpOption::Router(ad), DhcpOption::DomainNameServer(ad)];
    c.handle_datagram(secs(t), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &extra));
    sent(&mut c, secs(t)).unwrap();
    c.handle_datagram(secs(t), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &extra));
    if cfg.probe {
        c.address_checked(secs(t), false);
    }
    assert_eq!(c.state(), State::Bound);
    events(&mut c);
    c
}

#[test]
fn rfc2131_4_4_1_init_selecting_requesting_bound() {
    let mut cfg = config();
    cfg.hostname = Some("unet");
    let mut c = Client::new(cfg, secs(100));
    assert_eq!(c.state(), State::Init);
    let d = run(&mut c, secs(100));
    let (_, disc) = &d[0];
    assert_eq!(c.state(), State::Selecting);
    let r = disc.repr();
    assert_eq!(r.message_type(), Some(MessageType::DISCOVER));
    assert_eq!(r.flags, Flags::BROADCAST);
    assert_eq!(r.ciaddr, Ipv4Addr::UNSPECIFIED);
    assert_eq!(disc.t.src, Ipv4Addr::UNSPECIFIED);
    assert_eq!(disc.t.dst, Ipv4Addr::BROADCAST);
    assert_eq!(disc.bytes.len(), 300);
    assert_eq!(disc.opt(61), Some(std::vec![1, 2, 0, 0, 0, 0, 7]));
    assert_eq!(disc.opt(12), Some(b"unet".to_vec()));
    assert_eq!(disc.opt(57), Some(1500u16.to_be_bytes().to_vec()));
    assert_eq!(disc.opt(55).unwrap(), DEFAULT_PARAMETER_REQUEST_LIST);
    assert_eq!(disc.opt(80), None);
    let xid = r.xid;
    // An offer for another transaction is ignored.
    c.handle_datagram(secs(101), SERVER, &reply(MessageType::OFFER, xid ^ 1, ADDR, &[]));
    assert_eq!(c.state(), State::Selecting);
    assert_eq!(c.counters().rx_ignored, 1);
    c.handle_datagram(secs(102), SERVER, &reply(MessageType::OFFER, xid, ADDR, &[MASK, LEASE]));
    assert_eq!(c.state(), State::Requesting);
    let req = sent(&mut c, secs(102)).unwrap();
    let rr = req.repr();
    assert_eq!(rr.message_type(), Some(MessageType::REQUEST));
    assert_eq!(rr.xid, xid);
    assert_eq!(rr.secs, r.secs, "§4.4.1: secs as in the DISCOVER");
    assert_eq!(rr.ciaddr, Ipv4Addr::UNSPECIFIED);
    assert_eq!(req.opt(50), Some(ADDR.octets().to_vec()));
    assert_eq!(req.opt(54), Some(SERVER.octets().to_vec()));
    assert_eq!(req.t.dst, Ipv4Addr::BROADCAST);
    c.handle_datagram(secs(103), SERVER, &reply(MessageType::ACK, xid, ADDR, &[MASK, LEASE]));
    assert_eq!(c.state(), State::Checking);
    assert_eq!(c.address(), None, "not used before the check");
    assert_eq!(events(&mut c), [Event::Check(ADDR)]);
    c.address_checked(secs(104), false);
    assert_eq!(c.state(), State::Bound);
    assert_eq!(events(&mut c), [Event::Bound(ADDR)]);
    let l = c.lease().unwrap();
    assert_eq!((l.address, l.prefix_len, l.server), (ADDR, 24, SERVER));
    assert_eq!(l.obtained, secs(102), "§4.4.1: from when the REQUEST was sent");
    assert_eq!(l.expires(), Some(secs(102 + 3600)));
    assert_eq!(c.poll_timeout(), Some(secs(102 + 1800)), "T1 = 0.5 lease");
    assert_eq!(l.t2(), Some(secs(102 + 3150)), "T2 = 0.875 lease");
}

#[test]
fn rfc2131_4_1_discover_backoff_4_8_16_32_64_with_1s_jitter() {
    for seed in 0..20 {
        let mut cfg = config();
        cfg.seed = seed;
        let mut c = Client::new(cfg, secs(0));
        let d = run(&mut c, secs(400));
        let times: Vec<u64> = d.iter().map(|(t, _)| t.as_micros()).collect();
        let xids: Vec<u32> = d.iter().map(|(_, s)| s.repr().xid).collect();
        assert!(xids.iter().all(|&x| x == xids[0]), "retransmissions keep the xid");
        let expect = [4u64, 8, 16, 32, 64, 64, 64];
        for (i, w) in times.windows(2).enumerate() {
            let gap = w[1] - w[0];
            let base = expect[i.min(6)] * 1_000_000;
            assert!(gap >= base - 1_000_000 && gap <= base + 1_000_000, "gap {gap} #{i}");
        }
        assert!(times.len() >= 7);
        assert_eq!(c.counters().retransmissions, times.len() as u64 - 1);
    }
}

#[test]
fn rfc2131_4_4_1_startup_delay_up_to_10s() {
    let c = Client::new(Config::new(MAC), secs(5));
    let t = c.poll_timeout().unwrap();
    assert!(t >= secs(5) && t <= secs(15));
}

#[test]
fn rfc2131_4_4_5_renewing_unicast_then_rebinding_broadcast_then_expiry() {
    let mut c = bound(config(), 0);
    // T1 = 1800: RENEWING, unicast to the server, ciaddr set, no 50/54, no broadcast flag.
    let d = run(&mut c, secs(1800));
    assert_eq!(d.len(), 1);
    let (t, s) = &d[0];
    assert_eq!(*t, secs(1800));
    assert_eq!(c.state(), State::Renewing);
    let r = s.repr();
    assert_eq!((s.t.src, s.t.dst), (ADDR, SERVER));
    assert_eq!(r.ciaddr, ADDR);
    assert_eq!(r.flags, Flags::empty());
    assert_eq!((s.opt(50), s.opt(54)), (None, None));
    assert_eq!(c.address(), Some(ADDR));
    // Retransmissions: half the time left to T2 (3150), at least 60 s.
    let d = run(&mut c, secs(3149));
    let times: Vec<u64> = d.iter().map(|(t, _)| t.as_micros() / 1_000_000).collect();
    assert_eq!(times, [2475, 2812, 2981, 3065, 3125]);
    // T2: REBINDING, broadcast, a new xid.
    let d = run(&mut c, secs(3150));
    assert_eq!(c.state(), State::Rebinding);
    assert_eq!(d[0].1.t.dst, Ipv4Addr::BROADCAST);
    assert_eq!(d[0].1.repr().ciaddr, ADDR);
    let d = run(&mut c, secs(3599));
    let times: Vec<u64> = d.iter().map(|(t, _)| t.as_micros() / 1_000_000).collect();
    assert_eq!(times, [3375, 3487, 3547], "half of what is left, at least 60 s");
    assert_eq!(c.address(), Some(ADDR));
    // Expiry: the address is given up, INIT, and a DISCOVER asking for it again.
    let d = run(&mut c, secs(3600));
    assert_eq!(events(&mut c), [Event::Expired(ADDR)]);
    assert_eq!(c.address(), None);
    assert!(c.lease().is_none());
    assert_eq!(c.state(), State::Selecting);
    assert_eq!(d.last().unwrap().1.opt(50), Some(ADDR.octets().to_vec()));
}

#[test]
fn rfc2131_4_4_5_renewed_by_ack_restarts_timers() {
    let mut c = bound(config(), 0);
    run(&mut c, secs(1800));
    let xid = c.xid();
    c.handle_datagram(secs(1801), SERVER, &reply(MessageType::ACK, xid, ADDR, &[MASK, LEASE]));
    assert_eq!(c.state(), State::Bound);
    assert_eq!(events(&mut c), [Event::Renewed(ADDR)]);
    assert_eq!(c.lease().unwrap().expires(), Some(secs(1800 + 3600)));
    assert_eq!(c.poll_timeout(), Some(secs(1800 + 1800)));
    // Rebound from REBINDING; a changed address is a new Bound.
    run(&mut c, secs(1800 + 3150));
    assert_eq!(c.state(), State::Rebinding);
    let other = Ipv4Addr::new(192, 0, 2, 11);
    c.handle_datagram(secs(5000), SERVER, &reply(MessageType::ACK, c.xid(), other, &[LEASE]));
    assert_eq!(events(&mut c), [Event::Bound(other)]);
    run(&mut c, secs(5000 + 3150));
    c.handle_datagram(secs(8200), SERVER, &reply(MessageType::ACK, c.xid(), other, &[LEASE]));
    assert_eq!(events(&mut c), [Event::Rebound(other)]);
}

#[test]
fn rfc2131_4_4_5_t1_t2_from_options_58_59() {
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    let extra = [LEASE, DhcpOption::RenewalTime(600), DhcpOption::RebindingTime(900)];
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &extra));
    sent(&mut c, secs(0));
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &extra));
    c.address_checked(secs(1), false);
    assert_eq!(c.poll_timeout(), Some(secs(600)));
    assert_eq!(c.lease().unwrap().t2(), Some(secs(900)));
    // Out-of-order values fall back to the defaults.
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    let extra = [LEASE, DhcpOption::RenewalTime(3000), DhcpOption::RebindingTime(5000)];
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &extra));
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &extra));
    let l = c.lease().unwrap();
    assert_eq!((l.t1(), l.t2()), (Some(secs(3000)), Some(secs(3150))));
}

#[test]
fn rfc2131_3_1_nak_in_requesting_restarts_in_init() {
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &[LEASE]));
    c.handle_datagram(
        secs(1),
        SERVER,
        &reply(MessageType::NAK, c.xid(), Ipv4Addr::UNSPECIFIED, &[]),
    );
    assert_eq!(events(&mut c), [Event::Nak(None)]);
    assert_eq!(c.state(), State::Init);
    let d = run(&mut c, secs(1));
    assert_eq!(d[0].1.repr().message_type(), Some(MessageType::DISCOVER));
    assert_eq!(d[0].1.opt(50), None, "a NAKed address is not asked for again");
    assert_eq!(c.counters().naks, 1);
}

#[test]
fn rfc2131_4_4_5_nak_while_renewing_gives_address_up() {
    let mut c = bound(config(), 0);
    run(&mut c, secs(1800));
    c.handle_datagram(
        secs(1801),
        SERVER,
        &reply(MessageType::NAK, c.xid(), Ipv4Addr::UNSPECIFIED, &[]),
    );
    assert_eq!(events(&mut c), [Event::Nak(Some(ADDR))]);
    assert_eq!(c.address(), None);
    assert_eq!(c.state(), State::Init);
}

#[test]
fn rfc2131_3_1_5_requesting_without_answer_falls_back_to_init() {
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &[LEASE]));
    sent(&mut c, secs(0)).unwrap();
    let d = run(&mut c, secs(200));
    let kinds: Vec<_> = d.iter().map(|(_, s)| s.repr().message_type().unwrap()).collect();
    assert_eq!(&kinds[..4], [MessageType::REQUEST; 4], "four retransmissions");
    assert_eq!(kinds[4], MessageType::DISCOVER);
    assert!(d[4].0 >= secs(60 + 63));
}

#[test]
fn rfc5227_2_1_1_conflict_declines_and_waits_10s() {
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &[LEASE]));
    sent(&mut c, secs(0));
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &[LEASE]));
    assert_eq!(events(&mut c), [Event::Check(ADDR)]);
    c.address_checked(secs(3), true);
    assert_eq!(events(&mut c), [Event::Declined(ADDR)]);
    let dec = sent(&mut c, secs(3)).unwrap();
    assert_eq!(dec.repr().message_type(), Some(MessageType::DECLINE));
    assert_eq!(dec.repr().ciaddr, Ipv4Addr::UNSPECIFIED);
    assert_eq!(dec.opt(50), Some(ADDR.octets().to_vec()));
    assert_eq!(dec.opt(54), Some(SERVER.octets().to_vec()));
    assert_eq!(dec.t.dst, Ipv4Addr::BROADCAST);
    assert!(sent(&mut c, secs(3)).is_none());
    assert_eq!(c.state(), State::Init);
    assert_eq!(c.poll_timeout(), Some(secs(13)), "§3.1.5: 10 s before restarting");
    let d = run(&mut c, secs(13));
    assert_eq!(d[0].1.opt(50), None, "the declined address is not asked for");
}

#[test]
fn rfc2131_4_4_1_no_probe_answer_means_no_conflict() {
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &[LEASE]));
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &[LEASE]));
    run(&mut c, secs(10));
    assert_eq!(c.state(), State::Bound);
}

#[test]
fn rfc2131_3_2_init_reboot_requests_remembered_address() {
    let mut c = Client::init_reboot(config(), ADDR, secs(0));
    assert_eq!(c.state(), State::InitReboot);
    let d = run(&mut c, secs(0));
    assert_eq!(c.state(), State::Rebooting);
    let s = &d[0].1;
    assert_eq!(s.repr().message_type(), Some(MessageType::REQUEST));
    assert_eq!(s.repr().ciaddr, Ipv4Addr::UNSPECIFIED);
    assert_eq!(s.opt(50), Some(ADDR.octets().to_vec()));
    assert_eq!(s.opt(54), None, "§4.3.2: no server identifier in INIT-REBOOT");
    assert_eq!(s.t.dst, Ipv4Addr::BROADCAST);
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &[LEASE]));
    assert_eq!(events(&mut c), [Event::Check(ADDR)]);
    // A NAK sends it to INIT; silence, after the retries, too.
    let mut c = Client::init_reboot(config(), ADDR, secs(0));
    run(&mut c, secs(0));
    c.handle_datagram(
        secs(1),
        SERVER,
        &reply(MessageType::NAK, c.xid(), Ipv4Addr::UNSPECIFIED, &[]),
    );
    assert_eq!(c.state(), State::Init);
    let mut c = Client::init_reboot(config(), ADDR, secs(0));
    run(&mut c, secs(0));
    let d = run(&mut c, secs(200));
    assert!(d.iter().any(|(_, s)| s.repr().message_type() == Some(MessageType::DISCOVER)));
}

#[test]
fn rfc4039_rapid_commit_binds_on_ack_in_selecting() {
    let mut cfg = config();
    cfg.rapid_commit = true;
    cfg.probe = false;
    let mut c = Client::new(cfg, secs(0));
    let d = run(&mut c, secs(0));
    assert_eq!(d[0].1.opt(80), Some(std::vec![]));
    // An ACK without option 80 in SELECTING is not a rapid commit.
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &[LEASE]));
    assert_eq!(c.state(), State::Selecting);
    let extra = [LEASE, DhcpOption::RapidCommit];
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::ACK, c.xid(), ADDR, &extra));
    assert_eq!(c.state(), State::Bound);
    assert_eq!(events(&mut c), [Event::Bound(ADDR)]);
    assert_eq!(c.lease().unwrap().obtained, secs(0));
}

#[test]
fn rfc8925_3_2_ipv6_only_preferred_pauses_dhcpv4() {
    let mut cfg = config();
    cfg.ipv6_only_preferred = true;
    let mut c = Client::new(cfg, secs(0));
    let d = run(&mut c, secs(0));
    assert_eq!(d[0].1.opt(55).unwrap().last(), Some(&108));
    let extra = [DhcpOption::Ipv6OnlyPreferred(60)];
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &extra));
    assert_eq!(events(&mut c), [Event::Ipv6OnlyPreferred(MIN_V6ONLY_WAIT)]);
    assert_eq!(c.state(), State::Stopped);
    assert_eq!(c.poll_timeout(), Some(secs(301)));
    assert!(sent(&mut c, secs(1)).is_none());
}

#[test]
fn rfc3442_classless_routes_take_precedence_over_router() {
    let mut routes = [0u8; 32];
    let n = ClasslessRoutes::encode(
        &[
            ClasslessRoute {
                destination: Ipv4Addr::new(198, 51, 100, 0),
                prefix_len: 24,
                router: Ipv4Addr::new(192, 0, 2, 5),
            },
            ClasslessRoute {
                destination: Ipv4Addr::UNSPECIFIED,
                prefix_len: 0,
                router: Ipv4Addr::new(192, 0, 2, 254),
            },
        ],
        &mut routes,
    )
    .unwrap();
    let rd = router_dns();
    let extra = [
        LEASE,
        DhcpOption::Router(crate::option::Addresses::new(&rd).unwrap()),
        DhcpOption::ClasslessStaticRoute(ClasslessRoutes::new(&routes[..n]).unwrap()),
        DhcpOption::InterfaceMtu(1400),
        DhcpOption::DomainName(b"example.com"),
    ];
    let ack = reply(MessageType::ACK, 1, ADDR, &extra);
    let repr = Repr::parse(&Message::new_checked(&ack[..]).unwrap()).unwrap();
    let l = Lease::from_ack(&repr, secs(0), SERVER);
    assert_eq!(l.gateway(), Some(Ipv4Addr::new(192, 0, 2, 254)));
    assert_eq!(l.routes().len(), 2);
    assert_eq!(l.routers.as_slice(), [SERVER]);
    assert_eq!(l.mtu, Some(1400));
    assert_eq!(l.domain(), Some("example.com"));
    assert_eq!(std::format!("{l}"), "192.0.2.10/24 router 192.0.2.254 lease 3600s from 192.0.2.1");
}

use crate::option::ClasslessRoutes;

#[test]
fn rfc2131_4_4_6_release_unicast_to_server() {
    let mut c = bound(config(), 0);
    c.release(secs(10));
    assert_eq!(events(&mut c), [Event::Released(ADDR)]);
    let s = sent(&mut c, secs(10)).unwrap();
    assert_eq!(s.repr().message_type(), Some(MessageType::RELEASE));
    assert_eq!(s.repr().ciaddr, ADDR);
    assert_eq!((s.t.src, s.t.dst), (ADDR, SERVER));
    assert_eq!(s.opt(54), Some(SERVER.octets().to_vec()));
    assert_eq!(s.opt(55), None);
    assert_eq!(c.state(), State::Stopped);
    assert_eq!(c.address(), None);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn rfc2131_3_4_inform_for_static_address() {
    let mut c = Client::inform(config(), ADDR, secs(0));
    let d = run(&mut c, secs(0));
    let s = &d[0].1;
    assert_eq!(s.repr().message_type(), Some(MessageType::INFORM));
    assert_eq!(s.repr().ciaddr, ADDR);
    assert_eq!(s.repr().flags, Flags::empty());
    assert_eq!(s.t.src, ADDR);
    assert_eq!(s.opt(51), None);
    let rd = router_dns();
    let extra = [DhcpOption::DomainNameServer(crate::option::Addresses::new(&rd).unwrap())];
    c.handle_datagram(
        secs(1),
        SERVER,
        &reply(MessageType::ACK, c.xid(), Ipv4Addr::UNSPECIFIED, &extra),
    );
    assert_eq!(events(&mut c), [Event::Informed]);
    assert_eq!(c.lease().unwrap().dns_servers.as_slice(), [SERVER]);
    assert_eq!(c.lease().unwrap().address, ADDR);
}

#[test]
fn rfc2131_4_4_1_offer_window_prefers_requested_address() {
    let mut cfg = config();
    cfg.offer_window = Duration::from_secs(2);
    let mut c = Client::init_reboot(cfg, ADDR, secs(0));
    // Rebooting NAKed: INIT, which asks for nothing; use a remembered address via expiry instead.
    c.remembered = Some(ADDR);
    c.state = State::Init;
    run(&mut c, secs(0));
    let first = Ipv4Addr::new(192, 0, 2, 50);
    c.handle_datagram(secs(0), SERVER, &reply(MessageType::OFFER, c.xid(), first, &[LEASE]));
    c.handle_datagram(secs(1), SERVER, &reply(MessageType::OFFER, c.xid(), ADDR, &[LEASE]));
    assert_eq!(c.state(), State::Selecting);
    assert!(sent(&mut c, secs(1)).is_none());
    let d = run(&mut c, secs(2));
    assert_eq!(d[0].1.opt(50), Some(ADDR.octets().to_vec()));
}

#[test]
fn rfc2131_4_4_1_replies_for_other_clients_ignored() {
    let mut c = Client::new(config(), secs(0));
    run(&mut c, secs(0));
    let mut other = reply(MessageType::OFFER, c.xid(), ADDR, &[LEASE]);
    other[28] ^= 1; // chaddr
    c.handle_datagram(secs(0), SERVER, &other);
    c.handle_datagram(secs(0), SERVER, &other[..100]);
    assert_eq!(c.state(), State::Selecting);
    assert_eq!(c.counters().rx_ignored, 1);
    assert_eq!(c.counters().rx_malformed, 1);
    // Offers without a usable address are refused.
    c.handle_datagram(
        secs(0),
        SERVER,
        &reply(MessageType::OFFER, c.xid(), Ipv4Addr::BROADCAST, &[]),
    );
    assert_eq!(c.counters().offers_refused, 1);
}

#[test]
fn rfc4702_2_client_fqdn_and_rfc2132_9_lease_and_size_requested() {
    let mut cfg = config();
    cfg.fqdn = Some("host.example.com");
    cfg.requested_lease = Some(600);
    cfg.max_message_size = 100; // below the RFC 2132 §9.10 minimum: 576 is sent
    cfg.client_id = Some(&[0xff, 1, 2, 3]);
    let mut c = Client::new(cfg, secs(0));
    let d = run(&mut c, secs(0));
    let s = &d[0].1;
    let mut expect = std::vec![0x05, 0, 0]; // S and E flags, RCODEs 0
    expect.extend_from_slice(b"\x04host\x07example\x03com\x00");
    assert_eq!(s.opt(81), Some(expect));
    assert_eq!(s.opt(51), Some(600u32.to_be_bytes().to_vec()));
    assert_eq!(s.opt(57), Some(576u16.to_be_bytes().to_vec()));
    assert_eq!(s.opt(61), Some(std::vec![0xff, 1, 2, 3]));
}

#[test]
fn memory_is_fixed_and_small() {
    let (client, lease) = (core::mem::size_of::<Client<'static>>(), core::mem::size_of::<Lease>());
    std::eprintln!("Client {client} B, Lease {lease} B");
    // The lease's fixed capacities (lists of 4, 8 routes, 255 + 512 octets of names) are
    // most of it; the machine adds one lease and a 4-event queue.
    assert!(lease < 1200 && client < 1500, "Client {client} B, Lease {lease} B");
}
