//! smoltcp 0.14 as a [`BulkPair`]: two `Interface`s joined by an in-memory Ethernet link.
//!
//! The link is two frame queues, one per direction, with a pool of frame buffers so that
//! the benchmark measures the stack rather than the allocator. Each side is a smoltcp
//! [`Device`] view of the link with smoltcp's default checksum capabilities (computed on
//! send, verified on receive). Everything else is left as smoltcp's users get it: default
//! TCP options (Nagle, 10 ms delayed ACKs, window scaling) and no congestion control (the
//! crate's default without its `socket-tcp-cubic`/`-reno` features).

use std::cell::RefCell;
use std::collections::VecDeque;

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::socket::tcp;
use smoltcp::time::Instant;
use smoltcp::wire::{EthernetAddress, IpAddress, IpCidr};

use crate::bulk::{BulkPair, Source, StreamHash};

/// The largest frame on the link: 1500-byte MTU plus the Ethernet header (smoltcp counts
/// the header in `max_transmission_unit` for Ethernet).
const FRAME_MTU: usize = 1514;

/// The receiver's listening port.
const SERVER_PORT: u16 = 5001;

/// Turns of the loop without a byte delivered and without a deadline to jump to before a
/// transfer is declared stalled.
const STALL_TURNS: u32 = 100_000;

/// Two frame queues (index 0: from side A to B, 1: from B to A) and the spare buffers.
#[derive(Debug, Default)]
struct Link {
    queues: [RefCell<VecDeque<Vec<u8>>>; 2],
    pool: RefCell<Vec<Vec<u8>>>,
    /// Tests: flip a bit in the last byte of the data-carrying frame (from A, longer than
    /// 100 bytes) sent when this many more of them have been.
    #[cfg(test)]
    corrupt_in: std::cell::Cell<Option<u32>>,
}

impl Link {
    fn is_idle(&self) -> bool {
        self.queues.iter().all(|q| q.borrow().is_empty())
    }
}

/// One side's [`Device`] view of the link: it transmits into queue `tx` and receives from
/// the other.
struct Port<'a> {
    link: &'a Link,
    tx: usize,
}

impl<'a> Device for Port<'a> {
    type RxToken<'b>
        = RxToken<'a>
    where
        Self: 'b;
    type TxToken<'b>
        = TxToken<'a>
    where
        Self: 'b;

    fn receive(&mut self, _now: Instant) -> Option<(RxToken<'a>, TxToken<'a>)> {
        let frame = self.link.queues[1 - self.tx].borrow_mut().pop_front()?;
        Some((RxToken { link: self.link, frame }, TxToken { link: self.link, tx: self.tx }))
    }

    fn transmit(&mut self, _now: Instant) -> Option<TxToken<'a>> {
        Some(TxToken { link: self.link, tx: self.tx })
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = FRAME_MTU;
        caps
    }
}

struct RxToken<'a> {
    link: &'a Link,
    frame: Vec<u8>,
}

impl phy::RxToken for RxToken<'_> {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        let r = f(&self.frame);
        self.link.pool.borrow_mut().push(self.frame);
        r
    }
}

struct TxToken<'a> {
    link: &'a Link,
    tx: usize,
}

impl phy::TxToken for TxToken<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut frame =
            self.link.pool.borrow_mut().pop().unwrap_or_else(|| Vec::with_capacity(FRAME_MTU));
        frame.clear();
        frame.resize(len, 0);
        let r = f(&mut frame);
        #[cfg(test)]
        if let (Some(n), 0, 101..) = (self.link.corrupt_in.get(), self.tx, frame.len()) {
            self.link.corrupt_in.set(n.checked_sub(1));
            if let (0, Some(last)) = (n, frame.last_mut()) {
                *last ^= 0x01;
            }
        }
        self.link.queues[self.tx].borrow_mut().push_back(frame);
        r
    }
}

/// One smoltcp host: its interface and its one TCP socket.
struct Host {
    iface: Interface,
    sockets: SocketSet<'static>,
    tcp: SocketHandle,
}

impl Host {
    fn new(link: &Link, tx: usize, host_octet: u8, buffer: usize) -> Host {
        let mac = EthernetAddress([0x02, 0, 0, 0, 0, host_octet]);
        let mut config = Config::new(mac.into());
        // Fixed seeds: the same ISNs and ports every run, for repeatable figures.
        config.random_seed = u64::from(host_octet);
        let mut iface = Interface::new(config, &mut Port { link, tx }, Instant::ZERO);
        iface.update_ip_addrs(|addrs| {
            // A fresh interface has room for an address: the list is empty.
            let _ = addrs.push(IpCidr::new(IpAddress::v4(192, 0, 2, host_octet), 24));
        });
        let mut sockets = SocketSet::new(Vec::new());
        let socket = tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; buffer]),
            tcp::SocketBuffer::new(vec![0; buffer]),
        );
        let tcp = sockets.add(socket);
        Host { iface, sockets, tcp }
    }

    fn poll(&mut self, now: Instant, link: &Link, tx: usize) {
        self.iface.poll(now, &mut Port { link, tx }, &mut self.sockets);
    }

    fn socket(&mut self) -> &mut tcp::Socket<'static> {
        self.sockets.get_mut::<tcp::Socket>(self.tcp)
    }
}

/// smoltcp 0.14 on both ends of the in-memory link (see the [module](self) doc).
pub struct SmoltcpPair {
    link: Link,
    sender: Host,
    receiver: Host,
    now: Instant,
    next_port: u16,
    source: Source,
    sink: Vec<u8>,
}

