//! Serving on kernel sockets (`--listen ADDR:PORT`): UDP and TCP on the same address.
//!
//! - UDP: [`UDP_THREADS`] threads share one socket (on Linux a batch of queries per
//!   `recvmmsg` and of answers per `sendmmsg`, see [`super::batch`]; elsewhere
//!   `recv_from`, answer, `send_to`), each
//!   with its own [`Server`] (so response-rate-limiting state is per thread) and its own
//!   [`AuthorityReader`].
//! - TCP (RFC 7766): an accept loop and one thread per connection, at most
//!   [`MAX_TCP_CONNECTIONS`] at once (a connection beyond that is closed at once, and
//!   counted); unet-dns's [`TcpSession`] frames it (pipelined queries answered in order,
//!   closed after its idle timeout, 10 s, RFC 7766 §6.2.3).
//!
//! Every blocking call has a timeout of at most [`POLL`], so the stop flag is seen soon.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use unet_dns::server::{Server, ServerConfig, TcpConfig, TcpSession, Transport};

use super::shared::{AuthorityReader, SharedAuthority};
use super::Clock;

/// UDP serving threads. One: measured against dnsperf on a 2-CPU machine, a second
/// thread on the same socket added contention and no throughput (the benchmark pins the
/// server to one CPU anyway).
pub const UDP_THREADS: usize = 1;
/// TCP connections served at once; more are closed as soon as they are accepted.
pub const MAX_TCP_CONNECTIONS: usize = 64;
/// The longest a thread blocks before looking at the stop flag.
pub const POLL: Duration = Duration::from_millis(200);
/// The largest DNS message (a UDP datagram is at most this too).
const MAX_MESSAGE: usize = 65535;

/// Totals of the kernel-socket server.
#[derive(Debug, Default)]
pub struct KernelStats {
    /// UDP queries answered.
    pub udp_answered: AtomicU64,
    /// UDP datagrams dropped (no answer: not a query, rate-limited, malformed header).
    pub udp_dropped: AtomicU64,
    /// TCP connections accepted.
    pub tcp_connections: AtomicU64,
    /// TCP connections closed at once because [`MAX_TCP_CONNECTIONS`] were open.
    pub tcp_refused: AtomicU64,
    /// TCP queries answered.
    pub tcp_answered: AtomicU64,
    /// TCP connections closed for idleness.
    pub tcp_idle_closed: AtomicU64,
}

/// The running threads.
#[derive(Debug)]
pub struct KernelServer {
    threads: Vec<JoinHandle<()>>,
    /// What they did.
    pub stats: Arc<KernelStats>,
    /// The address served (UDP and TCP), with the port chosen when 0 was asked for.
    pub addr: SocketAddr,
}

impl KernelServer {
    /// Binds UDP and TCP on `addr` and starts serving from `shared` until `stop`.
    pub fn start(
        addr: SocketAddr,
        shared: &Arc<SharedAuthority>,
        config: &ServerConfig,
        clock: Clock,
        stop: Arc<AtomicBool>,
    ) -> io::Result<KernelServer> {
        let udp = UdpSocket::bind(addr)?;
        udp.set_read_timeout(Some(POLL))?;
        // Port 0: TCP on the port the system chose for UDP.
        let addr = udp.local_addr()?;
        let tcp = TcpListener::bind(addr)?;
        tcp.set_nonblocking(true)?;
        let stats = Arc::new(KernelStats::default());
        let mut threads = Vec::new();
        for _ in 0..UDP_THREADS {
            let socket = udp.try_clone()?;
            let reader = shared.reader();
            let server = Server::new(*config);
            let (stop, stats) = (Arc::clone(&stop), Arc::clone(&stats));
            threads.push(std::thread::spawn(move || {
                #[cfg(target_os = "linux")]
                super::batch::serve_udp_batched(&socket, reader, server, clock, &stop, &stats);
                #[cfg(not(target_os = "linux"))]
                serve_udp(&socket, reader, server, clock, &stop, &stats);
            }));
        }
        let shared = Arc::clone(shared);
        let config = *config;
        let (stop2, stats2) = (Arc::clone(&stop), Arc::clone(&stats));
        threads.push(std::thread::spawn(move || {
            accept_tcp(&tcp, &shared, &config, clock, &stop2, &stats2)
        }));
        Ok(KernelServer { threads, stats, addr })
    }

