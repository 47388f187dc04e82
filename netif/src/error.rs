//! Why a driver could not open, receive or send (no std needed).

use core::fmt;

/// Why a [`NetIf`](crate::NetIf) operation failed.
///
/// [`NetIfError::is_transient`] tells a runner whether to count the failure and go on (a
/// full queue, one oversized frame) or to stop (the device is gone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetIfError {
    /// No interface of that name exists (`ENODEV`, `ENXIO`).
    NoSuchDevice,
    /// The caller lacks the privilege: `CAP_NET_ADMIN`, or the device belongs to another
    /// user or group (`EPERM`, `EACCES`).
    PermissionDenied,
    /// The device is already attached to another process (`EBUSY`).
    Busy,
    /// The device exists but is not what the driver drives (a TUN device opened as TAP:
    /// `EINVAL` from `TUNSETIFF`).
    WrongDeviceType,
    /// A frame to send is longer than the link carries: `max` is the MTU plus an Ethernet
    /// header and one 802.1Q tag ([`crate::max_frame_len`]). The frame was not sent.
    FrameTooLong {
        /// The frame's length.
        len: usize,
        /// The longest frame the link takes.
        max: usize,
    },
    /// A frame to send is shorter than an Ethernet header (14 bytes). Not sent.
    FrameTooShort {
        /// The frame's length.
        len: usize,
    },
    /// The receive buffer is shorter than the frame waiting (or than the longest frame the
    /// link can deliver, for drivers that cannot tell the length before reading). Size
    /// buffers with [`crate::max_frame_len`]`(mtu)`.
    BufferTooSmall {
        /// The buffer's length.
        len: usize,
        /// The length that would have been enough.
        needed: usize,
    },
    /// The link is gone: the device was deleted, the peer closed its end.
    Disconnected,
    /// A recording tee could not write its capture; the frame itself went through.
    Recording,
    /// Any other operating-system error, with its `errno`.
    Os(i32),
    /// An I/O error without an `errno` (from a `std::io` sink or source).
    Io,
}

impl NetIfError {
    /// Whether the link can still be used: the operation failed for this one frame (too
    /// long, too short, a full kernel queue, an interrupted call) rather than for good.
    pub fn is_transient(&self) -> bool {
        match self {
            NetIfError::FrameTooLong { .. }
            | NetIfError::FrameTooShort { .. }
            | NetIfError::BufferTooSmall { .. }
            | NetIfError::Recording => true,
            // EINTR 4, EAGAIN 11, ENOBUFS 105, ENOMEM 12 on Linux: the kernel had no room
            // for this frame now.
            NetIfError::Os(errno) => matches!(errno, 4 | 11 | 12 | 105),
            _ => false,
        }
    }
}

impl fmt::Display for NetIfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetIfError::NoSuchDevice => f.write_str("no such network device"),
            NetIfError::PermissionDenied => {
                f.write_str("permission denied (needs CAP_NET_ADMIN or the device's owner)")
            }
            NetIfError::Busy => f.write_str("device busy (attached to another process)"),
            NetIfError::WrongDeviceType => f.write_str("device is not of the expected type"),
            NetIfError::FrameTooLong { len, max } => {
                write!(f, "frame of {len} bytes is longer than the link's {max}")
            }
            NetIfError::FrameTooShort { len } => {
                write!(f, "frame of {len} bytes is shorter than an Ethernet header")
            }
            NetIfError::BufferTooSmall { len, needed } => {
                write!(f, "receive buffer of {len} bytes, {needed} needed")
            }
            NetIfError::Disconnected => f.write_str("link disconnected"),
            NetIfError::Recording => f.write_str("could not write the capture file"),
            NetIfError::Os(errno) => write!(f, "os error {errno}"),
            NetIfError::Io => f.write_str("i/o error"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for NetIfError {}

#[cfg(feature = "std")]
impl From<std::io::Error> for NetIfError {
    /// Maps an OS error to the variant a caller can act on; other errors keep their errno.
    fn from(e: std::io::Error) -> NetIfError {
        use std::io::ErrorKind;
        match e.raw_os_error() {
            // ENODEV 19, ENXIO 6 (Linux numbers; the TAP driver is Linux only).
            Some(19 | 6) => return NetIfError::NoSuchDevice,
            // EBADFD 77: the TAP device was deleted under an open descriptor.
            Some(77) => return NetIfError::Disconnected,
            _ => {}
        }
        match e.kind() {
            ErrorKind::NotFound => NetIfError::NoSuchDevice,
            ErrorKind::PermissionDenied => NetIfError::PermissionDenied,
            ErrorKind::ResourceBusy => NetIfError::Busy,
            ErrorKind::BrokenPipe
            | ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset
            | ErrorKind::NotConnected => NetIfError::Disconnected,
            _ => e.raw_os_error().map_or(NetIfError::Io, NetIfError::Os),
        }
    }
}
