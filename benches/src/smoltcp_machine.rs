//! smoltcp 0.14 as a [`FrameMachine`], so that it runs under the very event loop unet's
//! host runs under ([`unet_netif::Runner`]: the same TAP driver, frames per wake-up,
//! poll(2) sleeps and clock) and comparisons over TAP measure the stacks, not two loops.
//!
//! No frame is copied more than smoltcp on a `Device` of its own would copy it:
//! [`FrameMachine::handle_frame`] lends the received frame to smoltcp's ingress path
//! (`Interface::poll_ingress_single`), and [`FrameMachine::poll_transmit`] lets smoltcp's
//! egress path (`Interface::poll_egress`) write one frame straight into the runner's
//! buffer. Only the rare frames smoltcp answers during ingress (ARP replies, resets) are
//! queued, since the runner sends nothing from inside `handle_frame`.

use std::collections::VecDeque;
use std::net::Ipv4Addr;

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, Device, DeviceCapabilities, Medium};
use smoltcp::socket::tcp;
use smoltcp::time::Instant as SmolInstant;
use smoltcp::wire::{EthernetAddress, IpCidr, IpEndpoint};
use unet_core::{FrameMachine, Instant};

/// unet's clock (microseconds since the runner started) as smoltcp's.
fn to_smol(now: Instant) -> SmolInstant {
    SmolInstant::from_micros(i64::try_from(now.as_micros()).unwrap_or(i64::MAX))
}

/// smoltcp's deadline as unet's (smoltcp says "now" with time zero).
fn from_smol(t: SmolInstant) -> Instant {
    Instant::from_micros(u64::try_from(t.total_micros()).unwrap_or(0))
}

fn capabilities(frame_mtu: usize) -> DeviceCapabilities {
    let mut caps = DeviceCapabilities::default();
    caps.medium = Medium::Ethernet;
    caps.max_transmission_unit = frame_mtu;
    caps
}

/// The device smoltcp sees while [`FrameMachine::handle_frame`] runs: one frame in,
/// answers queued.
struct Ingress<'f, 'q> {
    frame: Option<&'f [u8]>,
    replies: &'q mut VecDeque<Vec<u8>>,
    frame_mtu: usize,
}

struct LentFrame<'f>(&'f [u8]);

impl phy::RxToken for LentFrame<'_> {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(self.0)
    }
}

struct QueuedReply<'q>(&'q mut VecDeque<Vec<u8>>);

impl phy::TxToken for QueuedReply<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut frame = vec![0; len];
        let r = f(&mut frame);
        self.0.push_back(frame);
        r
    }
}

impl<'f, 'q> Device for Ingress<'f, 'q> {
    type RxToken<'a>
        = LentFrame<'f>
    where
        Self: 'a;
    type TxToken<'a>
        = QueuedReply<'a>
    where
        Self: 'a;

    fn receive(&mut self, _now: SmolInstant) -> Option<(LentFrame<'f>, QueuedReply<'_>)> {
        let frame = self.frame.take()?;
        Some((LentFrame(frame), QueuedReply(self.replies)))
    }

    fn transmit(&mut self, _now: SmolInstant) -> Option<QueuedReply<'_>> {
        Some(QueuedReply(self.replies))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        capabilities(self.frame_mtu)
    }
}

/// The device smoltcp sees while [`FrameMachine::poll_transmit`] runs: room for one frame,
/// the runner's buffer.
struct Egress<'b> {
    buf: &'b mut [u8],
    len: Option<usize>,
    frame_mtu: usize,
}

struct OneFrame<'a> {
    buf: &'a mut [u8],
    len: &'a mut Option<usize>,
}

impl phy::TxToken for OneFrame<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        match self.buf.get_mut(..len) {
            Some(frame) => {
                let r = f(frame);
                *self.len = Some(len);
                r
            }
            // Longer than the device's MTU allows, which smoltcp never asks for: built
            // and dropped, as a driver would refuse it.
            None => f(&mut vec![0; len]),
        }
    }
}

