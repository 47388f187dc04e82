//! A driver that replays a capture: its frames arrive as received, what the stack sends is
//! kept for comparison. The replay harness in `tests/` is built on it.
//!
//! Frame times are [`Instant`]s relative to the first frame of the capture, so a harness
//! feeds the stack at the recorded pace by advancing a virtual clock:
//!
//! ```
//! # use unet_netif::{NetIf, PcapReplay, ReplayFrame};
//! # use unet_core::Instant;
//! let mac = [2, 0, 0, 0, 0, 1];
//! let frames = vec![
//!     ReplayFrame::new(Instant::ZERO, vec![0xff; 60]),
//!     ReplayFrame::new(Instant::from_millis(20), vec![0xee; 60]),
//! ];
//! let mut replay = PcapReplay::from_frames(mac, frames);
//! replay.advance(Instant::ZERO); // timed mode: only frames due are received
//! let mut buf = [0u8; 1518];
//! assert_eq!(replay.recv(&mut buf)?, Some(60));
//! assert_eq!(replay.recv(&mut buf)?, None);
//! assert_eq!(replay.next_delivery_time(), Some(Instant::from_millis(20)));
//! replay.advance(Instant::from_millis(20));
//! assert_eq!(replay.recv(&mut buf)?, Some(60));
//! # Ok::<(), unet_netif::NetIfError>(())
//! ```

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration as StdDuration;

use unet_core::{Duration, Instant};

use crate::pcap::{CaptureReader, CapturedFrame, LinkType, PcapError};
use crate::{check_recv_len, check_send_len, NetIf, NetIfError, ETHERNET_HEADER_LEN};

/// A frame to replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayFrame {
    /// When it arrives, relative to the capture's first frame.
    pub at: Instant,
    /// The Ethernet frame.
    pub data: Vec<u8>,
}

impl ReplayFrame {
    /// A frame arriving at `at`.
    pub fn new(at: Instant, data: Vec<u8>) -> ReplayFrame {
        ReplayFrame { at, data }
    }
}

/// A frame the stack sent during a replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFrame {
    /// The replay's time when it was sent (`None` in untimed mode).
    pub at: Option<Instant>,
    /// The frame.
    pub data: Vec<u8>,
}

/// A [`NetIf`] that delivers a capture's frames and collects what is sent.
///
/// Untimed until [`PcapReplay::advance`] is first called (every frame receivable at once,
/// in order); timed afterwards (only frames whose time has come). The MTU is 1500, or more
/// if a frame of the capture needs it.
#[derive(Debug)]
pub struct PcapReplay {
    mac: [u8; 6],
    mtu: usize,
    frames: VecDeque<ReplayFrame>,
    origin: StdDuration,
    now: Option<Instant>,
    sent: Vec<SentFrame>,
    delivered: usize,
}

impl PcapReplay {
    /// Replays `frames` (sorted by time, stable) as the host with MAC `mac`.
    pub fn from_frames(mac: [u8; 6], frames: impl IntoIterator<Item = ReplayFrame>) -> Self {
        let mut frames: Vec<ReplayFrame> = frames.into_iter().collect();
        frames.sort_by_key(|f| f.at);
        let longest = frames.iter().map(|f| f.data.len()).max().unwrap_or(0);
        let mtu = longest.saturating_sub(ETHERNET_HEADER_LEN).max(1500);
        PcapReplay {
            mac,
            mtu,
            frames: frames.into(),
            origin: StdDuration::ZERO,
            now: None,
            sent: Vec::new(),
            delivered: 0,
        }
    }

    /// Replays captured frames (Ethernet only), timed relative to the first one.
    ///
    /// A frame of another link type is an error
    /// ([`PcapError::UnsupportedLinkType`]): replaying it as Ethernet would be nonsense.
    pub fn from_captured(
        mac: [u8; 6],
        captured: impl IntoIterator<Item = CapturedFrame>,
    ) -> Result<Self, PcapError> {
        let captured: Vec<CapturedFrame> = captured.into_iter().collect();
        if let Some(bad) = captured.iter().find(|f| f.link_type != LinkType::ETHERNET) {
            return Err(PcapError::UnsupportedLinkType(bad.link_type));
        }
        let origin = captured.iter().map(|f| f.timestamp).min().unwrap_or_default();
        let frames = captured.into_iter().map(|f| {
            let since = Duration::from(f.timestamp.saturating_sub(origin));
            ReplayFrame { at: Instant::ZERO + since, data: f.data }
        });
        let mut replay = PcapReplay::from_frames(mac, frames);
        replay.origin = origin;
        Ok(replay)
    }

