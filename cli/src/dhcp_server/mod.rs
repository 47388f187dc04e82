//! `unet dhcp-server` on kernel UDP sockets: port 67 bound to one interface
//! (SO_BINDTODEVICE), SO_BROADCAST for replies to clients without an address, probes of
//! never-used addresses by `ping` (like ISC dhcpd's ping-check), leases in a
//! [`FileStore`] when `--leases` is given.
//!
//! A kernel socket cannot send a unicast to a client that has no address yet (the kernel
//! would ARP for it): those replies are broadcast, as RFC 2131 §4.1 allows.

use std::io::{self, Write};
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant as StdInstant};

use unet_core::Instant;
use unet_dhcp::server::{
    Event, FileStore, Lease, LeaseStore, MemoryStore, RxMeta, Server, ServerConfig, StoreError,
    Transmit, SERVER_PORT,
};
use unet_dhcp::{Message, MessageType, Repr};

pub mod tap;

/// Lease table slots the command gives the server.
pub const LEASE_SLOTS: usize = 4096;

/// The interface's first IPv4 address and prefix length.
pub fn interface_ipv4(iface: &str) -> io::Result<(Ipv4Addr, u8)> {
    let addrs = nix::ifaddrs::getifaddrs().map_err(io::Error::from)?;
    for a in addrs {
        if a.interface_name != iface {
            continue;
        }
        let (Some(addr), Some(mask)) = (a.address, a.netmask) else { continue };
        if let (Some(addr), Some(mask)) = (addr.as_sockaddr_in(), mask.as_sockaddr_in()) {
            return Ok((addr.ip(), u32::from(mask.ip()).count_ones() as u8));
        }
    }
    Err(io::Error::new(io::ErrorKind::NotFound, format!("{iface} has no IPv4 address")))
}

/// Either store, chosen at run time.
#[derive(Debug)]
pub enum AnyStore {
    /// Leases in memory only.
    Memory(MemoryStore),
    /// Leases in a file.
    File(FileStore),
}

impl LeaseStore for AnyStore {
    fn commit(&mut self, lease: &Lease, now: Instant) -> Result<(), StoreError> {
        match self {
            AnyStore::Memory(s) => s.commit(lease, now),
            AnyStore::File(s) => s.commit(lease, now),
        }
    }
}

/// Opens the store and returns the leases it had.
pub fn open_store(path: Option<&Path>, now: Instant) -> io::Result<(AnyStore, Vec<Lease>)> {
    match path {
        None => Ok((AnyStore::Memory(MemoryStore), Vec::new())),
        Some(p) => {
            let (s, leases) = FileStore::open(p, now)?;
            if s.skipped_lines() > 0 {
                eprintln!(
                    "unet dhcp-server: {}: {} unreadable lines skipped",
                    p.display(),
                    s.skipped_lines()
                );
            }
            Ok((AnyStore::File(s), leases))
        }
    }
}

/// The one-line form of a reply, for the log.
pub fn reply_line(data: &[u8], t: &Transmit) -> String {
    match Message::new_checked(data).ok().and_then(|m| Repr::parse(&m).ok()) {
        Some(r) => {
            let kind = r.message_type().map_or("BOOTREPLY".into(), |k| {
                k.name().map_or(format!("type {}", k.0), |n| n.to_uppercase())
            });
            let mac = r
                .client_hardware_address()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<Vec<_>>()
                .join(":");
            let lease = match r.get(unet_dhcp::OptionCode::LEASE_TIME, &mut [0u8; 8]) {
                Ok(Some(unet_dhcp::DhcpOption::LeaseTime(s))) => format!(" lease {s}s"),
                _ => String::new(),
            };
            format!("{kind} {} to {mac} via {}:{}{lease}", r.yiaddr, t.dst, t.port)
        }
        None => "unreadable reply".into(),
    }
}

struct Probe {
    addr: Ipv4Addr,
    child: Child,
}

