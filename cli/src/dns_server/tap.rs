//! Serving on a unet [`Stack`] (`--tap IFACE --ipv4 ADDR/PREFIX`): the DNS application
//! between the stack's frames, UDP on port 53 and a TCP listener on port 53.
//!
//! [`DnsOnStack::poll`] is called by the host runner after frames (and by the demo's
//! simulation every round): it answers every datagram waiting (as long as the transmit
//! queue has room for a full answer; the rest wait in the receive queue), accepts
//! connections and answers the complete length-prefixed queries each holds (framed by
//! [`TcpSession`], RFC 7766: several per connection, pipelined answers in order). A connection closes when the
//! peer closes, on an error, or after unet-dns's [`TcpSession`] idle timeout (10 s); at most the stack's connection slots are open (the backlog beyond is the
//! stack's, [`TCP_BACKLOG`] per listener).

use std::net::{IpAddr, Ipv4Addr};

use unet_core::Instant;
use unet_dns::server::{Authority, Server, TcpConfig, TcpSession, Transport};
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::udp::{UdpError, UdpMetadata};
use unet_stack::{ListenerHandle, SocketHandle, Stack, TcpError, TcpHandle};

use crate::host::TCP_BACKLOG;

/// The DNS port.
pub const DNS_PORT: u16 = 53;
/// Payload bytes of the UDP socket's queues (each also holds up to 32 datagrams).
pub const UDP_BUFFER_BYTES: usize = 64 * 1024;
/// The largest answer we queue (what any EDNS client may ask for over UDP; TCP's limit).
const MAX_MESSAGE: usize = 65535;

/// Totals of the DNS application on the stack.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StackDnsStats {
    /// UDP queries answered.
    pub udp_answered: u64,
    /// UDP datagrams not answered (not a query, rate-limited, or the answer did not fit the
    /// transmit queue).
    pub udp_dropped: u64,
    /// TCP connections accepted.
    pub tcp_connections: u64,
    /// TCP queries answered.
    pub tcp_answered: u64,
    /// TCP connections closed for idleness.
    pub tcp_idle_closed: u64,
}

#[derive(Debug)]
struct Conn {
    handle: TcpHandle,
    session: TcpSession,
    /// Bytes read that the session did not take yet (its input was full).
    pending: Vec<u8>,
    closing: bool,
}

/// The DNS server application on one stack.
#[derive(Debug)]
pub struct DnsOnStack {
    udp: SocketHandle,
    listener: ListenerHandle,
    conns: Vec<Conn>,
    query: Vec<u8>,
    response: Vec<u8>,
    stats: StackDnsStats,
}

/// Why the DNS ports could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// UDP port 53.
    Udp(UdpError),
    /// TCP port 53.
    Tcp(TcpError),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Udp(e) => write!(f, "cannot open UDP port {DNS_PORT}: {e}"),
            OpenError::Tcp(e) => write!(f, "cannot listen on TCP port {DNS_PORT}: {e}"),
        }
    }
}

impl std::error::Error for OpenError {}

impl DnsOnStack {
    /// Opens UDP port 53 and a TCP listener on port 53.
    pub fn open(stack: &mut Stack<'static>) -> Result<DnsOnStack, OpenError> {
        let udp = stack.udp_open(UDP_BUFFER_BYTES, UDP_BUFFER_BYTES).map_err(OpenError::Udp)?;
        stack.udp_bind(udp, DNS_PORT).map_err(OpenError::Udp)?;
        let listener = stack.tcp_listen(DNS_PORT, TCP_BACKLOG).map_err(OpenError::Tcp)?;
        Ok(DnsOnStack {
            udp,
            listener,
            conns: Vec::new(),
            query: vec![0; MAX_MESSAGE],
            response: vec![0; MAX_MESSAGE + 2],
            stats: StackDnsStats::default(),
        })
    }

    /// What was answered so far.
    pub fn stats(&self) -> StackDnsStats {
        self.stats
    }

    /// Answers what is waiting; `on` hears each UDP answer (peer, query, answer bytes).
    pub fn poll(
        &mut self,
        stack: &mut Stack<'static>,
        now: Instant,
        authority: &Authority,
        server: &mut Server,
        mut on: impl FnMut(Ipv4Addr, &[u8], &[u8]),
    ) {
        self.poll_udp(stack, now, authority, server, &mut on);
        self.poll_tcp(stack, now, authority, server);
    }

