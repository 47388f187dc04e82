//! Two hosts joined by a Unix datagram socket pair: a real, pollable wire inside one
//! process, for testing the host runner (and two stacks on two threads) without privileges.

use std::os::unix::io::{AsRawFd, RawFd};
use std::os::unix::net::UnixDatagram;

use crate::{fd, NetIf, NetIfError, Pollable};

/// One end of a [`SocketPair::new`] link: each datagram is one frame, non-blocking.
#[derive(Debug)]
pub struct SocketPair {
    socket: UnixDatagram,
    mac: [u8; 6],
    mtu: usize,
}

impl SocketPair {
    /// Two connected ends, for hosts with MACs `mac_a` and `mac_b`, both of MTU `mtu`. The
    /// kernel queues a limited number of datagrams per socket; a send to a full queue is
    /// [`NetIfError::Os`]`(EAGAIN)`, which is transient (the frame is lost, like on a wire).
    pub fn new(
        mac_a: [u8; 6],
        mac_b: [u8; 6],
        mtu: usize,
    ) -> Result<(SocketPair, SocketPair), NetIfError> {
        let (a, b) = UnixDatagram::pair()?;
        a.set_nonblocking(true)?;
        b.set_nonblocking(true)?;
        Ok((SocketPair { socket: a, mac: mac_a, mtu }, SocketPair { socket: b, mac: mac_b, mtu }))
    }
}

impl NetIf for SocketPair {
    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn mtu(&self) -> usize {
        self.mtu
    }

    /// A datagram longer than the buffer would be cut silently, so buffers shorter than
    /// [`max_frame_len`](crate::max_frame_len)`(mtu)` are refused before reading (sends
    /// never exceed it).
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        fd::recv_frame(buf, self.mtu, |buf| self.socket.recv(buf))
    }

    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        fd::send_frame(frame, self.mtu, |frame| self.socket.send(frame))
    }
}

impl Pollable for SocketPair {
    fn raw_fd(&self) -> Option<RawFd> {
        Some(self.socket.as_raw_fd())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_cross_and_the_closed_peer_is_disconnected() {
        let (mut a, mut b) = SocketPair::new([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2], 1500).unwrap();
        let mut buf = [0u8; 1518];
        assert_eq!(b.recv(&mut buf), Ok(None));
        a.send(&[7u8; 60]).unwrap();
        assert_eq!(b.recv(&mut buf), Ok(Some(60)));
        assert_eq!(&buf[..60], &[7u8; 60]);
        assert_eq!(
            b.recv(&mut [0u8; 100]),
            Err(NetIfError::BufferTooSmall { len: 100, needed: 1518 })
        );
        assert!(matches!(a.send(&[0u8; 1519]), Err(NetIfError::FrameTooLong { .. })));
        drop(b);
        assert_eq!(a.send(&[0u8; 60]), Err(NetIfError::Disconnected));
    }
}
