//! unet as a [`BulkPair`]: two [`Stack`]s joined by an in-memory Ethernet link, set up as
//! [`SmoltcpPair`](crate::smoltcp_bulk::SmoltcpPair) is so that the figures compare the
//! stacks alone.
//!
//! The link is two frame queues, one per direction, with a pool of frame buffers: each
//! stack's received frames are handed to [`FrameMachine::handle_frame`] and everything
//! [`FrameMachine::poll_transmit`] yields is copied into the other direction's queue.
//! Checksums are computed on send and verified on receive (unet has no offload). The
//! stacks keep the defaults their users get: unet-stack's default [`TcpConfig`] (CUBIC,
//! SACK, timestamps, window scaling, Nagle, delayed ACKs), `Storage::with_defaults` with
//! its TCP connection slots resized to the pair's `buffer` each way; ACD is off (smoltcp
//! has none) and the seeds are fixed, for repeatable figures.
//!
//! [`TcpConfig`]: unet_stack::TcpConfig

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use unet_core::{FrameMachine, Instant};
use unet_stack::ethernet::EthernetAddress;
use unet_stack::tcp::conn::{Error as ConnError, State};
use unet_stack::tcp::Endpoint;
use unet_stack::{Config, ListenerHandle, Stack, Storage, TcpError, TcpHandle};

use crate::bulk::{BulkPair, Source, StreamHash};

/// The largest frame on the link: 1500-byte MTU plus the Ethernet header.
const FRAME_MTU: usize = 1514;

/// The receiver's listening port.
const SERVER_PORT: u16 = 5001;

/// Turns of the loop without a byte delivered and without a deadline to jump to before a
/// transfer is declared stalled (as in the smoltcp pair).
const STALL_TURNS: u32 = 100_000;

/// TCP connection slots per stack: the transfer's connection, and room for the previous
/// one while it is torn down.
const SLOTS: usize = 4;

/// Two frame queues (index 0: from the sender to the receiver, 1: back) and the spare
/// buffers.
#[derive(Debug, Default)]
struct Link {
    queues: [VecDeque<Vec<u8>>; 2],
    pool: Vec<Vec<u8>>,
    /// Tests: flip a bit in the last byte of the data-carrying frame (from the sender,
    /// longer than 100 bytes) sent when this many more of them have been.
    #[cfg(test)]
    corrupt_in: Option<u32>,
}

impl Link {
    fn is_idle(&self) -> bool {
        self.queues.iter().all(VecDeque::is_empty)
    }

    /// Feeds `stack` the frames queued towards it (queue `1 - tx`), then queues everything
    /// it has to send into queue `tx`.
    fn poll(&mut self, stack: &mut Stack<'static>, now: Instant, tx: usize) {
        if stack.poll_timeout().is_some_and(|t| t <= now) {
            stack.handle_timeout(now);
        }
        while let Some(frame) = self.queues[1 - tx].pop_front() {
            stack.handle_frame(now, &frame);
            self.pool.push(frame);
        }
        loop {
            let mut frame = self.pool.pop().unwrap_or_else(|| Vec::with_capacity(FRAME_MTU));
            // Only a shorter frame is extended (and only its tail zeroed): the stack
            // writes every byte of what it sends.
            frame.resize(FRAME_MTU, 0);
            match stack.poll_transmit(now, &mut frame) {
                Some(n) => {
                    frame.truncate(n);
                    #[cfg(test)]
                    if let (Some(k), 0, 101..) = (self.corrupt_in, tx, frame.len()) {
                        self.corrupt_in = k.checked_sub(1);
                        if let (0, Some(last)) = (k, frame.last_mut()) {
                            *last ^= 0x01;
                        }
                    }
                    self.queues[tx].push_back(frame);
                }
                None => {
                    self.pool.push(frame);
                    break;
                }
            }
        }
    }
}

/// The stack of host `192.0.2.<host_octet>/24` with TCP buffers of `buffer` bytes.
fn host(host_octet: u8, buffer: usize) -> Stack<'static> {
    let mac = EthernetAddress([0x02, 0, 0, 0, 0, host_octet]);
    let cidr = format!("192.0.2.{host_octet}/24").parse().expect("a valid CIDR");
    let mut config = Config::new(mac).with_ipv4(cidr);
    config.mtu = 1500;
    config.acd = false;
    config.seed = u64::from(host_octet);
    let storage = Storage {
        tcp_connections: Storage::tcp_slots(SLOTS, buffer, buffer),
        ..Storage::with_defaults()
    };
    Stack::new(config, storage, Instant::ZERO)
}

/// unet on both ends of the in-memory link (see the [module](self) doc).
pub struct UnetPair {
    link: Link,
    sender: Stack<'static>,
    receiver: Stack<'static>,
    listener: ListenerHandle,
    now: Instant,
    source: Source,
    sink: Vec<u8>,
}

impl core::fmt::Debug for UnetPair {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("UnetPair").field("now", &self.now).finish_non_exhaustive()
    }
}

impl UnetPair {
    /// Polls both stacks once.
    fn poll(&mut self) {
        self.link.poll(&mut self.sender, self.now, 0);
        self.link.poll(&mut self.receiver, self.now, 1);
        while self.sender.poll_event().is_some() {}
        while self.receiver.poll_event().is_some() {}
    }

