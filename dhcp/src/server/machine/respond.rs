//! Writing replies (RFC 2131 §4.3.1 table 3) and their destinations (§4.1).

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};

use crate::message::{Flags, Op};
use crate::option::{MessageType, OptionBuilder, OptionCode};
use crate::repr::Vendor;

use super::super::config::Subnet;
use super::super::lease::{Lease, LeaseState};
use super::super::reply::{copy_option, write_reply, ReplyFields};
use super::super::request::Request;
use super::super::store::LeaseStore;
use super::pool::Choice;
use super::{Server, Transmit, CLIENT_PORT, SERVER_PORT};

impl<S: LeaseStore> Server<'_, S> {
    pub(super) fn bootp(&mut self, now: Instant, req: &Request<'_>, sn: usize, sid: Ipv4Addr) {
        let Choice::Addr(i, addr) = self.choose(req, sn, now) else { return };
        let lease = Lease {
            addr,
            client: req.client,
            state: LeaseState::Bound,
            expires: Instant::MAX,
            probed: true,
        };
        if self.store.commit(&lease, now).is_err() {
            self.counters.store_failed += 1;
            return;
        }
        self.leases[i] = Some(lease);
        self.counters.bootp_replies += 1;
        let dst = self.destination(req, addr, false, sid);
        let fields = ReplyFields {
            op: Op::BOOTREPLY,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: addr,
            flags: req.repr.flags,
        };
        let cookie = matches!(req.repr.vendor, Vendor::Options(_));
        let subnet = &self.config.subnets[sn];
        let host = self.reservation(req).map(|r| r.options.clone());
        let (len, dropped) = write_reply(req, &fields, cookie, &mut self.reply_buf, |b| {
            let _ = b.push_raw(OptionCode::SUBNET_MASK, &subnet.mask().octets());
            if !subnet.routers.is_empty() {
                let _ = b.push_addresses(OptionCode::ROUTER, &subnet.routers);
            }
            push_configured(b, &[], host.as_deref().unwrap_or(&[]), &subnet.options);
        });
        self.counters.options_dropped += dropped;
        self.queue(Transmit { len, ..dst });
    }

    pub(super) fn nak(&mut self, req: &Request<'_>, sid: Ipv4Addr, why: &str) {
        self.counters.naks += 1;
        let mut dst = self.destination(req, Ipv4Addr::UNSPECIFIED, true, sid);
        let mut flags = req.repr.flags;
        if !req.repr.giaddr.is_unspecified() {
            // §4.3.2: through a relay, the broadcast bit tells it to broadcast the NAK.
            flags |= Flags::BROADCAST;
        }
        let fields = ReplyFields {
            op: Op::BOOTREPLY,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            flags,
        };
        let relay = req.has_relay.then_some(req.relay.as_slice());
        let (len, _) = write_reply(req, &fields, true, &mut self.reply_buf, |b| {
            let _ = b.push_raw(OptionCode::MESSAGE_TYPE, &[MessageType::NAK.0]);
            let _ = b.push_raw(OptionCode::SERVER_ID, &sid.octets());
            let _ = b.push_raw(OptionCode::MESSAGE, why.as_bytes());
            if let Some(r) = relay {
                let _ = b.push_raw(OptionCode::RELAY_AGENT_INFORMATION, r);
            }
        });
        dst.len = len;
        self.queue(dst);
    }

    /// RFC 2131 §4.1 destination rules.
    pub(super) fn destination(
        &self,
        req: &Request<'_>,
        yiaddr: Ipv4Addr,
        nak: bool,
        sid: Ipv4Addr,
    ) -> Transmit {
        let r = &req.repr;
        let base = Transmit {
            dst: Ipv4Addr::BROADCAST,
            port: CLIENT_PORT,
            hw_dst: None,
            src: sid,
            len: 0,
        };
        if !r.giaddr.is_unspecified() {
            Transmit { dst: r.giaddr, port: SERVER_PORT, ..base }
        } else if nak {
            base
        } else if !r.ciaddr.is_unspecified() {
            Transmit { dst: r.ciaddr, ..base }
        } else if r.flags.contains(Flags::BROADCAST) || yiaddr.is_unspecified() {
            base
        } else {
            let hw = (r.htype.0 == 1 && r.hlen == 6).then(|| {
                let mut m = [0u8; 6];
                m.copy_from_slice(&r.chaddr[..6]);
                m
            });
            match hw {
                Some(hw) => Transmit { dst: yiaddr, hw_dst: Some(hw), ..base },
                None => base,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn send(
        &mut self,
        req: &Request<'_>,
        sn: usize,
        sid: Ipv4Addr,
        kind: MessageType,
        yiaddr: Ipv4Addr,
        lease: Option<Duration>,
        rapid: bool,
    ) {
        let inform = lease.is_none();
        let dst = if inform {
            let r = &req.repr;
            let base =
                Transmit { dst: r.ciaddr, port: CLIENT_PORT, hw_dst: None, src: sid, len: 0 };
            if r.giaddr.is_unspecified() {
                base
            } else {
                Transmit { dst: r.giaddr, port: SERVER_PORT, ..base }
            }
        } else {
            self.destination(req, yiaddr, false, sid)
        };
        let ciaddr = if kind == MessageType::ACK { req.repr.ciaddr } else { Ipv4Addr::UNSPECIFIED };
        let fields = ReplyFields { op: Op::BOOTREPLY, ciaddr, yiaddr, flags: req.repr.flags };
        let subnet = &self.config.subnets[sn];
        let host =
            self.reservation(req).filter(|r| r.addr == yiaddr || inform).map(|r| r.options.clone());
        let relay = req.has_relay.then_some(req.relay.as_slice());
        let (len, dropped) = write_reply(req, &fields, true, &mut self.reply_buf, |b| {
            let _ = b.push_raw(OptionCode::MESSAGE_TYPE, &[kind.0]);
            let _ = b.push_raw(OptionCode::SERVER_ID, &sid.octets());
            if let Some(t) = lease {
                let s = u32::try_from(t.as_secs()).unwrap_or(u32::MAX);
                let _ = b.push_raw(OptionCode::LEASE_TIME, &s.to_be_bytes());
                let _ = b.push_raw(OptionCode::RENEWAL_TIME, &(s / 2).to_be_bytes());
                let _ = b.push_raw(
                    OptionCode::REBINDING_TIME,
                    &(((u64::from(s)) * 7 / 8) as u32).to_be_bytes(),
                );
            }
            // Requested options first, in the client's order (§4.3.1), then the rest.
            let host = host.as_deref().unwrap_or(&[]);
            for &c in &req.prl {
                push_one(b, c, subnet, host);
            }
            for c in [1u8, 3] {
                if !req.prl.contains(&c) {
                    push_one(b, c, subnet, host);
                }
            }
            push_configured(b, &req.prl, host, &subnet.options);
            if rapid {
                let _ = b.push_raw(OptionCode::RAPID_COMMIT, &[]);
            }
            if let Some(r) = relay {
                // RFC 3046 §2.2: echoed unchanged, last.
                let _ = b.push_raw(OptionCode::RELAY_AGENT_INFORMATION, r);
            }
        });
        self.counters.options_dropped += dropped;
        self.queue(Transmit { len, ..dst });
    }

    pub(super) fn queue(&mut self, t: Transmit) {
        if self.reply.is_some() {
            self.counters.reply_overwritten += 1;
        }
        self.reply = Some(t);
    }
}

/// One option by code: the mask and routers from the subnet, else the host's, else the
/// subnet's configured value.
fn push_one(b: &mut OptionBuilder<'_>, code: u8, subnet: &Subnet, host: &[u8]) {
    match code {
        1 => {
            let _ = b.push_raw(OptionCode::SUBNET_MASK, &subnet.mask().octets());
        }
        3 if !subnet.routers.is_empty() => {
            if !copy_option(b, host, 3) {
                let _ = b.push_addresses(OptionCode::ROUTER, &subnet.routers);
            }
        }
        0 | 255 | 50..=59 | 61 | 80 | 82 => {}
        c => {
            if !copy_option(b, host, c) {
                copy_option(b, &subnet.options, c);
            }
        }
    }
}

/// Every configured option not in `skip` and not the mask/routers (host options
/// override the subnet's with the same code).
fn push_configured(b: &mut OptionBuilder<'_>, skip: &[u8], host: &[u8], subnet: &[u8]) {
    for o in it(host).chain(it(subnet).filter(|o| !it(host).any(|h| h.code == o.code))) {
        if !skip.contains(&o.code.0) && o.code.0 != 1 && o.code.0 != 3 {
            let _ = b.push_raw(o.code, o.data);
        }
    }
}

fn it(o: &[u8]) -> impl Iterator<Item = crate::option::RawOption<'_>> {
    crate::option::OptionIter::new(o).map_while(Result::ok)
}
