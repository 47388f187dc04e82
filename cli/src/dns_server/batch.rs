//! UDP on kernel sockets, a batch of datagrams per system call (Linux `recvmmsg` and
//! `sendmmsg`), as Knot and NSD do: one `recvfrom` and one `sendto` per query cost more
//! than answering it.
//!
//! Each round waits for at least one datagram (up to [`BATCH`] are taken at once), answers
//! them all, and sends the answers with one `sendmmsg` (again for the rest if the kernel
//! took fewer). Query slots are [`QUERY_SLOT`] bytes: a longer datagram is cut and gets
//! FORMERR (DNS queries are a few dozen bytes; RFC 6891 options rarely add hundreds).

use std::io::{IoSlice, IoSliceMut};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};

use nix::errno::Errno;
use nix::sys::socket::{recvmmsg, sendmmsg, MsgFlags, MultiHeaders, SockaddrStorage};
use unet_dns::server::{Server, Transport};

use super::kernel::KernelStats;
use super::shared::AuthorityReader;
use super::Clock;

/// Datagrams taken per `recvmmsg` (and answers sent per `sendmmsg`).
pub const BATCH: usize = 32;
/// Bytes of one query slot.
pub const QUERY_SLOT: usize = 4096;

fn to_std(addr: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = addr.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    addr.as_sockaddr_in6().map(|v6| SocketAddr::V6((*v6).into()))
}

/// Serves UDP on `socket` (whose read timeout bounds each wait) until `stop`.
pub fn serve_udp_batched(
    socket: &UdpSocket,
    mut reader: AuthorityReader,
    mut server: Server,
    clock: Clock,
    stop: &AtomicBool,
    stats: &KernelStats,
) {
    let fd = socket.as_raw_fd();
    let answer_len = usize::from(server.config().max_udp_payload).max(512);
    let mut queries = vec![[0u8; QUERY_SLOT]; BATCH];
    let mut responses = vec![vec![0u8; answer_len]; BATCH];
    let mut rx_headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let mut tx_headers = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
    let mut received: Vec<(usize, Option<SockaddrStorage>)> = Vec::with_capacity(BATCH);
    let mut answers: Vec<(usize, usize)> = Vec::with_capacity(BATCH);
    let mut addrs: Vec<Option<SockaddrStorage>> = Vec::with_capacity(BATCH);
    while !stop.load(Ordering::Relaxed) {
        received.clear();
        {
            let mut iovs: Vec<[IoSliceMut<'_>; 1]> =
                queries.iter_mut().map(|q| [IoSliceMut::new(&mut q[..])]).collect();
            match recvmmsg(fd, &mut rx_headers, iovs.iter_mut(), MsgFlags::MSG_WAITFORONE, None) {
                Ok(results) => received.extend(results.map(|m| (m.bytes, m.address))),
                Err(Errno::EAGAIN | Errno::EINTR) => continue,
                Err(_) => continue,
            }
        }
        answers.clear();
        addrs.clear();
        let authority = reader.get();
        let now = clock.now();
        for (i, (len, addr)) in received.iter().enumerate() {
            let peer = addr.as_ref().and_then(to_std);
            let (Some(peer), Some(query), Some(response)) = (
                peer,
                queries.get(i).and_then(|q| q.get(..(*len).min(QUERY_SLOT))),
                responses.get_mut(i),
            ) else {
                continue;
            };
            match server.handle_query(now, authority, peer.ip(), Transport::Udp, query, response) {
                Some(n) => {
                    answers.push((i, n));
                    addrs.push(*addr);
                }
                None => {
                    stats.udp_dropped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        let mut sent = 0;
        while sent < answers.len() {
            let slices: Vec<[IoSlice<'_>; 1]> = answers
                .get(sent..)
                .unwrap_or_default()
                .iter()
                .map(|&(i, n)| {
                    let bytes = responses.get(i).and_then(|r| r.get(..n)).unwrap_or_default();
                    [IoSlice::new(bytes)]
                })
                .collect();
            let to = addrs.get(sent..).unwrap_or_default();
            let no_cmsgs: [nix::sys::socket::ControlMessage<'_>; 0] = [];
            match sendmmsg(fd, &mut tx_headers, slices.iter(), to, no_cmsgs, MsgFlags::empty()) {
                Ok(results) => {
                    let n = results.count();
                    if n == 0 {
                        break;
                    }
                    sent += n;
                }
                Err(Errno::EINTR | Errno::EAGAIN) => continue,
                Err(_) => break,
            }
        }
        stats.udp_answered.fetch_add(sent as u64, Ordering::Relaxed);
    }
}