impl core::fmt::Debug for SmoltcpPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SmoltcpPair")
            .field("now", &self.now)
            .field("next_port", &self.next_port)
            .finish_non_exhaustive()
    }
}

impl SmoltcpPair {
    /// Polls both interfaces once.
    fn poll(&mut self) {
        self.sender.poll(self.now, &self.link, 0);
        self.receiver.poll(self.now, &self.link, 1);
    }

    /// When the link is idle: jumps the clock to the earliest deadline either side has, if
    /// it lies ahead. False when neither side has one (nothing will ever happen again).
    fn advance_clock(&mut self) -> bool {
        let a = self.sender.iface.poll_at(self.now, &self.sender.sockets);
        let b = self.receiver.iface.poll_at(self.now, &self.receiver.sockets);
        match (a, b) {
            (None, None) => false,
            (x, y) => {
                let next = x.into_iter().chain(y).min().unwrap_or(self.now);
                if next > self.now {
                    self.now = next;
                }
                true
            }
        }
    }

    fn port(&mut self) -> u16 {
        let port = self.next_port;
        self.next_port = if port == u16::MAX { 49152 } else { port + 1 };
        port
    }
}

impl BulkPair for SmoltcpPair {
    const NAME: &'static str = "smoltcp 0.14";

    fn new(buffer: usize) -> SmoltcpPair {
        let link = Link::default();
        let sender = Host::new(&link, 0, 1, buffer);
        let receiver = Host::new(&link, 1, 2, buffer);
        SmoltcpPair {
            link,
            sender,
            receiver,
            now: Instant::ZERO,
            next_port: 49152,
            source: Source::new(),
            sink: vec![0; buffer],
        }
    }

    fn transfer(&mut self, bytes: u64) -> Result<u64, String> {
        let local_port = self.port();
        self.receiver.socket().listen(SERVER_PORT).map_err(|e| format!("listen: {e}"))?;
        let remote = (IpAddress::v4(192, 0, 2, 2), SERVER_PORT);
        let cx = self.sender.iface.context();
        self.sender
            .sockets
            .get_mut::<tcp::Socket>(self.sender.tcp)
            .connect(cx, remote, local_port)
            .map_err(|e| format!("connect: {e}"))?;
        self.source.rewind();
        let mut hash = StreamHash::new();
        let (mut sent, mut received) = (0u64, 0u64);
        let mut eof = false;
        let mut idle_turns = 0u32;
        loop {
            self.poll();
            let before = received;

            let socket = self.sender.socket();
            while sent < bytes && socket.can_send() {
                let chunk = self.source.peek(bytes - sent);
                let n = socket.send_slice(chunk).map_err(|e| format!("send: {e}"))?;
                if n == 0 {
                    break;
                }
                self.source.advance(n);
                sent += n as u64;
            }
            if sent == bytes && socket.may_send() {
                socket.close();
            }

            let socket = self.receiver.socket();
            loop {
                match socket.recv_slice(&mut self.sink) {
                    Ok(0) => break,
                    Ok(n) => {
                        hash.update(&self.sink[..n]);
                        received += n as u64;
                    }
                    Err(tcp::RecvError::Finished) => {
                        eof = true;
                        socket.close();
                        break;
                    }
                    Err(tcp::RecvError::InvalidState) => {
                        if socket.state() == tcp::State::Closed && received < bytes {
                            return Err(format!("connection closed after {received} bytes"));
                        }
                        break;
                    }
                }
            }
            if eof && self.receiver.socket().state() == tcp::State::Closed {
                break;
            }

            if self.link.is_idle() {
                if !self.advance_clock() {
                    return Err(format!("stalled after {received} of {bytes} bytes"));
                }
                idle_turns = if received == before { idle_turns + 1 } else { 0 };
                if idle_turns > STALL_TURNS {
                    return Err(format!("no progress after {received} of {bytes} bytes"));
                }
            }
        }
        if received != bytes {
            return Err(format!("received {received} bytes, sent {bytes}"));
        }
        // The sender sits in TIME-WAIT: free its socket for the next transfer, and let the
        // reset it may send reach the receiver.
        self.sender.socket().abort();
        self.poll();
        self.poll();
        Ok(hash.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::expected_hash;

    #[test]
    fn transfers_are_byte_exact_and_repeatable() {
        let mut pair = SmoltcpPair::new(16 * 1024);
        for bytes in [0u64, 1, 1460, 100_000, 1_000_003] {
            assert_eq!(pair.transfer(bytes), Ok(expected_hash(bytes)), "{bytes} bytes");
        }
    }

    #[test]
    fn a_corrupted_segment_fails_its_checksum_and_is_retransmitted() {
        // The 21st data segment from the sender is hit. If smoltcp did not
        // verify the TCP checksum, the flipped bit would reach the application and the
        // hash would differ.
        let mut pair = SmoltcpPair::new(16 * 1024);
        pair.link.corrupt_in.set(Some(20));
        assert_eq!(pair.transfer(200_000), Ok(expected_hash(200_000)));
        assert_eq!(pair.link.corrupt_in.get(), None, "the fault was injected");
    }

    #[test]
    fn large_buffers_use_window_scaling() {
        let mut pair = SmoltcpPair::new(256 * 1024);
        assert_eq!(pair.transfer(3_000_000), Ok(expected_hash(3_000_000)));
    }
}
