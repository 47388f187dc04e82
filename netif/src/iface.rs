//! The [`NetIf`] trait (DESIGN.md §6): what a driver offers the stack (no std needed).

use crate::NetIfError;

/// Length of an Ethernet II header: destination, source, EtherType.
pub const ETHERNET_HEADER_LEN: usize = 14;

/// Room for one 802.1Q tag, which a link may carry on top of its MTU.
pub const VLAN_TAG_LEN: usize = 4;

/// The longest frame (without FCS) a link of `mtu` bytes of payload delivers or takes:
/// the MTU, an Ethernet header and one 802.1Q tag. Receive buffers of this size never see
/// [`NetIfError::BufferTooSmall`].
pub const fn max_frame_len(mtu: usize) -> usize {
    mtu.saturating_add(ETHERNET_HEADER_LEN + VLAN_TAG_LEN)
}

/// A network interface as the stack sees it: Ethernet frames in and out, without FCS.
///
/// Drivers never block: [`recv`](NetIf::recv) returns `Ok(None)` when no frame is waiting,
/// and a runner decides how to wait (poll(2) on the host through [`Pollable`], a hypercall
/// on Solo5, a jump of virtual time in a simulation).
pub trait NetIf {
    /// The MAC address the unet host uses on this link (not necessarily the kernel side's,
    /// for a TAP device).
    fn mac(&self) -> [u8; 6];

    /// The largest payload a frame carries, without the Ethernet header (1500 on Ethernet).
    fn mtu(&self) -> usize;

    /// Copies the next received frame into `buf` and returns its length, or `Ok(None)` when
    /// nothing has arrived. `buf` should be at least [`max_frame_len`]`(self.mtu())` long.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError>;

    /// Sends one whole frame (Ethernet header included, FCS excluded).
    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError>;
}

impl<T: NetIf + ?Sized> NetIf for &mut T {
    fn mac(&self) -> [u8; 6] {
        (**self).mac()
    }
    fn mtu(&self) -> usize {
        (**self).mtu()
    }
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        (**self).recv(buf)
    }
    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        (**self).send(frame)
    }
}

#[cfg(feature = "std")]
impl<T: NetIf + ?Sized> NetIf for std::boxed::Box<T> {
    fn mac(&self) -> [u8; 6] {
        (**self).mac()
    }
    fn mtu(&self) -> usize {
        (**self).mtu()
    }
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        (**self).recv(buf)
    }
    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        (**self).send(frame)
    }
}

/// Checks a frame about to be sent on a link of `mtu`: at least an Ethernet header, at
/// most [`max_frame_len`]`(mtu)`. Drivers call it so every driver refuses the same frames.
pub fn check_send_len(frame: &[u8], mtu: usize) -> Result<(), NetIfError> {
    let len = frame.len();
    let max = max_frame_len(mtu);
    if len < ETHERNET_HEADER_LEN {
        Err(NetIfError::FrameTooShort { len })
    } else if len > max {
        Err(NetIfError::FrameTooLong { len, max })
    } else {
        Ok(())
    }
}

/// Checks a receive buffer for a link of `mtu` before reading: at least
/// [`max_frame_len`]`(mtu)`, else [`NetIfError::BufferTooSmall`]. Drivers that cannot tell a
/// frame's length before reading (the kernel cuts a datagram or a TAP read silently) call
/// it, so a short buffer is refused whatever is waiting.
pub fn check_recv_len(buf: &[u8], mtu: usize) -> Result<(), NetIfError> {
    let needed = max_frame_len(mtu);
    if buf.len() < needed {
        return Err(NetIfError::BufferTooSmall { len: buf.len(), needed });
    }
    Ok(())
}

/// A driver a host runner can wait on with poll(2): it has a file descriptor that becomes
/// readable when a frame arrives.
#[cfg(all(feature = "std", unix))]
pub trait Pollable {
    /// The descriptor to poll for readability, or `None` for a driver that has none (an
    /// in-memory port, a replay): the runner then sleeps until the next deadline.
    fn raw_fd(&self) -> Option<std::os::unix::io::RawFd>;
}

#[cfg(all(feature = "std", unix))]
impl<T: Pollable + ?Sized> Pollable for &mut T {
    fn raw_fd(&self) -> Option<std::os::unix::io::RawFd> {
        (**self).raw_fd()
    }
}

#[cfg(all(feature = "std", unix))]
impl<T: Pollable + ?Sized> Pollable for std::boxed::Box<T> {
    fn raw_fd(&self) -> Option<std::os::unix::io::RawFd> {
        (**self).raw_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_length_bounds() {
        assert_eq!(max_frame_len(1500), 1518);
        assert_eq!(check_send_len(&[0; 13], 1500), Err(NetIfError::FrameTooShort { len: 13 }));
        assert_eq!(check_send_len(&[0; 14], 1500), Ok(()));
        assert_eq!(check_send_len(&[0; 1518], 1500), Ok(()));
        assert_eq!(
            check_send_len(&[0; 1519], 1500),
            Err(NetIfError::FrameTooLong { len: 1519, max: 1518 })
        );
        assert_eq!(max_frame_len(usize::MAX), usize::MAX);
    }

    #[test]
    fn recv_buffer_bounds() {
        assert_eq!(
            check_recv_len(&[0; 1517], 1500),
            Err(NetIfError::BufferTooSmall { len: 1517, needed: 1518 })
        );
        assert_eq!(check_recv_len(&[0; 1518], 1500), Ok(()));
        assert_eq!(
            check_recv_len(&[], usize::MAX),
            Err(NetIfError::BufferTooSmall { len: 0, needed: usize::MAX })
        );
    }
}
