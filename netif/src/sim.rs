//! The simulation runner: several machines on an in-memory [`Switch`], in virtual time.
//!
//! Time never waits: after everything due at the current instant is done, the clock jumps
//! to the next event — the earliest machine timeout, switch delivery or application
//! wake-up ([`Simulation::wake_at`]). A run is fully determined by the machines, the
//! switch's seed and the application callback: `unet demo` and the two-stack tests are
//! built on it.
//!
//! At each instant the simulation repeats *rounds* until nothing more happens: fire the
//! machines' due timers, deliver the frames due to each port, call the application, drain
//! every machine's transmits into its port. A run that keeps producing work at one instant
//! (two machines answering each other with no delay) is stopped after
//! [`Simulation::max_rounds`] rounds with [`SimError::Livelock`] instead of hanging.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::ops::ControlFlow;

use unet_core::{Duration, FrameMachine, Instant};

use crate::memory::{Port, Switch};
use crate::{max_frame_len, NetIf, NetIfError};

/// A node's number in its simulation, in the order of [`Simulation::add_node`].
pub type NodeId = usize;

/// Why a simulation stopped with an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SimError {
    /// A node's driver failed for good (transient errors are only counted).
    NetIf {
        /// The node.
        node: NodeId,
        /// What failed.
        error: NetIfError,
    },
    /// Work was still being produced after [`Simulation::max_rounds`] rounds at one
    /// instant: machines (or the application) keep answering each other without time
    /// passing.
    Livelock {
        /// The instant it happened at.
        at: Instant,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::NetIf { node, error } => write!(f, "node {node}: {error}"),
            SimError::Livelock { at } => write!(f, "livelock: work never ends at {at}"),
        }
    }
}

impl std::error::Error for SimError {}

/// How [`Simulation::run_until`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// The application returned `Break`.
    Stopped,
    /// The deadline came; events remain after it.
    Deadline,
    /// Nothing was left to happen (no timeout, frame or wake-up pending); the clock was
    /// moved to the deadline.
    Idle,
}

/// What a simulation did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Distinct instants the clock stopped at.
    pub instants: u64,
    /// Rounds run (see the module documentation).
    pub rounds: u64,
    /// Frames delivered to machines.
    pub frames_received: u64,
    /// Frames machines sent.
    pub frames_sent: u64,
    /// Transient send or receive failures (counted, the frame is lost).
    pub transient_errors: u64,
    /// `handle_timeout` calls.
    pub timeouts: u64,
}

/// A machine plugged into a driver.
#[derive(Debug)]
struct Node<M, N> {
    machine: M,
    netif: N,
}

/// Several [`FrameMachine`]s on one [`Switch`], in virtual time.
#[derive(Debug)]
pub struct Simulation<M, N = Port> {
    switch: Switch,
    nodes: Vec<Node<M, N>>,
    now: Instant,
    wakes: BinaryHeap<Reverse<Instant>>,
    buf: Vec<u8>,
    max_rounds: usize,
    stats: SimStats,
}

impl<M: FrameMachine, N: NetIf> Simulation<M, N> {
    /// An empty simulation on `switch`, its clock at the switch's time.
    pub fn new(switch: Switch) -> Self {
        let now = switch.now();
        Simulation {
            switch,
            nodes: Vec::new(),
            now,
            wakes: BinaryHeap::new(),
            buf: Vec::new(),
            max_rounds: 10_000,
            stats: SimStats::default(),
        }
    }

    /// Plugs `machine` into `netif` (normally a [`Port`] of this simulation's switch,
    /// possibly wrapped in a [`Tee`](crate::Tee)).
    pub fn add_node(&mut self, machine: M, netif: N) -> NodeId {
        let len = max_frame_len(netif.mtu());
        if self.buf.len() < len {
            self.buf.resize(len, 0);
        }
        self.nodes.push(Node { machine, netif });
        self.nodes.len().saturating_sub(1)
    }

    /// Rounds allowed at one instant before [`SimError::Livelock`] (default 10 000).
    pub fn set_max_rounds(&mut self, rounds: usize) {
        self.max_rounds = rounds.max(1);
    }

    /// Rounds allowed at one instant.
    pub fn max_rounds(&self) -> usize {
        self.max_rounds
    }

    /// The virtual time.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The switch.
    pub fn switch(&self) -> &Switch {
        &self.switch
    }

