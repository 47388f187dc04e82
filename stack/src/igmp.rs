//! Multicast group membership: which groups we receive (RFC 1112 §6.4) and the IGMPv2
//! reports that tell routers (RFC 2236 §3, host side).
//!
//! - Joining sends an unsolicited Membership Report at once and repeats it once after
//!   [`UNSOLICITED_REPORT_INTERVAL`] (RFC 2236 §3: "repeat once or twice after short
//!   delays").
//! - A query for a group we belong to (or a General Query) schedules a report after a
//!   random delay up to the query's Max Resp Time; a report by another member for the same
//!   group cancels ours (RFC 2236 §3 suppression).
//! - Leaving sends a Leave Group to 224.0.0.2 if we sent the last report (RFC 2236 §3).
//! - 224.0.0.1 (all systems) is always joined and never reported (RFC 2236 §6).

use core::net::Ipv4Addr;

use heapless::{Deque, Vec};
use unet_core::{Duration, Instant};

/// 224.0.0.1, the all-systems group every host belongs to (RFC 1112 §4).
pub const ALL_SYSTEMS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 1);
/// 224.0.0.2, the all-routers group, destination of Leave Group (RFC 2236 §3).
pub const ALL_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 2);
/// How many groups may be joined at once; a further join is refused with
/// [`MulticastError::TooManyGroups`].
pub const MAX_GROUPS: usize = 8;
/// RFC 2236 §8.10: Unsolicited Report Interval, 10 s.
pub const UNSOLICITED_REPORT_INTERVAL: Duration = Duration::from_secs(10);

/// Why a join or leave failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MulticastError {
    /// Not a multicast address, or 224.0.0.1 (always joined).
    NotAGroup,
    /// [`MAX_GROUPS`] groups are joined already.
    TooManyGroups,
    /// Leaving a group that was not joined.
    NotJoined,
}

impl core::fmt::Display for MulticastError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            MulticastError::NotAGroup => "not a joinable multicast group",
            MulticastError::TooManyGroups => "too many multicast groups",
            MulticastError::NotJoined => "group not joined",
        })
    }
}

impl core::error::Error for MulticastError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    addr: Ipv4Addr,
    /// When to send a report: `Some(Instant::ZERO)` means at once.
    report_at: Option<Instant>,
    /// Unsolicited repeats still owed after the next report.
    repeats: u8,
    /// We sent the last report for the group (RFC 2236 §3 "flag").
    last_reporter: bool,
}

/// A message the membership machine wants sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Message {
    Report(Ipv4Addr),
    Leave(Ipv4Addr),
}

/// The joined groups and their report timers.
#[derive(Debug, Default)]
pub(crate) struct Membership {
    groups: Vec<Group, MAX_GROUPS>,
    leaves: Deque<Ipv4Addr, MAX_GROUPS>,
}

impl Membership {
    pub(crate) fn new() -> Membership {
        Membership::default()
    }

    pub(crate) fn groups(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.groups.iter().map(|g| g.addr)
    }

    pub(crate) fn is_member(&self, addr: Ipv4Addr) -> bool {
        self.groups.iter().any(|g| g.addr == addr)
    }

    pub(crate) fn join(&mut self, addr: Ipv4Addr) -> Result<(), MulticastError> {
        if !addr.is_multicast() || addr == ALL_SYSTEMS {
            return Err(MulticastError::NotAGroup);
        }
        if self.is_member(addr) {
            return Ok(());
        }
        let group =
            Group { addr, report_at: Some(Instant::ZERO), repeats: 1, last_reporter: false };
        self.groups.push(group).map_err(|_| MulticastError::TooManyGroups)
    }

    pub(crate) fn leave(&mut self, addr: Ipv4Addr) -> Result<(), MulticastError> {
        let i = self.groups.iter().position(|g| g.addr == addr).ok_or(MulticastError::NotJoined)?;
        let g = self.groups.swap_remove(i);
        if g.last_reporter && self.leaves.push_back(addr).is_err() {
            // More leaves than groups cannot be owed; the router times the group out.
        }
        Ok(())
    }

    /// RFC 2236 §3: a query sets a random delay up to Max Resp Time for the groups it asks
    /// about (all of them for a General Query), unless a sooner report is due.
    pub(crate) fn handle_query(
        &mut self,
        now: Instant,
        group: Ipv4Addr,
        max_resp: Duration,
        random: u32,
    ) {
        let delay_us = max_resp.as_micros().max(1);
        let at = now + Duration::from_micros(u64::from(random) % delay_us);
        for g in self.groups.iter_mut().filter(|g| group.is_unspecified() || g.addr == group) {
            if g.report_at.is_none_or(|t| t > at) {
                g.report_at = Some(at);
            }
        }
    }

    /// RFC 2236 §3: another member's report for a group cancels our pending one.
    pub(crate) fn handle_report(&mut self, group: Ipv4Addr) {
        for g in self.groups.iter_mut().filter(|g| g.addr == group) {
            if g.repeats == 0 {
                g.report_at = None;
            }
            g.last_reporter = false;
        }
    }

    pub(crate) fn poll_message(&mut self, now: Instant) -> Option<Message> {
        if let Some(addr) = self.leaves.pop_front() {
            return Some(Message::Leave(addr));
        }
        let g = self.groups.iter_mut().find(|g| g.report_at.is_some_and(|t| t <= now))?;
        g.last_reporter = true;
        g.report_at = if g.repeats > 0 {
            g.repeats -= 1;
            Some(now + UNSOLICITED_REPORT_INTERVAL)
        } else {
            None
        };
        Some(Message::Report(g.addr))
    }

    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        if !self.leaves.is_empty() {
            return Some(Instant::ZERO);
        }
        self.groups.iter().filter_map(|g| g.report_at).min()
    }

    /// Timers are read by [`poll_message`](Self::poll_message); nothing else to do.
    pub(crate) fn handle_timeout(&mut self, _now: Instant) {}
}