/// Serves on `iface` until `stop` is set; returns the counters line.
pub fn serve_kernel(
    iface: &str,
    config: ServerConfig,
    leases_file: Option<&Path>,
    stop: Arc<AtomicBool>,
    log: &mut dyn Write,
) -> io::Result<String> {
    let (local, _) = interface_ipv4(iface)?;
    let sock = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, SERVER_PORT))?;
    nix::sys::socket::setsockopt(&sock, nix::sys::socket::sockopt::BindToDevice, &iface.into())
        .map_err(io::Error::from)?;
    sock.set_broadcast(true)?;
    let start = StdInstant::now();
    let now = || Instant::from_micros(start.elapsed().as_micros() as u64);
    let (store, restored) = open_store(leases_file, now())?;
    let mut table = vec![None; LEASE_SLOTS];
    let mut server = Server::new(config, &mut table[..], store);
    let n = restored.len();
    for l in restored {
        server.restore(l);
    }
    writeln!(log, "unet dhcp-server: serving on {iface} ({local}), {n} leases restored")?;
    let mut probes: Vec<Probe> = Vec::new();
    let mut rx = [0u8; 1500];
    let mut tx = [0u8; 1500];
    while !stop.load(Ordering::Relaxed) {
        // Probes: an answer to ping means the address is in use.
        probes.retain_mut(|p| match p.child.try_wait() {
            Ok(Some(status)) => {
                if status.success() {
                    let _ = writeln!(log, "probe {}: in use, not offered", p.addr);
                    server.handle_probe_answer(now(), p.addr);
                }
                false
            }
            Ok(None) => true,
            Err(_) => false,
        });
        while server.poll_timeout().is_some_and(|t| t <= now()) {
            server.handle_timeout(now());
            send(&mut server, &sock, &mut tx, log)?;
        }
        send(&mut server, &sock, &mut tx, log)?;
        while let Some(Event::Probe(addr)) = server.poll_event() {
            let child = Command::new("ping")
                .args(["-c", "1", "-W", "1", "-n", "-q", "-I", iface, &addr.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn();
            match child {
                Ok(child) => probes.push(Probe { addr, child }),
                Err(e) => {
                    let _ = writeln!(log, "probe {addr}: cannot run ping: {e}");
                }
            }
        }
        let wait = server
            .poll_timeout()
            .map_or(StdDuration::from_millis(100), |t| {
                StdDuration::from_micros(t.as_micros().saturating_sub(now().as_micros()))
            })
            .clamp(StdDuration::from_millis(1), StdDuration::from_millis(100));
        sock.set_read_timeout(Some(wait))?;
        match sock.recv_from(&mut rx) {
            Ok((len, src)) => {
                let src = match src {
                    std::net::SocketAddr::V4(a) => *a.ip(),
                    std::net::SocketAddr::V6(_) => continue,
                };
                server.handle_datagram(now(), RxMeta { src, local }, &rx[..len]);
                send(&mut server, &sock, &mut tx, log)?;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    for mut p in probes {
        let _ = p.child.kill();
        let _ = p.child.wait();
    }
    Ok(format!("{:?}", server.counters()))
}

fn send<S: LeaseStore>(
    server: &mut Server<'_, S>,
    sock: &UdpSocket,
    tx: &mut [u8],
    log: &mut dyn Write,
) -> io::Result<()> {
    while let Some(t) = server.poll_transmit(tx) {
        let data = &tx[..t.len];
        // No ARP-less unicast from a kernel socket: broadcast instead (§4.1 allows it).
        let dst = if t.hw_dst.is_some() { Ipv4Addr::BROADCAST } else { t.dst };
        writeln!(log, "{}", reply_line(data, &Transmit { dst, ..t }))?;
        if let Err(e) = sock.send_to(data, SocketAddrV4::new(dst, t.port)) {
            writeln!(log, "send to {dst}: {e}")?;
        }
    }
    Ok(())
}

/// The message type of a reply (for tests).
pub fn reply_kind(data: &[u8]) -> Option<MessageType> {
    Repr::parse(&Message::new_checked(data).ok()?).ok()?.message_type()
}