    /// Reads the capture at `path` (pcap or pcapng, Ethernet) entirely.
    pub fn open(path: impl AsRef<Path>, mac: [u8; 6]) -> Result<Self, PcapError> {
        let frames = CaptureReader::open(path)?.collect::<Result<Vec<_>, _>>()?;
        PcapReplay::from_captured(mac, frames)
    }

    /// Keeps only the frames `keep` accepts, e.g. those not sent by the host itself.
    pub fn retain(&mut self, keep: impl FnMut(&ReplayFrame) -> bool) {
        self.frames.retain(keep);
    }

    /// Takes out the frames whose Ethernet source is the host's MAC (what the recorded host
    /// answered, to compare with what the stack sends) and keeps the rest to replay.
    pub fn split_own_frames(&mut self) -> Vec<ReplayFrame> {
        let mac = self.mac;
        let (own, inbound): (Vec<_>, Vec<_>) =
            self.frames.drain(..).partition(|f| f.data.get(6..12) == Some(&mac[..]));
        self.frames = inbound.into();
        own
    }

    /// The capture timestamp (since the Unix epoch) of the replay's [`Instant::ZERO`].
    pub fn origin(&self) -> StdDuration {
        self.origin
    }

    /// Switches to timed mode and moves the clock to `now`: frames stamped up to `now`
    /// become receivable.
    pub fn advance(&mut self, now: Instant) {
        self.now = Some(self.now.map_or(now, |t| t.max(now)));
    }

    /// The next frame's time, `None` once all were received.
    pub fn next_delivery_time(&self) -> Option<Instant> {
        self.frames.front().map(|f| f.at)
    }

    /// The next frame to be received.
    pub fn peek(&self) -> Option<&ReplayFrame> {
        self.frames.front()
    }

    /// Frames still to be received.
    pub fn remaining(&self) -> usize {
        self.frames.len()
    }

    /// Frames received so far.
    pub fn delivered(&self) -> usize {
        self.delivered
    }

    /// Whether every frame was received.
    pub fn is_finished(&self) -> bool {
        self.frames.is_empty()
    }

    /// What the stack sent, in order.
    pub fn sent(&self) -> &[SentFrame] {
        &self.sent
    }

    /// What the stack sent since the last call.
    pub fn take_sent(&mut self) -> Vec<SentFrame> {
        std::mem::take(&mut self.sent)
    }
}

impl NetIf for PcapReplay {
    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn mtu(&self) -> usize {
        self.mtu
    }

    /// The next frame if it is due. A buffer shorter than
    /// [`max_frame_len`](crate::max_frame_len)`(mtu)` is refused ([`check_recv_len`]),
    /// whatever the frame, so behaviour does not depend on the capture.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        check_recv_len(buf, self.mtu)?;
        let due = match (self.frames.front(), self.now) {
            (Some(f), Some(now)) => f.at <= now,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !due {
            return Ok(None);
        }
        let Some(frame) = self.frames.pop_front() else { return Ok(None) };
        let Some(dst) = buf.get_mut(..frame.data.len()) else {
            return Err(NetIfError::BufferTooSmall { len: buf.len(), needed: frame.data.len() });
        };
        dst.copy_from_slice(&frame.data);
        self.delivered = self.delivered.saturating_add(1);
        Ok(Some(frame.data.len()))
    }

    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        check_send_len(frame, self.mtu)?;
        self.sent.push(SentFrame { at: self.now, data: frame.to_vec() });
        Ok(())
    }
}

#[cfg(unix)]
impl crate::Pollable for PcapReplay {
    fn raw_fd(&self) -> Option<std::os::unix::io::RawFd> {
        None
    }
}
