//! A recording tee: any driver's traffic, both directions, written to a pcap file that
//! Wireshark and tcpdump open.

use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::pcap::{PcapError, PcapWriter};
use crate::{NetIf, NetIfError};

/// Where a tee's timestamps come from: time since the Unix epoch, as pcap records it.
pub trait CaptureClock {
    /// The timestamp for a frame passing now.
    fn timestamp(&mut self) -> Duration;
}

/// The wall clock (`SystemTime`), for live captures.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl CaptureClock for SystemClock {
    fn timestamp(&mut self) -> Duration {
        // A clock set before 1970 records frames at the epoch rather than failing.
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO)
    }
}

/// Any closure giving the time, e.g. a simulation's virtual clock.
impl<F: FnMut() -> Duration> CaptureClock for F {
    fn timestamp(&mut self) -> Duration {
        self()
    }
}

/// Wraps a driver and records every frame it receives and sends into a pcap file.
///
/// Frames always go through: a capture that cannot be written (disk full, closed pipe) never
/// costs the stack a frame. The first write error is kept ([`Tee::take_error`]), counted,
/// and recording stops, since a pcap file with a half-written record is unreadable past it.
///
/// For a live capture that survives an abrupt exit, give it an unbuffered `File` (each
/// frame is then one record written at once); with a `BufWriter`, call
/// [`Tee::into_parts`] at the end and flush.
pub struct Tee<N, W: Write, C = SystemClock> {
    inner: N,
    writer: PcapWriter<W>,
    clock: C,
    recorded: u64,
    failed: u64,
    error: Option<PcapError>,
}

impl<N: std::fmt::Debug, W: Write, C> std::fmt::Debug for Tee<N, W, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tee")
            .field("inner", &self.inner)
            .field("recorded", &self.recorded)
            .field("failed", &self.failed)
            .field("error", &self.error)
            .finish()
    }
}

impl<N: NetIf, W: Write> Tee<N, W, SystemClock> {
    /// Records `inner`'s traffic into `writer` with wall-clock timestamps.
    pub fn new(inner: N, writer: PcapWriter<W>) -> Self {
        Tee::with_clock(inner, writer, SystemClock)
    }
}

impl<N: NetIf, W: Write, C: CaptureClock> Tee<N, W, C> {
    /// Records `inner`'s traffic into `writer`, timestamps from `clock`.
    pub fn with_clock(inner: N, writer: PcapWriter<W>, clock: C) -> Self {
        Tee { inner, writer, clock, recorded: 0, failed: 0, error: None }
    }

    /// The wrapped driver.
    pub fn inner(&self) -> &N {
        &self.inner
    }

    /// The wrapped driver, mutably (frames sent or received through it are not recorded).
    pub fn inner_mut(&mut self) -> &mut N {
        &mut self.inner
    }

    /// Frames written to the capture so far.
    pub fn recorded(&self) -> u64 {
        self.recorded
    }

    /// Frames that went through but could not be recorded.
    pub fn failed(&self) -> u64 {
        self.failed
    }

    /// Whether recording stopped after a write error.
    pub fn has_failed(&self) -> bool {
        self.failed > 0
    }

    /// The write error that stopped recording, if any (taken once; the count stays).
    pub fn take_error(&mut self) -> Option<PcapError> {
        self.error.take()
    }

    /// The driver and the pcap writer (`writer.into_inner()` gives the sink back to flush).
    pub fn into_parts(self) -> (N, PcapWriter<W>) {
        (self.inner, self.writer)
    }

    fn record(&mut self, frame: &[u8]) {
        if self.failed > 0 {
            self.failed = self.failed.saturating_add(1);
            return;
        }
        let ts = self.clock.timestamp();
        match self.writer.write_frame(ts, frame) {
            Ok(()) => self.recorded = self.recorded.saturating_add(1),
            Err(e) => {
                self.failed = 1;
                self.error = Some(e);
            }
        }
    }
}

impl<N: NetIf, W: Write, C: CaptureClock> NetIf for Tee<N, W, C> {
    fn mac(&self) -> [u8; 6] {
        self.inner.mac()
    }

    fn mtu(&self) -> usize {
        self.inner.mtu()
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        let got = self.inner.recv(buf)?;
        if let Some(frame) = got.and_then(|n| buf.get(..n)) {
            self.record(frame);
        }
        Ok(got)
    }

    /// Records the frame only if the driver took it, so the capture shows what was sent.
    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        self.inner.send(frame)?;
        self.record(frame);
        Ok(())
    }
}

#[cfg(unix)]
impl<N: crate::Pollable, W: Write, C> crate::Pollable for Tee<N, W, C> {
    fn raw_fd(&self) -> Option<std::os::unix::io::RawFd> {
        self.inner.raw_fd()
    }
}