    /// Waits for every thread (after the stop flag was set).
    pub fn join(self) -> Arc<KernelStats> {
        for t in self.threads {
            let _ = t.join();
        }
        self.stats
    }
}

#[cfg_attr(target_os = "linux", allow(dead_code))]
fn serve_udp(
    socket: &UdpSocket,
    mut reader: AuthorityReader,
    mut server: Server,
    clock: Clock,
    stop: &AtomicBool,
    stats: &KernelStats,
) {
    let mut query = vec![0u8; MAX_MESSAGE];
    let mut response = vec![0u8; MAX_MESSAGE];
    while !stop.load(Ordering::Relaxed) {
        let (len, peer) = match socket.recv_from(&mut query) {
            Ok(r) => r,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                continue
            }
            Err(_) => continue,
        };
        let Some(q) = query.get(..len) else { continue };
        let answer = server.handle_query(
            clock.now(),
            reader.get(),
            peer.ip(),
            Transport::Udp,
            q,
            &mut response,
        );
        match answer.and_then(|n| response.get(..n)) {
            Some(bytes) => {
                let _ = socket.send_to(bytes, peer);
                stats.udp_answered.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                stats.udp_dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn accept_tcp(
    listener: &TcpListener,
    shared: &Arc<SharedAuthority>,
    config: &ServerConfig,
    clock: Clock,
    stop: &Arc<AtomicBool>,
    stats: &Arc<KernelStats>,
) {
    let open = Arc::new(AtomicUsize::new(0));
    let mut threads: Vec<JoinHandle<()>> = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                threads.retain(|t| !t.is_finished());
                if open.load(Ordering::Relaxed) >= MAX_TCP_CONNECTIONS {
                    stats.tcp_refused.fetch_add(1, Ordering::Relaxed);
                    drop(stream);
                    continue;
                }
                open.fetch_add(1, Ordering::Relaxed);
                stats.tcp_connections.fetch_add(1, Ordering::Relaxed);
                let reader = shared.reader();
                let server = Server::new(*config);
                let (stop, stats, open) = (Arc::clone(stop), Arc::clone(stats), Arc::clone(&open));
                threads.push(std::thread::spawn(move || {
                    serve_tcp(stream, reader, server, clock, &stop, &stats);
                    open.fetch_sub(1, Ordering::Relaxed);
                }));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
    for t in threads {
        let _ = t.join();
    }
}

/// One TCP connection, framed by a [`TcpSession`] (RFC 7766: length prefixes, pipelined
/// queries answered in order, the idle timeout), until the session closes (peer's FIN
/// after the last answer, idle, a bad frame), the socket fails, or the server stops.
fn serve_tcp(
    mut stream: TcpStream,
    mut reader: AuthorityReader,
    mut server: Server,
    clock: Clock,
    stop: &AtomicBool,
    stats: &KernelStats,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(POLL));
    let peer = match stream.peer_addr() {
        Ok(p) => p.ip(),
        Err(_) => return,
    };
    let mut session = TcpSession::new(clock.now(), peer, TcpConfig::default());
    let mut chunk = vec![0u8; 16 * 1024];
    // Bytes read that the session did not take yet (its input was full).
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let out = session.poll_transmit();
        if !out.is_empty() {
            let n = out.len();
            if stream.write_all(out).is_err() {
                return;
            }
            session.handle_sent(clock.now(), n, &mut server, reader.get());
        }
        if !pending.is_empty() {
            let taken = session.handle_input(clock.now(), &pending, &mut server, reader.get());
            pending.drain(..taken.min(pending.len()));
            if taken > 0 {
                continue;
            }
        }
        if session.is_closed() {
            stats.tcp_answered.fetch_add(session.counters().responses, Ordering::Relaxed);
            return;
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        if !pending.is_empty() {
            // Backpressure: the session holds unanswered queries; nothing more is read.
            continue;
        }
        match stream.read(&mut chunk) {
            Ok(0) => session.handle_eof(),
            Ok(n) => {
                let data = chunk.get(..n).unwrap_or_default();
                let taken = session.handle_input(clock.now(), data, &mut server, reader.get());
                pending.extend_from_slice(data.get(taken..).unwrap_or_default());
            }
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                let now = clock.now();
                // (unet-dns does not export its close reasons: idleness is seen here.)
                if session.poll_timeout().is_some_and(|t| now >= t) {
                    stats.tcp_idle_closed.fetch_add(1, Ordering::Relaxed);
                }
                session.handle_timeout(now);
            }
            Err(_) => return,
        }
    }
}
