//! The host side of IGMP: which groups this interface belongs to, and the reports and
//! leaves that tell the routers (RFC 2236 §3 and §6, with RFC 2236 §4's version 1
//! compatibility and RFC 3376 §7.2.1's handling of version 3 queries by a version 2 host).
//!
//! Per group, RFC 2236 §6's states: *Delaying Member* (a report timer runs) and *Idle
//! Member*; *Non-Member* is "not in the table".
//!
//! - [`Membership::join`] queues an unsolicited report now, repeated `robustness - 1` times
//!   at random delays up to the Unsolicited Report Interval (RFC 2236 §3).
//! - A query (version 1, 2, or 3 read as version 2) starts each concerned group's timer at
//!   a random delay in [0, Max Resp Time], or resets it when the running one would fire
//!   later than Max Resp Time (RFC 2236 §3). A report heard from another host for a group
//!   whose timer runs stops the timer and clears our "last reporter" flag (suppression).
//! - A version 1 query (Max Resp Time zero) marks a version 1 querier present for 400 s:
//!   reports go out as version 1 and no Leave is sent (RFC 2236 §4).
//! - [`Membership::leave`] sends a Leave Group to 224.0.0.2 if we were the last host to
//!   report the group (RFC 2236 §3: otherwise it "MAY be skipped").
//! - 224.0.0.1 (all systems) is always joined and never reported (RFC 2236 §6).
//!
//! Every IGMP message goes out with TTL 1 and the Router Alert option (RFC 2236 §2, RFC
//! 3376 §4): build its IP header with [`ip_repr`].
//!
//! Randomness comes from a [`SplitMix64`] the machine owns, seeded by the caller: the same
//! seed and inputs give the same reports at the same times.
//!
//! Not done: the IGMPv3 host state machine (RFC 3376 §5, source filters and
//! state-change records). A version 3 querier sees this host's version 2 reports and
//! switches the group to version 2 compatibility mode (RFC 3376 §7.3.2).

use core::fmt;
use core::net::Ipv4Addr;

use managed::ManagedSlice;
use unet_core::rng::{RngCore, SplitMix64};
use unet_core::{Duration, Instant, IpProtocol};

use super::repr::Repr as IgmpRepr;
use crate::Repr;

/// 224.0.0.1, all systems on this subnet.
pub const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
/// 224.0.0.2, all routers on this subnet: where Leave Group goes (RFC 2236 §3).
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// The Router Alert option (RFC 2113 §2.1, value 0) every IGMP message carries.
pub const ROUTER_ALERT: [u8; 4] = [148, 4, 0, 0];

/// The IP header of an IGMP message from `src` to `dst`: TTL 1, Router Alert (RFC 2236 §2,
/// RFC 3376 §4), protocol IGMP, identification 0 (the stack sets its own).
pub fn ip_repr(src: Ipv4Addr, dst: Ipv4Addr, igmp: &IgmpRepr<'_>) -> Repr<'static> {
    Repr {
        src,
        dst,
        protocol: IpProtocol::IGMP,
        ttl: 1,
        dscp: 0,
        ecn: 0,
        identification: 0,
        dont_frag: false,
        more_frags: false,
        frag_offset: 0,
        payload_len: igmp.buffer_len(),
        options: &ROUTER_ALERT,
    }
}

/// Timers and counts (RFC 2236 §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Robustness Variable: how many unsolicited reports a join sends (§8.1; default 2).
    pub robustness: u8,
    /// Unsolicited Report Interval: the longest delay between them (§8.10; default 10 s).
    pub unsolicited_report_interval: Duration,
    /// Version 1 Router Present Timeout (§8.11; default 400 s).
    pub v1_router_present_timeout: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            robustness: 2,
            unsolicited_report_interval: Duration::from_secs(10),
            v1_router_present_timeout: Duration::from_secs(400),
        }
    }
}

/// Why a join or leave was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MembershipError {
    /// The address is not a multicast group (224.0.0.0/4).
    NotMulticast,
    /// Every group slot is taken (the table's capacity is the storage given to
    /// [`Membership::new`]).
    TableFull,
    /// Leaving a group that was not joined.
    NotJoined,
    /// 224.0.0.1 cannot be left (RFC 2236 §6: every host is always a member).
    AllSystems,
}

impl fmt::Display for MembershipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MembershipError::NotMulticast => "not a multicast group",
            MembershipError::TableFull => "multicast group table full",
            MembershipError::NotJoined => "group not joined",
            MembershipError::AllSystems => "224.0.0.1 is always joined",
        })
    }
}

