//! DHCP: a fresh unet host with no address asks a unet DHCP server for one (unet-dhcp's
//! client on the stack, `DhcpHost`, and unet-dhcp's server on a UDP socket), probes it
//! (RFC 5227), uses it to ping the server, renews it at T1 and releases it.
//!
//! The two run on their own small switch in virtual time (the client is a `DhcpHost`,
//! not a plain stack like the world's hosts); their clock is shown from the world's.

use std::net::Ipv4Addr;
use std::ops::ControlFlow;

use unet_core::{Duration, FrameMachine, Instant};
use unet_dhcp::client::{Client, Config as ClientConfig, Event as DhcpEvent};
use unet_dhcp::server::{MemoryStore, RxMeta, Server, ServerConfig, REPLY_MAX, SERVER_PORT};
use unet_netif::memory::{LinkFaults, Switch};
use unet_netif::sim::Simulation;
use unet_stack::dhcp::{DhcpHost, HostEvent};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::udp::{Endpoint, UdpPacketBuffer, UdpPacketMetadata, UdpSocket};
use unet_stack::{Config, Event, SocketHandle, Stack, Storage};

use crate::demo::{DemoError, World, LINK_DELAY};

const SERVER_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 67);
const SERVER_MAC: [u8; 6] = [0x02, 0x00, 0xd4, 0xc0, 0x00, 0x43];
const CLIENT_MAC: [u8; 6] = [0x02, 0x00, 0xd4, 0xc0, 0x00, 0x44];
/// Short leases, so the renewal happens within the scene.
const LEASE: Duration = Duration::from_secs(60);

/// One node of the scene: the server's stack, or the client's host.
enum Node {
    Server(Box<Stack<'static>>),
    Client(Box<DhcpHost<'static, 'static>>),
}

impl FrameMachine for Node {
    fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        match self {
            Node::Server(s) => s.handle_frame(now, frame),
            Node::Client(c) => c.handle_frame(now, frame),
        }
    }
    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        match self {
            Node::Server(s) => s.poll_transmit(now, buf),
            Node::Client(c) => c.poll_transmit(now, buf),
        }
    }
    fn poll_timeout(&self) -> Option<Instant> {
        match self {
            Node::Server(s) => s.poll_timeout(),
            Node::Client(c) => c.poll_timeout(),
        }
    }
    fn handle_timeout(&mut self, now: Instant) {
        match self {
            Node::Server(s) => s.handle_timeout(now),
            Node::Client(c) => c.handle_timeout(now),
        }
    }
}

fn socket() -> UdpSocket<'static, Ipv4Addr> {
    let rx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8], vec![0u8; 8 * 600]);
    let tx = UdpPacketBuffer::new(vec![UdpPacketMetadata::EMPTY; 8], vec![0u8; 8 * 600]);
    UdpSocket::new(rx, tx)
}

/// Answers what arrived on the server's port 67; replies go out through the socket
/// (to 255.255.255.255 when the server would unicast to a client without an address:
/// allowed by RFC 2131 §4.1, and what the client's BROADCAST flag asks anyway).
fn serve(
    stack: &mut Stack<'static>,
    sock: SocketHandle,
    server: &mut Server<'static, MemoryStore>,
    now: Instant,
) {
    let mut buf = [0u8; 1500];
    let mut reply = [0u8; REPLY_MAX];
    while let Ok((n, meta)) = stack.udp_recv_from(sock, &mut buf) {
        let rx = RxMeta { src: meta.remote.addr, local: SERVER_ADDR };
        server.handle_datagram(now, rx, buf.get(..n).unwrap_or_default());
        while let Some(t) = server.poll_transmit(&mut reply) {
            let dst = if t.hw_dst.is_some() { Ipv4Addr::BROADCAST } else { t.dst };
            let data = reply.get(..t.len).unwrap_or_default();
            let _ = stack.udp_send_to(sock, data, Endpoint::new(dst, t.port));
        }
    }
}