/// Never constructed: [`Egress`] receives nothing.
enum NoFrame {}

impl phy::RxToken for NoFrame {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, _f: F) -> R {
        match self {}
    }
}

impl Device for Egress<'_> {
    type RxToken<'a>
        = NoFrame
    where
        Self: 'a;
    type TxToken<'a>
        = OneFrame<'a>
    where
        Self: 'a;

    fn receive(&mut self, _now: SmolInstant) -> Option<(NoFrame, OneFrame<'_>)> {
        None
    }

    fn transmit(&mut self, _now: SmolInstant) -> Option<OneFrame<'_>> {
        if self.len.is_some() {
            return None;
        }
        Some(OneFrame { buf: self.buf, len: &mut self.len })
    }

    fn capabilities(&self) -> DeviceCapabilities {
        capabilities(self.frame_mtu)
    }
}

/// A smoltcp IPv4 host over Ethernet, driven as a [`FrameMachine`]; the application reaches
/// its TCP sockets between turns of the runner (the runner's `app` callback).
pub struct SmoltcpMachine {
    iface: Interface,
    sockets: SocketSet<'static>,
    replies: VecDeque<Vec<u8>>,
    frame_mtu: usize,
    /// smoltcp's next deadline, refreshed after every call that may change it, since
    /// [`FrameMachine::poll_timeout`] has only `&self` and smoltcp's `poll_at` wants `&mut`.
    next: Option<Instant>,
}

impl core::fmt::Debug for SmoltcpMachine {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SmoltcpMachine")
            .field("frame_mtu", &self.frame_mtu)
            .field("queued_replies", &self.replies.len())
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl SmoltcpMachine {
    /// A host with MAC `mac` and address `addr/prefix` on a link of IP MTU `mtu`, at time
    /// `now`, with no sockets yet.
    pub fn new(mac: [u8; 6], addr: Ipv4Addr, prefix: u8, mtu: usize, now: Instant) -> Self {
        let frame_mtu = mtu.saturating_add(14);
        let mut config = Config::new(EthernetAddress(mac).into());
        config.random_seed = now.as_micros() ^ 0x5eed;
        let mut replies = VecDeque::new();
        let mut dev = Ingress { frame: None, replies: &mut replies, frame_mtu };
        let mut iface = Interface::new(config, &mut dev, to_smol(now));
        iface.update_ip_addrs(|addrs| {
            // A fresh interface's address list is empty: this cannot overflow it.
            let _ = addrs.push(IpCidr::new(addr.into(), prefix));
        });
        SmoltcpMachine {
            iface,
            sockets: SocketSet::new(Vec::new()),
            replies,
            frame_mtu,
            next: Some(Instant::ZERO),
        }
    }

    /// Adds a TCP socket with receive and send buffers of `buffer` bytes each.
    pub fn add_tcp(&mut self, buffer: usize) -> SocketHandle {
        let socket = tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; buffer]),
            tcp::SocketBuffer::new(vec![0; buffer]),
        );
        self.next = Some(Instant::ZERO);
        self.sockets.add(socket)
    }

    /// The TCP socket `handle`. Anything done to it is seen at the runner's next turn.
    pub fn tcp(&mut self, handle: SocketHandle) -> &mut tcp::Socket<'static> {
        self.next = Some(Instant::ZERO);
        self.sockets.get_mut::<tcp::Socket>(handle)
    }

    /// Opens a connection from socket `handle`, local port `local_port`, to `remote`.
    pub fn connect(
        &mut self,
        handle: SocketHandle,
        remote: std::net::SocketAddrV4,
        local_port: u16,
    ) -> Result<(), tcp::ConnectError> {
        let remote = IpEndpoint::new((*remote.ip()).into(), remote.port());
        self.next = Some(Instant::ZERO);
        let socket = self.sockets.get_mut::<tcp::Socket>(handle);
        socket.connect(self.iface.context(), remote, local_port)
    }

    fn refresh(&mut self, now: Instant) {
        self.next = self.iface.poll_at(to_smol(now), &self.sockets).map(from_smol);
    }
}

