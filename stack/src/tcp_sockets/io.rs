//! Byte-stream traits over a connection: `embedded-io` 0.7 for no_std code and, with the
//! `std` feature, `std::io::Read + Write`. Both are non-blocking: the stack is a sans-IO
//! machine, so "nothing yet" is an error ([`TcpIoError::WouldBlock`], or
//! `io::ErrorKind::WouldBlock`) and the caller drives the stack and tries again (blocking
//! belongs to a runner).

use core::fmt;

use unet_tcp::conn::Error as ConnError;

use super::{TcpError, TcpHandle};
use crate::Stack;

/// A connection as a byte stream: borrows the stack for as long as it is used.
///
/// Reads return `Ok(0)` only at the end of the stream (the peer closed and everything was
/// read); writes never return `Ok(0)` for a non-empty buffer.
#[derive(Debug)]
pub struct TcpStream<'s, 'a> {
    stack: &'s mut Stack<'a>,
    handle: TcpHandle,
}

/// Why a [`TcpStream`] call did not move bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TcpIoError {
    /// Nothing to read yet, or no room to write: drive the stack and retry.
    /// (`embedded-io` 0.7 has no such kind: it reports as `ErrorKind::Other`; use
    /// [`ReadReady`](embedded_io::ReadReady)/[`WriteReady`](embedded_io::WriteReady) to
    /// avoid it.)
    WouldBlock,
    /// The call failed for good.
    Tcp(TcpError),
}

impl fmt::Display for TcpIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpIoError::WouldBlock => f.write_str("operation would block"),
            TcpIoError::Tcp(e) => write!(f, "{e}"),
        }
    }
}

impl core::error::Error for TcpIoError {}

impl TcpIoError {
    fn kind(&self) -> embedded_io::ErrorKind {
        use embedded_io::ErrorKind as K;
        match self {
            TcpIoError::WouldBlock => K::Other,
            TcpIoError::Tcp(e) => match e {
                TcpError::InvalidHandle => K::NotConnected,
                TcpError::Refused => K::ConnectionRefused,
                TcpError::Reset => K::ConnectionReset,
                TcpError::TimedOut => K::TimedOut,
                TcpError::Unreachable => K::ConnectionAborted,
                TcpError::Connection(ConnError::Closed) => K::NotConnected,
                TcpError::Connection(ConnError::InvalidState) => K::BrokenPipe,
                _ => K::Other,
            },
        }
    }
}

impl embedded_io::Error for TcpIoError {
    fn kind(&self) -> embedded_io::ErrorKind {
        TcpIoError::kind(self)
    }
}

impl<'a> Stack<'a> {
    /// The connection `handle` as a byte stream (`embedded-io`, and `std::io` with `std`).
    pub fn tcp_stream(&mut self, handle: TcpHandle) -> TcpStream<'_, 'a> {
        TcpStream { stack: self, handle }
    }
}

impl TcpStream<'_, '_> {
    /// The connection.
    pub fn handle(&self) -> TcpHandle {
        self.handle
    }

    fn read_bytes(&mut self, buf: &mut [u8]) -> Result<usize, TcpIoError> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.stack.tcp_recv(self.handle, buf) {
            Ok(0) => Err(TcpIoError::WouldBlock),
            Ok(n) => Ok(n),
            Err(TcpError::Connection(ConnError::Finished)) => Ok(0),
            Err(e) => Err(TcpIoError::Tcp(e)),
        }
    }

    fn write_bytes(&mut self, buf: &[u8]) -> Result<usize, TcpIoError> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.stack.tcp_send(self.handle, buf) {
            Ok(0) => Err(TcpIoError::WouldBlock),
            Ok(n) => Ok(n),
            Err(e) => Err(TcpIoError::Tcp(e)),
        }
    }
}

impl embedded_io::ErrorType for TcpStream<'_, '_> {
    type Error = TcpIoError;
}

impl embedded_io::Read for TcpStream<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, TcpIoError> {
        self.read_bytes(buf)
    }
}

impl embedded_io::Write for TcpStream<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, TcpIoError> {
        self.write_bytes(buf)
    }

    /// The data is the stack's once written (as with a kernel socket): nothing to flush.
    fn flush(&mut self) -> Result<(), TcpIoError> {
        self.stack.tcp_state(self.handle).map(|_| ()).map_err(TcpIoError::Tcp)
    }
}

impl embedded_io::ReadReady for TcpStream<'_, '_> {
    /// True when a read will not block: data waits, or the stream ended (or failed).
    fn read_ready(&mut self) -> Result<bool, TcpIoError> {
        let c = self.stack.tcp_connection(self.handle).map_err(TcpIoError::Tcp)?;
        Ok(c.recv_queue() > 0 || !c.state().may_receive())
    }
}

impl embedded_io::WriteReady for TcpStream<'_, '_> {
    /// True when a write will not block: the send buffer has room (or writing fails).
    fn write_ready(&mut self) -> Result<bool, TcpIoError> {
        let c = self.stack.tcp_connection(self.handle).map_err(TcpIoError::Tcp)?;
        Ok(c.send_capacity() > 0 || !c.state().may_send())
    }
}

#[cfg(feature = "std")]
mod std_io {
    use std::io;

    use super::{TcpIoError, TcpStream};
    use crate::TcpError;

    impl From<TcpIoError> for io::Error {
        fn from(e: TcpIoError) -> io::Error {
            let kind = match e {
                TcpIoError::WouldBlock => io::ErrorKind::WouldBlock,
                TcpIoError::Tcp(TcpError::Connection(unet_tcp::conn::Error::InvalidState)) => {
                    io::ErrorKind::BrokenPipe
                }
                TcpIoError::Tcp(TcpError::Refused) => io::ErrorKind::ConnectionRefused,
                TcpIoError::Tcp(TcpError::Reset) => io::ErrorKind::ConnectionReset,
                TcpIoError::Tcp(TcpError::TimedOut) => io::ErrorKind::TimedOut,
                TcpIoError::Tcp(TcpError::Unreachable) => io::ErrorKind::ConnectionAborted,
                TcpIoError::Tcp(
                    TcpError::InvalidHandle | TcpError::Connection(unet_tcp::conn::Error::Closed),
                ) => io::ErrorKind::NotConnected,
                TcpIoError::Tcp(_) => io::ErrorKind::Other,
            };
            io::Error::new(kind, e)
        }
    }

    /// `Ok(0)` at the end of the stream; `WouldBlock` when nothing waits yet.
    impl io::Read for TcpStream<'_, '_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.read_bytes(buf).map_err(io::Error::from)
        }
    }

    /// `WouldBlock` when the send buffer is full.
    impl io::Write for TcpStream<'_, '_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.write_bytes(buf).map_err(io::Error::from)
        }

        fn flush(&mut self) -> io::Result<()> {
            embedded_io::Write::flush(self).map_err(io::Error::from)
        }
    }
}