/// The scene.
pub fn lease(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let origin = w.now();
    let switch = Switch::new(7);
    let mut sim: Simulation<Node> = Simulation::new(switch.clone());
    // The server: a static address, the DHCP server on port 67.
    let mut config = Config::new(EthernetAddress(SERVER_MAC))
        .with_ipv4("192.0.2.67/24".parse().map_err(|e| DemoError::Setup(format!("{e}")))?);
    config.acd = false;
    let mut server_stack = Stack::new(config, Storage::with_defaults(), Instant::ZERO);
    let sock = server_stack.udp_add(socket()).map_err(|e| DemoError::Setup(format!("{e}")))?;
    server_stack.udp_bind(sock, SERVER_PORT).map_err(|e| DemoError::Setup(format!("{e}")))?;
    let server_config = ServerConfig::builder()
        .subnet(Ipv4Addr::new(192, 0, 2, 0), 24)
        .range(Ipv4Addr::new(192, 0, 2, 100), Ipv4Addr::new(192, 0, 2, 119))
        .router(SERVER_ADDR)
        .dns(&[SERVER_ADDR])
        .lease_times(LEASE, LEASE, LEASE)
        // The client probes the address itself (RFC 5227); no server-side ping-check.
        .probe(None)
        .build()
        .map_err(|e| DemoError::Setup(format!("server config: {e}")))?;
    let mut server = Server::new(server_config, vec![None; 32], MemoryStore);
    // The client: no address; RFC 5227 probe of the leased address.
    let mut cc = ClientConfig::new(CLIENT_MAC);
    cc.startup_delay_max = Duration::ZERO;
    cc.hostname = Some("foxtrot");
    let client_stack = Stack::new(
        Config::new(EthernetAddress(CLIENT_MAC)),
        Storage::with_defaults(),
        Instant::ZERO,
    );
    let host = DhcpHost::new(client_stack, socket(), Client::new(cc, Instant::ZERO))
        .map_err(|e| DemoError::Setup(format!("client socket: {e}")))?;
    for (mac, node) in [
        (SERVER_MAC, Node::Server(Box::new(server_stack))),
        (CLIENT_MAC, Node::Client(Box::new(host))),
    ] {
        let port = switch.add_port(mac);
        switch.set_faults(port.id(), LinkFaults { delay: LINK_DELAY, ..LinkFaults::default() });
        sim.add_node(node, port);
    }
    w.log.note(
        "foxtrot has no address; dhcpd (unet-dhcp's server) serves 192.0.2.100-119 from 192.0.2.67",
    );
    let (mut bound, mut pinged, mut renewed, mut released) = (None, false, false, false);
    let mut lines: Vec<(Instant, &str, String)> = Vec::new();
    let outcome = sim.run_for(Duration::from_secs(60), |sim| {
        let now = sim.now();
        if let Node::Server(s) = sim.machine_mut(0) {
            serve(s, sock, &mut server, now);
        }
        let Node::Client(h) = sim.machine_mut(1) else { return ControlFlow::Break(()) };
        while let Some(e) = h.poll_event(now) {
            match e {
                HostEvent::Dhcp(d) => {
                    let text = match (d, h.dhcp().lease()) {
                        (DhcpEvent::Bound(_), Some(l)) => format!("bound {l}"),
                        (DhcpEvent::Renewed(_), Some(l)) => format!("renewed {l}"),
                        (DhcpEvent::Check(a), _) => {
                            format!("offered and acknowledged {a}: probing it first (RFC 5227)")
                        }
                        (d, _) => d.to_string(),
                    };
                    lines.push((now, "foxtrot", text));
                    match d {
                        DhcpEvent::Bound(a) => bound = Some(a),
                        DhcpEvent::Renewed(_) => renewed = true,
                        DhcpEvent::Released(_) => released = true,
                        _ => {}
                    }
                }
                HostEvent::Stack(Event::AddressReady(a)) => {
                    lines.push((now, "foxtrot", format!("address {a} ready")));
                    let _ = h.stack.ping(now, SERVER_ADDR, 1, 1, &[0u8; 32]);
                    lines.push((now, "foxtrot", format!("ping {SERVER_ADDR} from {a}")));
                }
                HostEvent::Stack(Event::EchoReply { from, .. }) => {
                    lines.push((now, "foxtrot", format!("echo reply from {from}")));
                    pinged = true;
                }
                HostEvent::Stack(_) => {}
            }
        }
        if renewed && !released && h.dhcp().lease().is_some() {
            h.release(now);
        }
        if released && h.stack.ipv4_addr().is_none() {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    let elapsed = sim.now().saturating_duration_since(Instant::ZERO);
    for (at, who, text) in &lines {
        w.log.line(origin + at.saturating_duration_since(Instant::ZERO), who, text);
    }
    let c = server.counters();
    let text = format!(
        "the server sent {} offer(s) and {} ack(s) (the second one the renewal) and took {} release(s)",
        c.offers, c.acks, c.released
    );
    w.log.note(&text);
    let server_saw_release = c.released == 1;
    w.idle(elapsed)?;
    outcome.map_err(DemoError::Sim)?;
    Ok(bound.is_some() && pinged && renewed && released && server_saw_release)
}
