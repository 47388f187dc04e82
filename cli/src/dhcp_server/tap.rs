//! `unet dhcp-server --tap IFACE --ipv4 ADDR/PREFIX`: the server on a unet stack over a
//! TAP device, a UDP socket bound to port 67. Replies that RFC 2131 §4.1 unicasts to a
//! client without an address (`Transmit::hw_dst`) go to `yiaddr` at `chaddr`: the
//! client's entry is put in the neighbour cache first (`Stack::dhcp_learn_client`), so
//! no ARP is needed; if the cache refuses, the reply is broadcast. Probes of never-used addresses are ICMP echoes from the stack
//! (an echo reply means the address is in use).

use std::io::{self, Write};
use std::net::Ipv4Addr;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use unet_dhcp::server::Event as DhcpEvent;
use unet_dhcp::server::{RxMeta, Server, ServerConfig, Transmit, SERVER_PORT};
use unet_netif::host::{Clock, Runner};
use unet_netif::{NetIf, Tap};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::udp::{Endpoint, UdpError};
use unet_stack::Event as StackEvent;

use super::{open_store, reply_line, LEASE_SLOTS};
use crate::host::{build_stack, HostSettings};

/// Serves on the TAP device of `settings` until `stop` is set; returns the counters line.
pub fn serve_tap(
    settings: &HostSettings,
    config: ServerConfig,
    leases_file: Option<&Path>,
    stop: Arc<AtomicBool>,
    log: &mut dyn Write,
) -> io::Result<String> {
    let clock = Clock::new();
    let mut tap = Tap::open(&settings.tap, settings.mac.0)
        .map_err(|e| io::Error::other(format!("cannot open TAP device {}: {e}", settings.tap)))?;
    let mtu = tap.mtu();
    let mut stack = build_stack(settings, mtu, clock.now());
    let udp = stack.udp_open(8192, 8192).map_err(|e| io::Error::other(format!("udp: {e:?}")))?;
    stack.udp_bind(udp, SERVER_PORT).map_err(|e| io::Error::other(format!("udp bind: {e:?}")))?;
    let local = settings.ipv4.address();
    let (store, restored) = open_store(leases_file, clock.now())?;
    let mut table = vec![None; LEASE_SLOTS];
    let mut server = Server::new(config, &mut table[..], store);
    let n = restored.len();
    for l in restored {
        server.restore(l);
    }
    writeln!(log, "unet dhcp-server: serving on {} ({local}), {n} leases restored", settings.tap)?;
    let runner = Runner::new().clock(clock).stop_flag(Arc::clone(&stop));
    let mut rx = [0u8; 1500];
    let mut tx = [0u8; 1500];
    let mut seq: u16 = 0;
    let result = runner.run(&mut tap, &mut stack, |stack, now| {
        // Echo replies to our probes: the address is in use.
        while let Some(ev) = stack.poll_event() {
            if let StackEvent::EchoReply { from, ident: PROBE_IDENT, .. } = ev {
                let _ = writeln!(log, "probe {from}: in use, not offered");
                server.handle_probe_answer(now, from);
            }
        }
        while server.poll_timeout().is_some_and(|t| t <= now) {
            server.handle_timeout(now);
            send(&mut server, stack, now, udp, &mut tx, log);
        }
        loop {
            match stack.udp_recv_from(udp, &mut rx) {
                Ok((len, meta)) => {
                    let src: Ipv4Addr = meta.remote.addr;
                    server.handle_datagram(now, RxMeta { src, local }, &rx[..len.min(rx.len())]);
                    send(&mut server, stack, now, udp, &mut tx, log);
                }
                Err(UdpError::WouldBlock) => break,
                Err(_) => {}
            }
        }
        while let Some(DhcpEvent::Probe(addr)) = server.poll_event() {
            seq = seq.wrapping_add(1);
            if let Err(e) = stack.ping(now, addr, PROBE_IDENT, seq, b"unet dhcp probe") {
                let _ = writeln!(log, "probe {addr}: {e:?}");
            }
        }
        if stop.load(Ordering::Relaxed) {
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    result.map_err(|e| io::Error::other(format!("the device failed: {e}")))?;
    Ok(format!("{:?}", server.counters()))
}

/// ICMP echo identifier of the server's probes.
const PROBE_IDENT: u16 = 0xd4c9;

fn send<S: unet_dhcp::server::LeaseStore>(
    server: &mut Server<'_, S>,
    stack: &mut unet_stack::Stack<'_>,
    now: unet_core::Instant,
    udp: unet_stack::SocketHandle,
    tx: &mut [u8],
    log: &mut dyn Write,
) {
    while let Some(t) = server.poll_transmit(tx) {
        let data = &tx[..t.len];
        let dst = match t.hw_dst {
            Some(hw) if stack.dhcp_learn_client(now, t.dst, EthernetAddress(hw)) => t.dst,
            Some(_) => Ipv4Addr::BROADCAST,
            None => t.dst,
        };
        let _ = writeln!(log, "{}", reply_line(data, &Transmit { dst, ..t }));
        if let Err(e) = stack.udp_send_to(udp, data, Endpoint { addr: dst, port: t.port }) {
            let _ = writeln!(log, "send to {dst}: {e:?}");
        }
    }
}