    fn poll_udp(
        &mut self,
        stack: &mut Stack<'static>,
        now: Instant,
        authority: &Authority,
        server: &mut Server,
        on: &mut impl FnMut(Ipv4Addr, &[u8], &[u8]),
    ) {
        loop {
            let Ok(socket) = stack.udp_socket(self.udp) else { return };
            if socket.peek_size().is_none() || !socket.can_send(4096) {
                return;
            }
            let (len, meta) = match stack.udp_recv_from(self.udp, &mut self.query) {
                Ok(r) => r,
                Err(UdpError::WouldBlock) => return,
                Err(_) => continue,
            };
            let UdpMetadata { remote, .. } = meta;
            let Some(query) = self.query.get(..len) else { continue };
            let answer = server.handle_query(
                now,
                authority,
                IpAddr::V4(remote.addr),
                Transport::Udp,
                query,
                &mut self.response,
            );
            match answer.and_then(|n| self.response.get(..n)) {
                Some(bytes) if stack.udp_send_to(self.udp, bytes, remote).is_ok() => {
                    self.stats.udp_answered += 1;
                    on(remote.addr, query, bytes);
                }
                _ => self.stats.udp_dropped += 1,
            }
        }
    }

    fn poll_tcp(
        &mut self,
        stack: &mut Stack<'static>,
        now: Instant,
        authority: &Authority,
        server: &mut Server,
    ) {
        while let Some(handle) = stack.tcp_accept(now, self.listener) {
            let peer = match stack.tcp_connection(handle) {
                Ok(c) => c.remote().addr,
                Err(_) => continue,
            };
            self.stats.tcp_connections += 1;
            self.conns.push(Conn {
                handle,
                session: TcpSession::new(now, IpAddr::V4(peer), TcpConfig::default()),
                pending: Vec::new(),
                closing: false,
            });
        }
        let mut conns = std::mem::take(&mut self.conns);
        conns.retain_mut(|conn| self.serve(conn, stack, now, authority, server));
        self.conns = conns;
    }

    /// Moves one connection on; false once it is done with.
    fn serve(
        &mut self,
        conn: &mut Conn,
        stack: &mut Stack<'static>,
        now: Instant,
        authority: &Authority,
        server: &mut Server,
    ) -> bool {
        if conn.closing {
            return match stack.tcp_state(conn.handle) {
                Ok(state) => !matches!(state, State::TimeWait | State::Closed),
                Err(_) => false,
            };
        }
        loop {
            // Answers out first, as far as the send buffer takes them.
            let out = conn.session.poll_transmit();
            if !out.is_empty() {
                match stack.tcp_send(conn.handle, out) {
                    Ok(n) => conn.session.handle_sent(now, n, server, authority),
                    Err(_) => return self.close(conn, stack, now),
                }
            }
            if !conn.pending.is_empty() {
                let taken = conn.session.handle_input(now, &conn.pending, server, authority);
                conn.pending.drain(..taken.min(conn.pending.len()));
                if !conn.pending.is_empty() {
                    break; // backpressure: read nothing more until answers leave
                }
            }
            match stack.tcp_recv(conn.handle, &mut self.query) {
                Ok(0) => break,
                Ok(n) => {
                    let data = self.query.get(..n).unwrap_or_default();
                    let taken = conn.session.handle_input(now, data, server, authority);
                    conn.pending.extend_from_slice(data.get(taken..).unwrap_or_default());
                }
                Err(TcpError::Connection(ConnError::Finished)) => {
                    conn.session.handle_eof();
                    break;
                }
                Err(_) => return self.close(conn, stack, now),
            }
        }
        let out = conn.session.poll_transmit();
        if !out.is_empty() {
            if let Ok(n) = stack.tcp_send(conn.handle, out) {
                conn.session.handle_sent(now, n, server, authority);
            }
        }
        // (unet-dns does not export its close reasons: idleness is seen here.)
        if conn.session.poll_timeout().is_some_and(|t| now >= t) {
            self.stats.tcp_idle_closed += 1;
        }
        conn.session.handle_timeout(now);
        if conn.session.is_closed() {
            self.stats.tcp_answered += conn.session.counters().responses;
            return self.close(conn, stack, now);
        }
        true
    }

    fn close(&mut self, conn: &mut Conn, stack: &mut Stack<'static>, now: Instant) -> bool {
        conn.closing = true;
        if stack.tcp_close(now, conn.handle).is_err() {
            return false;
        }
        matches!(stack.tcp_state(conn.handle), Ok(s) if !matches!(s, State::TimeWait | State::Closed))
    }

    /// The earliest idle timeout of the open connections (the runner wakes for it).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.conns.iter().filter_map(|c| c.session.poll_timeout()).min()
    }
}