    /// When the link is idle: jumps the clock to the earliest deadline either side has, if
    /// it lies ahead. False when neither side has one.
    fn advance_clock(&mut self) -> bool {
        let a = self.sender.poll_timeout();
        let b = self.receiver.poll_timeout();
        match a.into_iter().chain(b).min() {
            None => false,
            Some(next) => {
                if next > self.now {
                    self.now = next;
                }
                true
            }
        }
    }

    /// The sending connection's retransmission counters (diagnostics for tests).
    fn sender_counters(&self, h: TcpHandle) -> Option<unet_stack::tcp::conn::Counters> {
        self.sender.tcp_info(h).ok().map(|i| i.counters)
    }
}

impl BulkPair for UnetPair {
    const NAME: &'static str = "unet";

    fn new(buffer: usize) -> UnetPair {
        let sender = host(1, buffer);
        let mut receiver = host(2, buffer);
        let listener = receiver.tcp_listen(SERVER_PORT, 1).expect("a free listener slot");
        let mut pair = UnetPair {
            link: Link::default(),
            sender,
            receiver,
            listener,
            now: Instant::ZERO,
            source: Source::new(),
            sink: vec![0; buffer],
        };
        // The gratuitous ARP announcements.
        pair.poll();
        pair
    }

    fn transfer(&mut self, bytes: u64) -> Result<u64, String> {
        let remote = Endpoint::new(Ipv4Addr::new(192, 0, 2, 2), SERVER_PORT);
        let client =
            self.sender.tcp_connect(self.now, remote, None).map_err(|e| format!("connect: {e}"))?;
        self.source.rewind();
        let mut hash = StreamHash::new();
        let (mut sent, mut received) = (0u64, 0u64);
        let (mut closed, mut eof) = (false, false);
        let mut server: Option<TcpHandle> = None;
        let mut idle_turns = 0u32;
        loop {
            self.poll();
            let before = received;

            while sent < bytes {
                let chunk = self.source.peek(bytes - sent);
                let n = match self.sender.tcp_send(client, chunk) {
                    Ok(n) => n,
                    // Not established yet: data may be queued at once, so this is an error.
                    Err(e) => return Err(format!("send after {sent} bytes: {e}")),
                };
                if n == 0 {
                    break;
                }
                self.source.advance(n);
                sent += n as u64;
            }
            // As smoltcp's `may_send`: a close in SYN-SENT would end the connection
            // (RFC 9293 §3.10.4), so the FIN waits for the handshake.
            let established =
                matches!(self.sender.tcp_state(client), Ok(State::Established | State::CloseWait));
            if sent == bytes && !closed && established {
                self.sender.tcp_close(self.now, client).map_err(|e| format!("close: {e}"))?;
                closed = true;
            }

            if server.is_none() {
                server = self.receiver.tcp_accept(self.now, self.listener);
            }
            if let (Some(h), false) = (server, eof) {
                loop {
                    match self.receiver.tcp_recv(h, &mut self.sink) {
                        Ok(0) => break,
                        Ok(n) => {
                            hash.update(&self.sink[..n]);
                            received += n as u64;
                        }
                        Err(TcpError::Connection(ConnError::Finished)) => {
                            eof = true;
                            self.receiver
                                .tcp_close(self.now, h)
                                .map_err(|e| format!("close: {e}"))?;
                            break;
                        }
                        Err(e) => {
                            return Err(format!("receive after {received} bytes: {e}"));
                        }
                    }
                }
            }
            // The receiver's slot is released once its side is CLOSED (LAST-ACK over).
            if eof && server.is_some_and(|h| self.receiver.tcp_state(h).is_err()) {
                break;
            }

            if self.link.is_idle() {
                if !self.advance_clock() {
                    return Err(format!("stalled after {received} of {bytes} bytes"));
                }
                idle_turns = if received == before { idle_turns + 1 } else { 0 };
                if idle_turns > STALL_TURNS {
                    return Err(format!(
                        "no progress after {received} of {bytes} bytes (sender {:?})",
                        self.sender_counters(client)
                    ));
                }
            }
        }
        if received != bytes {
            return Err(format!("received {received} bytes, sent {bytes}"));
        }
        // The sender sits in TIME-WAIT: free its slot for the next transfer (as the
        // smoltcp pair aborts its socket).
        let _ = self.sender.tcp_abort(self.now, client);
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
        let mut pair = UnetPair::new(16 * 1024);
        for bytes in [0u64, 1, 1460, 100_000, 1_000_003] {
            assert_eq!(pair.transfer(bytes), Ok(expected_hash(bytes)), "{bytes} bytes");
        }
        // Every transfer left its slots: the next one still finds room.
        assert_eq!(pair.sender.tcp_connections_in_use(), 0);
        assert_eq!(pair.receiver.tcp_connections_in_use(), 0);
    }

    #[test]
    fn a_corrupted_segment_fails_its_checksum_and_is_retransmitted() {
        let mut pair = UnetPair::new(16 * 1024);
        pair.link.corrupt_in = Some(20);
        assert_eq!(pair.transfer(200_000), Ok(expected_hash(200_000)));
        assert_eq!(pair.link.corrupt_in, None, "the fault was injected");
        assert_eq!(pair.receiver.counters().tcp_bad_checksum, 1);
    }

    #[test]
    fn large_buffers_use_window_scaling() {
        let mut pair = UnetPair::new(256 * 1024);
        assert_eq!(pair.transfer(3_000_000), Ok(expected_hash(3_000_000)));
    }
}