/// Counters (saturating).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Reports sent (version 1 or 2).
    pub reports_sent: u64,
    /// Leave Group messages sent.
    pub leaves_sent: u64,
    /// Queries handled.
    pub queries: u64,
    /// Reports not sent because another host reported first.
    pub suppressed: u64,
    /// Joins refused because the table was full.
    pub table_full: u64,
}

fn bump(c: &mut u64) {
    *c = c.saturating_add(1);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    /// Idle Member (no timer) or Delaying Member (timer set).
    Member,
    /// Left; the Leave Group is waiting for `poll_transmit`.
    Leaving,
}

/// One entry of the group table. Give [`Membership::new`] an array of them:
/// `[GroupSlot::EMPTY; N]` bounds the groups joined at once to N (224.0.0.1 needs none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupSlot {
    state: State,
    group: Ipv4Addr,
    /// When to send the next report (or the Leave).
    timer: Option<Instant>,
    /// We sent the last report heard for this group (RFC 2236 §6 "flag").
    last_reporter: bool,
    /// Unsolicited reports still to repeat after the next one.
    unsolicited_left: u8,
}

impl GroupSlot {
    /// A free slot.
    pub const EMPTY: GroupSlot = GroupSlot {
        state: State::Free,
        group: Ipv4Addr::UNSPECIFIED,
        timer: None,
        last_reporter: false,
        unsolicited_left: 0,
    };
}

impl Default for GroupSlot {
    fn default() -> GroupSlot {
        GroupSlot::EMPTY
    }
}

/// The membership machine of one interface; see the [module documentation](self).
#[derive(Debug)]
pub struct Membership<'a> {
    groups: ManagedSlice<'a, GroupSlot>,
    config: Config,
    rng: SplitMix64,
    v1_querier_until: Option<Instant>,
    stats: Stats,
}

