//! The demo's world: unet hosts on one in-memory switch, run in virtual time by the
//! [`Simulation`], with their applications and the transcript.
//!
//! A scene drives it with [`World::run`]: every round the world narrates the frames that
//! crossed the switch, reports the hosts' events, runs their servers (UDP echo, the TCP
//! services of `unet host`), then calls the scene's closure with a [`Turn`] to act and
//! decide whether it is done.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::{RunOutcome, Simulation};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::ipv4::route::Ipv4Cidr;
use unet_stack::{Config, Event, Stack, Storage, TcpEvent};

use super::transcript::Transcript;
use super::DemoError;
use crate::host::{default_mac, TcpApps, TcpRecord, TcpService, UdpEcho};

/// A host's number: its node in the simulation and its port on the switch.
pub type HostId = usize;

/// The delay every link has: frames take 1 ms to cross it, so round trips read 2 ms.
pub const LINK_DELAY: Duration = Duration::from_millis(1);

/// One unet host of the demo.
#[derive(Debug)]
pub struct DemoHost {
    /// Its name in the transcript.
    pub name: &'static str,
    /// Its address.
    pub cidr: Ipv4Cidr,
    /// Its MAC address.
    pub mac: EthernetAddress,
    echo: Option<UdpEcho>,
    tcp: Option<TcpApps>,
}

/// The hosts, the switch, the clock and the transcript.
#[derive(Debug)]
pub struct World<'o> {
    /// The simulation running the hosts' stacks.
    pub sim: Simulation<Stack<'static>>,
    /// The switch (also inside the simulation).
    pub switch: Switch,
    /// The hosts, by [`HostId`].
    pub hosts: Vec<DemoHost>,
    /// The transcript.
    pub log: Transcript<'o>,
    seed: u64,
}

/// What a scene's closure gets each round.
#[derive(Debug)]
pub struct Turn<'a, 'o> {
    /// The simulation: [`Simulation::now`], [`Simulation::machine_mut`],
    /// [`Simulation::wake_at`].
    pub sim: &'a mut Simulation<Stack<'static>>,
    /// The events the hosts reported this round (already in the transcript).
    pub events: &'a [(HostId, Event)],
    /// What the hosts' TCP services did this round (already in the transcript).
    pub tcp: &'a [(HostId, TcpRecord)],
    /// The transcript.
    pub log: &'a mut Transcript<'o>,
}

impl Turn<'_, '_> {
    /// The virtual time.
    pub fn now(&self) -> Instant {
        self.sim.now()
    }

    /// Host `id`'s stack.
    pub fn stack(&mut self, id: HostId) -> &mut Stack<'static> {
        self.sim.machine_mut(id)
    }

    /// Writes a line about host `id` at the current time.
    pub fn say(&mut self, id: HostId, text: &str) {
        let now = self.sim.now();
        self.log.say(now, id, text);
    }

    /// Asks to be called again at `at`.
    pub fn wake_at(&mut self, at: Instant) {
        self.sim.wake_at(at);
    }
}

impl<'o> World<'o> {
    /// An empty world: a switch seeded with `seed`, a transcript to `log`.
    pub fn new(seed: u64, log: Transcript<'o>) -> World<'o> {
        let switch = Switch::new(seed);
        switch.enable_mirror();
        World { sim: Simulation::new(switch.clone()), switch, hosts: Vec::new(), log, seed }
    }

    /// Plugs a new host into the switch, with a 1 ms link; `acd` makes it probe its address
    /// (RFC 5227) before using it.
    pub fn add_host(&mut self, name: &'static str, cidr: Ipv4Cidr, acd: bool) -> HostId {
        self.add_host_with_mac(name, cidr, default_mac(cidr.address()), acd)
    }

    /// [`World::add_host`] with a chosen MAC address.
    pub fn add_host_with_mac(
        &mut self,
        name: &'static str,
        cidr: Ipv4Cidr,
        mac: EthernetAddress,
        acd: bool,
    ) -> HostId {
        let mut config = Config::new(mac).with_ipv4(cidr);
        config.acd = acd;
        // Each host its own stream, all from the demo's seed.
        config.seed = self.seed.wrapping_mul(1000).wrapping_add(self.hosts.len() as u64);
        let stack = Stack::new(config, Storage::with_defaults(), self.sim.now());
        let port = self.switch.add_port(mac.0);
        self.switch
            .set_faults(port.id(), LinkFaults { delay: LINK_DELAY, ..LinkFaults::default() });
        let id = self.sim.add_node(stack, port);
        self.hosts.push(DemoHost { name, cidr, mac, echo: None, tcp: None });
        self.log.add_name(name);
        id
    }

    /// Host `id`'s address.
    pub fn addr(&self, id: HostId) -> Ipv4Addr {
        self.hosts.get(id).map_or(Ipv4Addr::UNSPECIFIED, |h| h.cidr.address())
    }

    /// Host `id`'s stack.
    pub fn stack(&mut self, id: HostId) -> &mut Stack<'static> {
        self.sim.machine_mut(id)
    }

