// The random driver of the DHCP client machine, shared by the proptest
// (dhcp/tests/client_random.rs) and the fuzz target (fuzz/fuzz_targets/dhcp_client.rs):
// each octet of `data` picks a step — time passing, a server reply built from the next
// octets (the right transaction, so the machine goes deep), raw octets, a probe result,
// a release — and after every step the invariants are checked: no address held past its
// lease, a timer armed in every state that waits for something, and timers that move on
// (none left in the past after a few rounds at one instant).

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};
use unet_dhcp::client::{Client, Config, State, MAX_MESSAGE_LEN};
use unet_dhcp::{
    fixed_field, DhcpOption, Flags, HardwareType, Message, MessageType, Op, OptionBuilder, Repr,
    Vendor,
};

const MAC: [u8; 6] = [2, 0, 0, 0, 0, 7];

struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn u8(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes([self.u8()?, self.u8()?, self.u8()?, self.u8()?]))
    }
    fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.0.len());
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        a
    }
}

fn reply(kind: u8, xid: u32, b: &mut Bytes<'_>, out: &mut [u8; 600]) -> Option<usize> {
    let kind = match kind % 4 {
        0 => MessageType::OFFER,
        1 => MessageType::ACK,
        2 => MessageType::NAK,
        _ => MessageType(b.u8()?),
    };
    let flags = b.u8()?;
    let yiaddr = Ipv4Addr::new(192, 0, 2, b.u8()?);
    let mut opts = [0u8; 128];
    let mut ob = OptionBuilder::new(&mut opts);
    ob.push(&DhcpOption::MessageType(kind)).ok()?;
    if flags & 1 != 0 {
        ob.push(&DhcpOption::ServerId(Ipv4Addr::new(192, 0, 2, 1 + (flags >> 6)))).ok()?;
    }
    if flags & 2 != 0 {
        // Short leases, so expiry happens within a run.
        ob.push(&DhcpOption::LeaseTime(b.u32()? % 4000)).ok()?;
    }
    if flags & 4 != 0 {
        ob.push(&DhcpOption::RenewalTime(b.u32()? % 4000)).ok()?;
        ob.push(&DhcpOption::RebindingTime(b.u32()? % 4000)).ok()?;
    }
    if flags & 8 != 0 {
        ob.push(&DhcpOption::RapidCommit).ok()?;
    }
    if flags & 16 != 0 {
        ob.push(&DhcpOption::Ipv6OnlyPreferred(b.u32()? % 1000)).ok()?;
    }
    if flags & 32 != 0 {
        let n = usize::from(b.u8()? % 32);
        let raw = b.take(n);
        ob.push_raw(unet_dhcp::OptionCode(b.u8()?), raw).ok()?;
    }
    let n = ob.finish(true).ok()?;
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
        chaddr: fixed_field(&MAC).ok()?,
        sname: [0; 64],
        file: [0; 128],
        vendor: Vendor::Options(opts.get(..n)?),
    };
    let len = repr.buffer_len();
    repr.emit(&mut Message::new_unchecked(out.get_mut(..len)?)).ok()?;
    Some(len)
}

fn check(c: &Client<'_>, now: Instant) {
    if let Some(a) = c.address() {
        let lease = c.lease().expect("an address without a lease");
        assert_eq!(lease.address, a);
        if let Some(e) = lease.expires() {
            assert!(e > now, "address {a} held at {now}, lease expired at {e}");
        }
    }
    let infinite = c.lease().is_some_and(|l| l.expires().is_none());
    let idle = matches!(c.state(), State::Informed | State::Stopped)
        || (c.state() == State::Bound && infinite);
    if !idle {
        assert!(c.poll_timeout().is_some(), "no timer in {}", c.state());
    }
}

/// A bit per state, for [`drive`]'s record of where it went.
pub fn state_bit(s: State) -> u32 {
    1 << match s {
        State::Init => 0,
        State::Selecting => 1,
        State::Requesting => 2,
        State::Checking => 3,
        State::Bound => 4,
        State::Renewing => 5,
        State::Rebinding => 6,
        State::InitReboot => 7,
        State::Rebooting => 8,
        State::Informing => 9,
        State::Informed => 10,
        _ => 11,
    }
}

/// Runs the client through the steps `data` describes; returns the states it was in
/// after each step ([`state_bit`]).
pub fn drive(data: &[u8]) -> u32 {
    let mut b = Bytes(data);
    let Some(mode) = b.u8() else { return 0 };
    let mut visited = 0;
    let mut config = Config::new(MAC);
    config.seed = u64::from(mode);
    config.probe = mode & 1 != 0;
    config.rapid_commit = mode & 2 != 0;
    config.ipv6_only_preferred = mode & 4 != 0;
    config.offer_window = Duration::from_secs(u64::from(mode >> 6));
    config.startup_delay_max = Duration::from_secs(u64::from((mode >> 3) & 3));
    let mut now = Instant::from_secs(1);
    let mut c = match mode & 0x30 {
        0x10 => Client::init_reboot(config, Ipv4Addr::new(192, 0, 2, 9), now),
        0x20 => Client::inform(config, Ipv4Addr::new(192, 0, 2, 9), now),
        _ => Client::new(config, now),
    };
    let mut tx = [0u8; MAX_MESSAGE_LEN];
    let mut msg = [0u8; 600];
    while let Some(op) = b.u8() {
        match op % 8 {
            // Time passes: to the timer, or by up to 4 hours.
            0 | 1 => {
                let step = match (op % 8, c.poll_timeout()) {
                    (0, Some(t)) => t.max(now),
                    _ => now + Duration::from_secs(u64::from(b.u8().unwrap_or(0)) * 60),
                };
                now = step;
                // A timer due now may arm another for the same instant (expiry, then
                // the DISCOVER at once): a few rounds at most, then it must be later.
                for _ in 0..4 {
                    if c.poll_timeout().is_some_and(|t| t <= now) {
                        c.handle_timeout(now);
                    }
                }
                if let Some(t) = c.poll_timeout() {
                    assert!(t > now, "timer {t} not after {now} in {}", c.state());
                }
            }
            2..=4 => {
                if let Some(n) = reply(op >> 3, c.xid(), &mut b, &mut msg) {
                    c.handle_datagram(now, Ipv4Addr::new(192, 0, 2, 1), &msg[..n]);
                }
            }
            5 => {
                let n = usize::from(b.u8().unwrap_or(0)) * 3;
                let raw = b.take(n);
                c.handle_datagram(now, Ipv4Addr::new(192, 0, 2, 1), raw);
            }
            6 => c.address_checked(now, op & 0x80 != 0),
            _ => {
                if op & 0xf0 == 0xf0 {
                    c.release(now);
                }
            }
        }
        while let Some(t) = c.poll_transmit(now, &mut tx) {
            assert!(t.len <= MAX_MESSAGE_LEN);
            let m = Message::new_checked(&tx[..t.len]).expect("we send what parses");
            Repr::parse(&m).expect("we send what parses");
        }
        while c.poll_event().is_some() {}
        check(&c, now);
        visited |= state_bit(c.state());
    }
    visited
}