impl<'a> Membership<'a> {
    /// A membership table in `storage` (reset to free), with randomness seeded by `seed`.
    pub fn new(
        storage: impl Into<ManagedSlice<'a, GroupSlot>>,
        config: Config,
        seed: u64,
    ) -> Membership<'a> {
        let mut groups = storage.into();
        groups.iter_mut().for_each(|g| *g = GroupSlot::EMPTY);
        Membership {
            groups,
            config,
            rng: SplitMix64::new(seed),
            v1_querier_until: None,
            stats: Stats::default(),
        }
    }

    /// The counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// True if datagrams to `group` are for us: 224.0.0.1, or a group joined (and not
    /// left).
    pub fn is_member(&self, group: Ipv4Addr) -> bool {
        group == ALL_SYSTEMS || self.find(group).is_some()
    }

    /// The groups joined (224.0.0.1 not included).
    pub fn groups(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.groups.iter().filter(|g| g.state == State::Member).map(|g| g.group)
    }

    /// True while a version 1 querier was heard within the last 400 s (RFC 2236 §4).
    pub fn v1_querier_present(&self, now: Instant) -> bool {
        self.v1_querier_until.is_some_and(|until| now < until)
    }

    fn find(&self, group: Ipv4Addr) -> Option<usize> {
        self.groups.iter().position(|g| g.state == State::Member && g.group == group)
    }

    fn random_delay(&mut self, max: Duration) -> Duration {
        let span = max.as_micros().saturating_add(1);
        Duration::from_micros(self.rng.next_u64() % span)
    }

    /// Joins `group`: an unsolicited report goes out at once (RFC 2236 §3). Joining a group
    /// already joined, or 224.0.0.1, does nothing.
    pub fn join(&mut self, now: Instant, group: Ipv4Addr) -> Result<(), MembershipError> {
        if !group.is_multicast() {
            return Err(MembershipError::NotMulticast);
        }
        if self.is_member(group) {
            return Ok(());
        }
        // Re-joining before our Leave went out: the slot is still ours.
        let reuse = self.groups.iter().position(|g| g.state == State::Leaving && g.group == group);
        let free = self.groups.iter().position(|g| g.state == State::Free);
        let Some(i) = reuse.or(free) else {
            bump(&mut self.stats.table_full);
            return Err(MembershipError::TableFull);
        };
        self.groups[i] = GroupSlot {
            state: State::Member,
            group,
            timer: Some(now),
            last_reporter: false,
            unsolicited_left: self.config.robustness.saturating_sub(1),
        };
        Ok(())
    }

    /// Leaves `group`. A Leave Group to 224.0.0.2 is queued if we sent the last report and
    /// no version 1 querier is present (RFC 2236 §3, §4).
    pub fn leave(&mut self, now: Instant, group: Ipv4Addr) -> Result<(), MembershipError> {
        if group == ALL_SYSTEMS {
            return Err(MembershipError::AllSystems);
        }
        let i = self.find(group).ok_or(MembershipError::NotJoined)?;
        let v1 = self.v1_querier_present(now);
        let slot = &mut self.groups[i];
        if slot.last_reporter && !v1 {
            *slot = GroupSlot { state: State::Leaving, timer: Some(now), ..*slot };
        } else {
            *slot = GroupSlot::EMPTY;
        }
        Ok(())
    }

    /// Takes a received IGMP message (RFC 2236 §6 events "query received" and "report
    /// received"); other messages are ignored.
    pub fn handle_igmp(&mut self, now: Instant, igmp: &IgmpRepr<'_>) {
        match *igmp {
            IgmpRepr::Query { max_resp_code, group_addr } => {
                let max = if max_resp_code == 0 {
                    // RFC 2236 §4: a version 1 query; its Max Resp Time is taken as 10 s.
                    self.v1_querier_until = Some(now + self.config.v1_router_present_timeout);
                    Duration::from_secs(10)
                } else {
                    Duration::from_millis(u64::from(max_resp_code) * 100)
                };
                self.query(now, group_addr, max);
            }
            // RFC 3376 §7.2.1: a version 2 host answers a version 3 query as a version 2
            // one; a group-and-source-specific query is answered for the whole group.
            IgmpRepr::QueryV3 { group_addr, .. } => {
                let max = igmp.max_resp_time().unwrap_or(Duration::ZERO);
                self.query(now, group_addr, max);
            }
            IgmpRepr::ReportV1 { group_addr } | IgmpRepr::ReportV2 { group_addr } => {
                if let Some(i) = self.find(group_addr) {
                    let slot = &mut self.groups[i];
                    if slot.timer.is_some() {
                        bump(&mut self.stats.suppressed);
                    }
                    slot.timer = None;
                    slot.unsolicited_left = 0;
                    slot.last_reporter = false;
                }
            }
            _ => {}
        }
    }

    fn query(&mut self, now: Instant, group: Ipv4Addr, max: Duration) {
        bump(&mut self.stats.queries);
        let general = group.is_unspecified();
        if !general && (!group.is_multicast() || group == ALL_SYSTEMS) {
            return;
        }
        for i in 0..self.groups.len() {
            let slot = self.groups[i];
            if slot.state != State::Member || !(general || slot.group == group) {
                continue;
            }
            // RFC 2236 §3: start the timer, or reset it "only if the requested Max
            // Response Time is less than the remaining value of the running timer".
            let due = now + max;
            if slot.timer.is_none_or(|t| t > due) {
                let delay = self.random_delay(max);
                self.groups[i].timer = Some(now + delay);
            }
        }
    }

    /// The next IGMP message to send at `now` and its destination, if a timer is due:
    /// Leave Group messages first, then reports.
    pub fn poll_transmit(&mut self, now: Instant) -> Option<(IgmpRepr<'static>, Ipv4Addr)> {
        if let Some(slot) = self.groups.iter_mut().find(|g| g.state == State::Leaving) {
            let group_addr = slot.group;
            *slot = GroupSlot::EMPTY;
            bump(&mut self.stats.leaves_sent);
            return Some((IgmpRepr::LeaveGroup { group_addr }, ALL_ROUTERS));
        }
        let i = self
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.state == State::Member && g.timer.is_some_and(|t| t <= now))
            .min_by_key(|(_, g)| g.timer)
            .map(|(i, _)| i)?;
        let next = if self.groups[i].unsolicited_left > 0 {
            let delay = self.random_delay(self.config.unsolicited_report_interval);
            Some(now + delay)
        } else {
            None
        };
        let v1 = self.v1_querier_present(now);
        let slot = &mut self.groups[i];
        slot.unsolicited_left = slot.unsolicited_left.saturating_sub(1);
        slot.timer = next;
        slot.last_reporter = true;
        let group_addr = slot.group;
        bump(&mut self.stats.reports_sent);
        let report =
            if v1 { IgmpRepr::ReportV1 { group_addr } } else { IgmpRepr::ReportV2 { group_addr } };
        Some((report, group_addr))
    }

    /// When [`poll_transmit`](Membership::poll_transmit) will have something to send.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.groups.iter().filter(|g| g.state != State::Free).filter_map(|g| g.timer).min()
    }
}