    /// What the simulation did so far.
    pub fn stats(&self) -> SimStats {
        self.stats
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there is no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Node `id`'s machine.
    ///
    /// # Panics
    /// If `id` was not returned by [`Simulation::add_node`] (a programming error).
    pub fn machine(&self, id: NodeId) -> &M {
        &self.nodes[id].machine
    }

    /// Node `id`'s machine, mutably (for the application: open sockets, send data).
    ///
    /// # Panics
    /// If `id` was not returned by [`Simulation::add_node`].
    pub fn machine_mut(&mut self, id: NodeId) -> &mut M {
        &mut self.nodes[id].machine
    }

    /// Node `id`'s driver.
    ///
    /// # Panics
    /// If `id` was not returned by [`Simulation::add_node`].
    pub fn netif(&self, id: NodeId) -> &N {
        &self.nodes[id].netif
    }

    /// Node `id`'s driver, mutably.
    ///
    /// # Panics
    /// If `id` was not returned by [`Simulation::add_node`].
    pub fn netif_mut(&mut self, id: NodeId) -> &mut N {
        &mut self.nodes[id].netif
    }

    /// Takes the nodes apart, in order.
    pub fn into_nodes(self) -> Vec<(M, N)> {
        self.nodes.into_iter().map(|n| (n.machine, n.netif)).collect()
    }

    /// Asks for the application to be called at `at` even if nothing else happens then.
    pub fn wake_at(&mut self, at: Instant) {
        self.wakes.push(Reverse(at));
    }

    /// The next instant something is scheduled (possibly now), if anything is.
    pub fn next_event(&self) -> Option<Instant> {
        let timers = self.nodes.iter().filter_map(|n| n.machine.poll_timeout());
        let wake = self.wakes.peek().map(|Reverse(t)| *t);
        timers.chain(self.switch.next_delivery_time()).chain(wake).min()
    }

    /// The next instant after the current one something is scheduled, once everything due
    /// now has been handled. Frames due now that nobody reads (a port without a node) are
    /// passed over, so they cannot stall virtual time.
    fn next_event_after_now(&self) -> Option<Instant> {
        let now = self.now;
        let timers = self.nodes.iter().filter_map(|n| n.machine.poll_timeout());
        let wake = self.wakes.peek().map(|Reverse(t)| *t);
        // After a quiet round no timer is due (it would have fired and kept the round
        // busy) and past wake-ups were dropped: only the switch can hold events at or
        // before now.
        timers.chain(wake).chain(self.switch.next_delivery_after(now)).min()
    }

    /// Runs for `d` of virtual time; see [`Simulation::run_until`].
    pub fn run_for<F>(&mut self, d: Duration, app: F) -> Result<RunOutcome, SimError>
    where
        F: FnMut(&mut Self) -> ControlFlow<()>,
    {
        let until = self.now + d;
        self.run_until(until, app)
    }

    /// Runs until `until`, `app` returning `Break`, or nothing left to happen.
    ///
    /// `app` is called once per round (at least once per instant the clock stops at) with
    /// the simulation: read [`Simulation::now`], use [`Simulation::machine_mut`] to act on
    /// machines, [`Simulation::wake_at`] to be called back later. It should act on
    /// conditions (a reply arrived, a time came), since a call that always produces work
    /// never lets an instant end.
    pub fn run_until<F>(&mut self, until: Instant, mut app: F) -> Result<RunOutcome, SimError>
    where
        F: FnMut(&mut Self) -> ControlFlow<()>,
    {
        loop {
            if self.settle(&mut app)?.is_break() {
                return Ok(RunOutcome::Stopped);
            }
            while self.wakes.peek().is_some_and(|Reverse(t)| *t <= self.now) {
                self.wakes.pop();
            }
            match self.next_event_after_now() {
                Some(t) if t <= until => self.now = t.max(self.now),
                next => {
                    self.now = self.now.max(until);
                    self.switch.advance(self.now);
                    let outcome =
                        if next.is_some() { RunOutcome::Deadline } else { RunOutcome::Idle };
                    return Ok(outcome);
                }
            }
        }
    }

    /// Runs rounds at the current instant until one does nothing.
    fn settle<F>(&mut self, app: &mut F) -> Result<ControlFlow<()>, SimError>
    where
        F: FnMut(&mut Self) -> ControlFlow<()>,
    {
        self.stats.instants = self.stats.instants.saturating_add(1);
        for _ in 0..self.max_rounds {
            self.stats.rounds = self.stats.rounds.saturating_add(1);
            self.switch.advance(self.now);
            let mut busy = self.deliver()?;
            let flow = app(self);
            busy |= self.transmit()?;
            if flow.is_break() {
                return Ok(flow);
            }
            if !busy {
                return Ok(ControlFlow::Continue(()));
            }
        }
        Err(SimError::Livelock { at: self.now })
    }

    /// Fires due timers and feeds every due frame; true if anything happened.
    fn deliver(&mut self) -> Result<bool, SimError> {
        let now = self.now;
        let mut busy = false;
        for (id, node) in self.nodes.iter_mut().enumerate() {
            if node.machine.poll_timeout().is_some_and(|t| t <= now) {
                node.machine.handle_timeout(now);
                self.stats.timeouts = self.stats.timeouts.saturating_add(1);
                busy = true;
            }
            loop {
                match node.netif.recv(&mut self.buf) {
                    Ok(Some(n)) => {
                        if let Some(frame) = self.buf.get(..n) {
                            node.machine.handle_frame(now, frame);
                        }
                        self.stats.frames_received = self.stats.frames_received.saturating_add(1);
                        busy = true;
                    }
                    Ok(None) => break,
                    Err(e) if e.is_transient() => {
                        self.stats.transient_errors = self.stats.transient_errors.saturating_add(1);
                        busy = true;
                    }
                    Err(error) => return Err(SimError::NetIf { node: id, error }),
                }
            }
        }
        Ok(busy)
    }

    /// Drains every machine's transmits into its driver; true if anything was sent.
    fn transmit(&mut self) -> Result<bool, SimError> {
        let now = self.now;
        let mut busy = false;
        for (id, node) in self.nodes.iter_mut().enumerate() {
            // Bounded, so a machine that never stops producing ends in Livelock, not a hang.
            for _ in 0..self.max_rounds {
                let Some(n) = node.machine.poll_transmit(now, &mut self.buf) else { break };
                busy = true;
                let Some(frame) = self.buf.get(..n) else { continue };
                match node.netif.send(frame) {
                    Ok(()) => self.stats.frames_sent = self.stats.frames_sent.saturating_add(1),
                    Err(e) if e.is_transient() => {
                        self.stats.transient_errors = self.stats.transient_errors.saturating_add(1);
                    }
                    Err(error) => return Err(SimError::NetIf { node: id, error }),
                }
            }
        }
        Ok(busy)
    }
}
