//! Choosing an address (RFC 2131 §4.3.1) and finding table entries.

use core::net::Ipv4Addr;

use unet_core::{Duration, Instant};

use super::super::config::{HostMatch, Reservation, Subnet};
use super::super::lease::{ClientKey, LeaseState};
use super::super::request::Request;
use super::super::store::LeaseStore;
use super::Server;

/// The address picked for a client and its table slot.
pub(super) enum Choice {
    Addr(usize, Ipv4Addr),
    None,
}

impl<S: LeaseStore> Server<'_, S> {
    pub(super) fn find_addr(&self, addr: Ipv4Addr) -> Option<usize> {
        self.leases.iter().position(|l| l.as_ref().is_some_and(|l| l.addr == addr))
    }

    pub(super) fn find_client(&self, client: &ClientKey, subnet: &Subnet) -> Option<usize> {
        self.leases.iter().position(|l| {
            l.as_ref().is_some_and(|l| {
                l.client == *client && l.state != LeaseState::Declined && subnet.contains(l.addr)
            })
        })
    }

    pub(super) fn reservation(&self, req: &Request<'_>) -> Option<&Reservation> {
        let mac = (req.repr.htype.0 == 1 && req.repr.hlen == 6).then(|| {
            let mut m = [0u8; 6];
            m.copy_from_slice(&req.repr.chaddr[..6]);
            m
        });
        let by_id = req.client_id.and_then(|id| {
            self.config
                .reservations
                .iter()
                .find(|r| matches!(&r.host, HostMatch::ClientId(c) if c.as_slice() == id))
        });
        by_id.or_else(|| {
            mac.and_then(|m| self.config.reservations.iter().find(|r| r.host == HostMatch::Mac(m)))
        })
    }

    /// True when `addr` is reserved for someone other than `req`'s client.
    pub(super) fn reserved_for_other(&self, addr: Ipv4Addr, mine: Option<Ipv4Addr>) -> bool {
        mine != Some(addr) && self.config.reservation_at(addr).is_some()
    }

    pub(super) fn in_ranges(subnet: &Subnet, addr: Ipv4Addr) -> bool {
        let a = u32::from(addr);
        subnet.assignable(addr)
            && subnet.ranges.iter().any(|(f, l)| u32::from(*f) <= a && a <= u32::from(*l))
    }

    /// A table slot for `addr`: its entry, an empty slot, or the free entry that
    /// expired first (RFC 2131 §4.3.1 "oldest" reuse).
    pub(super) fn slot_for(&mut self, addr: Ipv4Addr, now: Instant) -> Option<usize> {
        if let Some(i) = self.find_addr(addr) {
            return Some(i);
        }
        if let Some(i) = self.leases.iter().position(Option::is_none) {
            return Some(i);
        }
        let i = self
            .leases
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.as_ref().filter(|l| l.is_free(now)).map(|l| (i, l.expires)))
            .min_by_key(|(_, e)| *e)
            .map(|(i, _)| i)?;
        self.counters.lease_evicted += 1;
        Some(i)
    }

    /// Picks the address for a DISCOVER (§4.3.1): the reservation, the client's current
    /// or previous address, the requested one if free, a never-used one, the free entry
    /// unused longest.
    pub(super) fn choose(&mut self, req: &Request<'_>, sn: usize, now: Instant) -> Choice {
        let subnet = self.config.subnets[sn].clone();
        let mine = self.reservation(req).map(|r| r.addr).filter(|a| subnet.contains(*a));
        let usable = |s: &Self, a: Ipv4Addr| match s.find_addr(a) {
            Some(i) => s.leases[i].as_ref().is_some_and(|l| l.usable_by(&req.client, now)),
            None => true,
        };
        if let Some(a) = mine {
            if usable(self, a) {
                return self.slot_for(a, now).map_or(Choice::None, |i| Choice::Addr(i, a));
            }
            self.counters.reservation_in_use += 1;
            return Choice::None;
        }
        if let Some(i) = self.find_client(&req.client, &subnet) {
            let a = self.leases[i].as_ref().map(|l| l.addr);
            if let Some(a) = a {
                if Self::in_ranges(&subnet, a) && !self.reserved_for_other(a, None) {
                    return Choice::Addr(i, a);
                }
            }
        }
        if let Some(a) = req.requested_ip {
            if Self::in_ranges(&subnet, a) && !self.reserved_for_other(a, None) && usable(self, a) {
                if let Some(i) = self.slot_for(a, now) {
                    return Choice::Addr(i, a);
                }
            }
        }
        // A never-used address, scanning from a rover so that allocation is usually one
        // table scan.
        let size: u32 = subnet
            .ranges
            .iter()
            .map(|(f, l)| u32::from(*l).saturating_sub(u32::from(*f)).saturating_add(1))
            .fold(0u32, u32::saturating_add);
        if size > 0 && self.leases.iter().any(Option::is_none) {
            // Taken, reserved and special addresses number at most this many, so a free
            // address (if any) shows up within that many candidates: the scan is bounded
            // even for a huge range (the fields of `ServerConfig` are public).
            let bound = (self.leases.len() + crate::server::config::MAX_RESERVATIONS + 8)
                .try_into()
                .unwrap_or(u32::MAX);
            for k in 0..size.min(bound.saturating_add(1)) {
                let mut off = (self.rover.wrapping_add(k)) % size;
                let mut cand = None;
                for (f, l) in &subnet.ranges {
                    let n = u32::from(*l).saturating_sub(u32::from(*f)).saturating_add(1);
                    if off < n {
                        cand = Some(Ipv4Addr::from(u32::from(*f).saturating_add(off)));
                        break;
                    }
                    off -= n;
                }
                let Some(a) = cand else { continue };
                if subnet.assignable(a)
                    && self.config.reservation_at(a).is_none()
                    && self.find_addr(a).is_none()
                {
                    self.rover = self.rover.wrapping_add(k + 1);
                    return self.slot_for(a, now).map_or(Choice::None, |i| Choice::Addr(i, a));
                }
            }
        }
        // The free entry of this pool unused longest.
        let old = self
            .leases
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                l.as_ref()
                    .filter(|l| {
                        l.usable_by(&req.client, now)
                            && Self::in_ranges(&subnet, l.addr)
                            && self.config.reservation_at(l.addr).is_none()
                    })
                    .map(|l| (i, l.expires, l.addr))
            })
            .min_by_key(|(_, e, _)| *e)
            .map(|(i, _, a)| (i, a));
        match old {
            Some((i, a)) => Choice::Addr(i, a),
            None => {
                if self.leases.iter().all(Option::is_some) {
                    self.counters.table_full += 1;
                } else {
                    self.counters.pool_exhausted += 1;
                }
                Choice::None
            }
        }
    }

    pub(super) fn lease_time(&self, req: &Request<'_>) -> Duration {
        let l = self.config.lease;
        match req.lease_secs {
            Some(s) => {
                let d = Duration::from_secs(u64::from(s));
                if d < l.min {
                    l.min
                } else if d > l.max {
                    l.max
                } else {
                    d
                }
            }
            None => l.default,
        }
    }
}
