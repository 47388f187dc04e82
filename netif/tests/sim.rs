//! The simulation runner: fake machines on the in-memory switch, in virtual time.

mod common;

use std::collections::VecDeque;
use std::ops::ControlFlow;

use common::{frame, parse, Echoer, Node, Pinger, REQUEST};
use unet_core::{Duration, FrameMachine, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::{RunOutcome, SimError, Simulation};

const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];

/// A pinger on port 0 and an echoer on port 1, both links with `faults`.
fn ping_pair(seed: u64, faults: LinkFaults, count: u32) -> Simulation<Node> {
    let (switch, a, b) = Switch::pair(seed, A, B);
    switch.set_faults_all(faults);
    let mut sim = Simulation::new(switch);
    let start = Instant::from_millis(100);
    let pinger = Pinger::new(A, B, start, Duration::from_millis(100), count);
    sim.add_node(Node::Ping(pinger), a);
    sim.add_node(Node::Echo(Echoer::new(B)), b);
    sim
}

#[test]
fn round_trips_take_exactly_twice_the_link_delay() {
    let faults = LinkFaults { delay: Duration::from_millis(5), ..LinkFaults::default() };
    let mut sim = ping_pair(1, faults, 10);
    let outcome = sim.run_until(Instant::from_secs(5), |_| ControlFlow::Continue(())).unwrap();
    // After the last reply nothing is scheduled: the run ends idle, clock at the deadline.
    assert_eq!(outcome, RunOutcome::Idle);
    assert_eq!(sim.now(), Instant::from_secs(5));
    let rtts = sim.machine(0).pinger().rtts();
    assert_eq!(rtts.len(), 10);
    assert!(rtts.iter().all(|&(_, rtt)| rtt == Duration::from_millis(10)), "{rtts:?}");
    // The echoer saw request n at 100 ms * (n + 1) + 5 ms.
    let seen = &sim.machine(1).echoer().seen;
    assert_eq!(seen[3], (Instant::from_millis(405), 3));
    let stats = sim.stats();
    assert_eq!((stats.frames_sent, stats.frames_received), (20, 20));
    assert_eq!(stats.timeouts, 10);
}

#[test]
fn deadline_stops_with_events_pending() {
    let mut sim = ping_pair(1, LinkFaults::default(), 10);
    let outcome = sim.run_until(Instant::from_millis(350), |_| ControlFlow::Continue(())).unwrap();
    assert_eq!(outcome, RunOutcome::Deadline);
    assert_eq!(sim.now(), Instant::from_millis(350));
    assert_eq!(sim.machine(0).pinger().replies.len(), 3);
    // Going on from there picks up where it stopped.
    sim.run_for(Duration::from_secs(2), |_| ControlFlow::Continue(())).unwrap();
    assert_eq!(sim.machine(0).pinger().replies.len(), 10);
}