    /// Starts a UDP echo server on host `id` (the one `unet host --udp-echo` runs).
    pub fn start_echo(&mut self, id: HostId, ports: &[u16]) -> Result<(), DemoError> {
        let stack = self.sim.machine_mut(id);
        let echo = UdpEcho::open(stack, ports)
            .map_err(|(port, e)| DemoError::Setup(format!("udp echo on port {port}: {e}")))?;
        if let Some(h) = self.hosts.get_mut(id) {
            h.echo = Some(echo);
        }
        Ok(())
    }

    /// Starts TCP services on host `id` (those `unet host --tcp-echo`, `--tcp-discard` and
    /// `--tcp-source` run), replacing any it had.
    pub fn start_tcp(
        &mut self,
        id: HostId,
        services: &[(u16, TcpService)],
    ) -> Result<(), DemoError> {
        let now = self.sim.now();
        let stack = self.sim.machine_mut(id);
        if let Some(old) = self.hosts.get_mut(id).and_then(|h| h.tcp.as_mut()) {
            old.close(stack, now);
        }
        let apps = TcpApps::open(stack, now, services)
            .map_err(|(port, e)| DemoError::Setup(format!("tcp service on port {port}: {e}")))?;
        if let Some(h) = self.hosts.get_mut(id) {
            h.tcp = Some(apps);
        }
        Ok(())
    }

    /// The virtual time.
    pub fn now(&self) -> Instant {
        self.sim.now()
    }

    /// Writes a line about host `id` now.
    pub fn say(&mut self, id: HostId, text: &str) {
        let now = self.sim.now();
        self.log.say(now, id, text);
    }

    /// Runs for at most `limit` of virtual time, calling `scene` every round until it
    /// returns `Break`. True if it did (the scene completed), false at the limit.
    pub fn run<F>(&mut self, limit: Duration, mut scene: F) -> Result<bool, DemoError>
    where
        F: FnMut(&mut Turn<'_, 'o>) -> ControlFlow<()>,
    {
        let World { sim, hosts, log, switch, .. } = self;
        let until = sim.now() + limit;
        let mut events = Vec::new();
        let mut records = Vec::new();
        let outcome = sim.run_until(until, |sim| {
            log.wire(switch);
            let now = sim.now();
            events.clear();
            records.clear();
            for (id, host) in hosts.iter_mut().enumerate() {
                let stack = sim.machine_mut(id);
                while let Some(event) = stack.poll_event() {
                    report(log, now, id, &event);
                    events.push((id, event));
                }
                if let Some(echo) = &mut host.echo {
                    echo.poll(stack, |r| log.say(now, id, &r.to_string()));
                }
                if let Some(tcp) = &mut host.tcp {
                    tcp.poll(stack, now, |r| {
                        log.say(now, id, &r.to_string());
                        records.push((id, r));
                    });
                }
            }
            scene(&mut Turn { sim, events: &events, tcp: &records, log })
        });
        self.log.wire(&self.switch);
        self.log.flush();
        Ok(outcome.map_err(DemoError::Sim)? == RunOutcome::Stopped)
    }

    /// Lets `d` of virtual time pass, with the hosts running (timers, echo servers).
    pub fn idle(&mut self, d: Duration) -> Result<(), DemoError> {
        self.run(d, |_| ControlFlow::Continue(())).map(|_| ())
    }

    /// Lets time pass to the next whole second (scenes start on one, so their times read
    /// well), at least `min` from now.
    pub fn idle_to_next_second(&mut self, min: Duration) -> Result<(), DemoError> {
        let at = (self.now() + min).as_micros().div_ceil(1_000_000);
        let target = Instant::from_secs(at);
        let d = target.saturating_duration_since(self.now());
        self.idle(d)
    }
}

/// Puts the events worth reading into the transcript (readiness is news; a socket
/// becoming readable is not).
fn report(log: &mut Transcript<'_>, now: Instant, id: HostId, event: &Event) {
    match event {
        Event::UdpReadable(_) | Event::UdpWritable(_) | Event::TcpAcceptReady(_) => {}
        Event::Tcp { handle, event } => {
            let what = match event {
                TcpEvent::Readable | TcpEvent::Writable => return,
                TcpEvent::Connected => "connected: ESTABLISHED",
                TcpEvent::PeerClosed => "the peer closed its side (FIN): end of its data",
                TcpEvent::Closed => "CLOSED",
                TcpEvent::Refused => "refused (RST)",
                TcpEvent::Reset => "reset by the peer",
                TcpEvent::TimedOut => "timed out",
                TcpEvent::Unreachable => "ended by an ICMP error",
                TcpEvent::Urgent => "urgent data",
                _ => return,
            };
            log.say(now, id, &format!("{handle} {what}"));
        }
        Event::AddressConflict { addr, other } => {
            log.say(
                now,
                id,
                &format!("address {addr} is already used by {other}: given up (RFC 5227 §2.1.1)"),
            );
        }
        Event::UdpError { socket, kind } => {
            log.say(now, id, &format!("ICMP error for socket {socket}: {kind}"));
        }
        e => log.say(now, id, &e.to_string()),
    }
}
