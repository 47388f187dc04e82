//! The application's calls (RFC 9293 §3.10.2–§3.10.5): SEND, RECEIVE, CLOSE, ABORT.

use super::marks::Mark;
use unet_core::{Instant, IpAddress};

use super::error::Error;
use super::event::Pending;
use super::state::State;
use super::Connection;

impl<A: IpAddress> Connection<'_, A> {
    /// Queues as much of `data` as the send buffer takes; returns how much (0 when it is
    /// full). Allowed from SYN-SENT (the data waits for the handshake) until we close.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        self.check_send()?;
        Ok(self.tx.enqueue_slice(data))
    }

    /// Zero-copy send: `f` writes into the free part of the send buffer (one contiguous
    /// run; call again for the rest when it wraps) and returns how many bytes it wrote.
    pub fn send_with<F: FnOnce(&mut [u8]) -> usize>(&mut self, f: F) -> Result<usize, Error> {
        self.check_send()?;
        Ok(self.tx.enqueue_many_with(f))
    }

    /// Queues `data` as urgent (RFC 9293 §3.8.5): the urgent pointer of the segments
    /// that follow points just past its last byte (RFC 6093). Returns how much was queued.
    pub fn send_urgent(&mut self, data: &[u8]) -> Result<usize, Error> {
        self.check_send()?;
        let n = self.tx.enqueue_slice(data);
        if n > 0 {
            self.marks.set(Mark::SndUp, Some(self.tx_front() + self.tx.len() as u32));
        }
        Ok(n)
    }

    fn check_send(&self) -> Result<(), Error> {
        match self.state {
            State::Closed => Err(Error::Closed),
            s if !s.may_send() || self.fin_queued => Err(Error::InvalidState),
            _ => Ok(()),
        }
    }

    /// Moves received data into `buf`; returns how many bytes. `Ok(0)`: nothing now.
    /// [`Error::Finished`] once the peer closed and everything was read (end of file);
    /// [`Error::Closed`] after a reset or when nothing more can come.
    pub fn recv(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let n = self.rx.dequeue_slice(buf);
        self.after_read(n)
    }

    /// Zero-copy receive: `f` reads the contiguous received data at the front and returns
    /// how many bytes it consumed. Results as [`recv`](Connection::recv).
    pub fn recv_with<F: FnOnce(&[u8]) -> usize>(&mut self, f: F) -> Result<usize, Error> {
        let n = self.rx.dequeue_many_with(f);
        self.after_read(n)
    }

    fn after_read(&mut self, n: usize) -> Result<usize, Error> {
        if n > 0 {
            if self.marks.get(Mark::RcvUp).is_some() && self.urgent_len() == 0 {
                // The read position passed the urgent mark: no urgent data any more.
                self.marks.set(Mark::RcvUp, None);
            }
            if self.window_update_due() {
                self.ack.now = true;
            }
            return Ok(n);
        }
        if !self.rx.is_empty() {
            return Ok(0);
        }
        match self.state {
            State::Closed if self.peer_fin_seen => Err(Error::Finished),
            State::Closed => Err(Error::Closed),
            s if s.may_receive() => Ok(0),
            _ => Err(Error::Finished),
        }
    }

    /// Bytes at the front of the receive buffer that are urgent (RFC 9293 §3.8.5: the
    /// urgent data ends just before RCV.UP, RFC 6093), 0 when none. They are read in line
    /// with `recv`.
    pub fn urgent_len(&self) -> usize {
        let Some(up) = self.marks.get(Mark::RcvUp) else { return 0 };
        // The front of the receive buffer is RCV.NXT minus what is queued.
        let front = self.rcv_nxt - self.rx.len() as u32;
        up.diff(front).max(0) as usize
    }

    /// Half-close (RFC 9293 §3.10.4 CLOSE): a FIN follows the queued data; we can still
    /// receive. ESTABLISHED → FIN-WAIT-1, CLOSE-WAIT → LAST-ACK; in SYN-RECEIVED the FIN
    /// waits for ESTABLISHED; in SYN-SENT the connection is simply deleted.
    pub fn shutdown(&mut self) -> Result<(), Error> {
        match self.state {
            State::Closed => Err(Error::Closed),
            State::SynSent => {
                self.terminate(Pending::empty());
                Ok(())
            }
            State::SynReceived => {
                self.fin_queued = true;
                Ok(())
            }
            State::Established => {
                self.fin_queued = true;
                self.state = State::FinWait1;
                Ok(())
            }
            State::CloseWait => {
                self.fin_queued = true;
                self.state = State::LastAck;
                Ok(())
            }
            // Already closing.
            _ => Ok(()),
        }
    }

    /// Close (both directions): like [`shutdown`](Connection::shutdown), but data that
    /// was not read, or arrives later, is lost, so the peer is told with a RST (RFC 1122
    /// §4.2.2.13).
    pub fn close(&mut self, now: Instant) -> Result<(), Error> {
        if self.state == State::Closed {
            return Err(Error::Closed);
        }
        if !self.rx.is_empty() {
            self.counters.data_after_close = self.counters.data_after_close.wrapping_add(1);
            self.abort_with(now, Pending::empty());
            return Ok(());
        }
        self.user_closed = true;
        self.shutdown()
    }

    /// ABORT (RFC 9293 §3.10.5): a RST goes out (in the states where the peer knows the
    /// connection) and the connection is CLOSED at once.
    pub fn abort(&mut self, now: Instant) {
        self.abort_with(now, Pending::empty());
    }

    /// Aborts with a RST where the peer knows us, and `event` for the application.
    pub(super) fn abort_with(&mut self, _now: Instant, event: Pending) {
        let rst = match self.state {
            State::SynReceived
            | State::Established
            | State::FinWait1
            | State::FinWait2
            | State::CloseWait => Some(self.snd_max),
            _ => None,
        };
        self.terminate(event);
        self.marks.set(Mark::RstPending, rst);
    }

    /// CLOSED, with `event` (and `Closed`) for the application. Queues and timers go.
    pub(super) fn terminate(&mut self, event: Pending) {
        if self.state == State::Closed {
            return;
        }
        let graceful = event.is_empty();
        self.state = State::Closed;
        self.events |= event | Pending::CLOSED;
        self.timers.stop_all();
        self.ack = Default::default();
        self.tx.clear();
        self.probe_due = false;
        self.keepalive_due = false;
        if !graceful {
            // RFC 9293 §3.10.7.4: on a reset "all segment queues should be flushed".
            self.rx.clear();
            self.assembler.clear();
        }
    }
}