#[test]
fn application_break_stops_at_that_instant() {
    let faults = LinkFaults { delay: Duration::from_millis(1), ..LinkFaults::default() };
    let mut sim = ping_pair(1, faults, 10);
    let outcome = sim
        .run_until(Instant::from_secs(5), |sim| {
            if sim.machine(0).pinger().replies.len() == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(outcome, RunOutcome::Stopped);
    assert_eq!(sim.now(), Instant::from_millis(302));
}

#[test]
fn lossy_link_is_deterministic_per_seed_and_accounted() {
    let faults = LinkFaults {
        loss: 0.2,
        reorder: 0.1,
        delay: Duration::from_millis(2),
        ..LinkFaults::default()
    };
    let run = |seed| {
        let mut sim = ping_pair(seed, faults, 200);
        sim.run_for(Duration::from_secs(30), |_| ControlFlow::Continue(())).unwrap();
        let sw = sim.switch().clone();
        let (lost_req, lost_rep) = (sw.stats(1).unwrap().lost, sw.stats(0).unwrap().lost);
        (sim.machine(0).pinger().replies.clone(), lost_req, lost_rep)
    };
    let (replies, lost_req, lost_rep) = run(7);
    assert_eq!(replies.len() as u64, 200 - lost_req - lost_rep);
    assert!(lost_req > 20 && lost_rep > 20, "{lost_req} {lost_rep}");
    assert_eq!(run(7).0, replies);
    assert_ne!(run(8).0, replies);
}

#[test]
fn wake_at_calls_the_application_when_nothing_else_happens() {
    let switch = Switch::new(1);
    let port = switch.add_port(B);
    let mut sim: Simulation<Echoer> = Simulation::new(switch);
    sim.add_node(Echoer::new(B), port);
    sim.wake_at(Instant::from_secs(1));
    sim.wake_at(Instant::from_secs(3));
    let mut calls = Vec::new();
    let outcome = sim
        .run_until(Instant::from_secs(10), |sim| {
            calls.push(sim.now());
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(outcome, RunOutcome::Idle);
    assert_eq!(calls, vec![Instant::ZERO, Instant::from_secs(1), Instant::from_secs(3)]);
}

/// Answers every frame with a new request to its sender: two of them never stop.
#[derive(Debug)]
struct Reflector {
    mac: [u8; 6],
    out: VecDeque<Vec<u8>>,
}

impl FrameMachine for Reflector {
    fn handle_frame(&mut self, _now: Instant, f: &[u8]) {
        if let Some((_, src, _, seq)) = parse(f) {
            self.out.push_back(frame(src, self.mac, REQUEST, seq + 1));
        }
    }
    fn poll_transmit(&mut self, _now: Instant, buf: &mut [u8]) -> Option<usize> {
        let f = self.out.pop_front()?;
        buf[..f.len()].copy_from_slice(&f);
        Some(f.len())
    }
    fn poll_timeout(&self) -> Option<Instant> {
        None
    }
    fn handle_timeout(&mut self, _now: Instant) {}
}

#[test]
fn endless_work_at_one_instant_is_a_livelock_error() {
    let (switch, a, b) = Switch::pair(1, A, B);
    let mut sim = Simulation::new(switch);
    let first = frame(B, A, REQUEST, 0);
    sim.add_node(Reflector { mac: A, out: VecDeque::from([first]) }, a);
    sim.add_node(Reflector { mac: B, out: VecDeque::new() }, b);
    sim.set_max_rounds(500);
    let err = sim.run_for(Duration::from_secs(1), |_| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(err, SimError::Livelock { at: Instant::ZERO });
    assert_eq!(err.to_string(), "livelock: work never ends at 0.000000");

    // The same pair over a link with a delay just plays ping-pong as time passes.
    let (switch, a, b) = Switch::pair(1, A, B);
    switch.set_faults_all(LinkFaults { delay: Duration::from_millis(1), ..LinkFaults::default() });
    let mut sim = Simulation::new(switch);
    sim.add_node(Reflector { mac: A, out: VecDeque::from([frame(B, A, REQUEST, 0)]) }, a);
    sim.add_node(Reflector { mac: B, out: VecDeque::new() }, b);
    let outcome = sim.run_for(Duration::from_millis(100), |_| ControlFlow::Continue(())).unwrap();
    assert_eq!(outcome, RunOutcome::Deadline);
    assert_eq!(sim.stats().frames_received, 100);
}

#[test]
fn frames_nobody_reads_do_not_stall_virtual_time() {
    // A third port with no node: every broadcast flooded to it stays there, due but unread.
    let (switch, a, b) = Switch::pair(1, A, B);
    let _unplugged = switch.add_port([2, 0, 0, 0, 0, 0xc]);
    let mut sim = Simulation::new(switch);
    let pinger = Pinger::new(A, common::BROADCAST, Instant::ZERO, Duration::from_millis(10), 5);
    sim.add_node(Node::Ping(pinger), a);
    sim.add_node(Node::Echo(Echoer::new(B)), b);
    let outcome = sim.run_until(Instant::from_secs(1), |_| ControlFlow::Continue(())).unwrap();
    assert_eq!(outcome, RunOutcome::Idle);
    assert_eq!(sim.machine(0).pinger().replies.len(), 5);
    assert_eq!(sim.switch().in_flight(2), 5);
}