impl FrameMachine for SmoltcpMachine {
    fn handle_frame(&mut self, now: Instant, frame: &[u8]) {
        let mut dev =
            Ingress { frame: Some(frame), replies: &mut self.replies, frame_mtu: self.frame_mtu };
        self.iface.poll_ingress_single(to_smol(now), &mut dev, &mut self.sockets);
        self.next = Some(Instant::ZERO);
    }

    fn poll_transmit(&mut self, now: Instant, buf: &mut [u8]) -> Option<usize> {
        if let Some(reply) = self.replies.pop_front() {
            if let Some(out) = buf.get_mut(..reply.len()) {
                out.copy_from_slice(&reply);
                return Some(reply.len());
            }
        }
        let mut dev = Egress { buf, len: None, frame_mtu: self.frame_mtu };
        self.iface.poll_egress(to_smol(now), &mut dev, &mut self.sockets);
        let len = dev.len;
        if len.is_none() {
            self.refresh(now);
        }
        len
    }

    fn poll_timeout(&self) -> Option<Instant> {
        self.next
    }

    fn handle_timeout(&mut self, now: Instant) {
        // smoltcp keeps its TCP timers in the sockets and acts on them during egress,
        // which the runner's drain right after this performs; here only the interface's
        // own upkeep runs.
        self.iface.poll_maintenance(to_smol(now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bulk::{expected_hash, Source, StreamHash};

    /// Moves every frame each machine has to send to the other; when nothing moved,
    /// advances the clock to the next deadline and fires the timers.
    fn exchange(a: &mut SmoltcpMachine, b: &mut SmoltcpMachine, now: &mut Instant) -> bool {
        let mut buf = [0u8; 1514];
        let mut moved = false;
        while let Some(n) = a.poll_transmit(*now, &mut buf) {
            b.handle_frame(*now, &buf[..n]);
            moved = true;
        }
        while let Some(n) = b.poll_transmit(*now, &mut buf) {
            a.handle_frame(*now, &buf[..n]);
            moved = true;
        }
        if !moved {
            let next = [a.poll_timeout(), b.poll_timeout()].into_iter().flatten().min();
            if let Some(t) = next.filter(|t| *t > *now) {
                *now = t;
                a.handle_timeout(*now);
                b.handle_timeout(*now);
            }
        }
        moved
    }

    #[test]
    fn two_machines_move_a_stream_byte_exact() {
        let mut now = Instant::from_millis(5);
        let mut a =
            SmoltcpMachine::new([2, 0, 0, 0, 0, 1], Ipv4Addr::new(192, 0, 2, 1), 24, 1500, now);
        let mut b =
            SmoltcpMachine::new([2, 0, 0, 0, 0, 2], Ipv4Addr::new(192, 0, 2, 2), 24, 1500, now);
        let (ta, tb) = (a.add_tcp(32 * 1024), b.add_tcp(32 * 1024));
        b.tcp(tb).listen(5001).unwrap();
        a.connect(ta, "192.0.2.2:5001".parse().unwrap(), 40000).unwrap();
        let bytes = 500_000u64;
        let (mut source, mut hash, mut sink) = (Source::new(), StreamHash::new(), vec![0; 4096]);
        let (mut sent, mut received) = (0u64, 0u64);
        for _ in 0..100_000 {
            exchange(&mut a, &mut b, &mut now);
            let s = a.tcp(ta);
            while sent < bytes && s.can_send() {
                let n = s.send_slice(source.peek(bytes - sent)).unwrap();
                source.advance(n);
                sent += n as u64;
            }
            if sent == bytes {
                s.close();
            }
            let r = b.tcp(tb);
            while let Ok(n @ 1..) = r.recv_slice(&mut sink) {
                hash.update(&sink[..n]);
                received += n as u64;
            }
            if !r.may_recv() && received == bytes {
                break;
            }
        }
        assert_eq!(received, bytes);
        assert_eq!(hash.finish(), expected_hash(bytes));
    }
}
