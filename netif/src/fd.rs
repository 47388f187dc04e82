//! What the descriptor-backed drivers ([`Tap`](crate::tap::Tap),
//! [`SocketPair`](crate::SocketPair)) do alike around one non-blocking read or write: the
//! length checks every driver makes, "nothing waiting" told apart from a failure, and the
//! errno mapped to a [`NetIfError`].

use std::io;

use crate::{check_recv_len, check_send_len, NetIfError};

/// Receives one frame into `buf` with `read`, one frame per call (a TAP read, a datagram),
/// on a non-blocking descriptor of a link of `mtu`.
///
/// A buffer shorter than [`max_frame_len`](crate::max_frame_len)`(mtu)` is refused before
/// reading, since the kernel would cut the frame without saying so. `EAGAIN` and `EINTR`
/// are `Ok(None)`, as is a read of 0 bytes: end of file on a TAP device, and an empty
/// datagram, which no driver sends ([`check_send_len`] refuses it). Other errors go through
/// `From<io::Error> for NetIfError`.
pub(crate) fn recv_frame(
    buf: &mut [u8],
    mtu: usize,
    read: impl FnOnce(&mut [u8]) -> io::Result<usize>,
) -> Result<Option<usize>, NetIfError> {
    check_recv_len(buf, mtu)?;
    match read(buf) {
        Ok(0) => Ok(None),
        Ok(n) => Ok(Some(n)),
        Err(e)
            if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::Interrupted =>
        {
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// Sends `frame` whole with `write` on a link of `mtu`, after [`check_send_len`].
///
/// A TAP write and a datagram send are all or nothing, so a shorter count is
/// [`NetIfError::Io`]; errors (`EAGAIN` on a full queue included, which
/// [`NetIfError::is_transient`] tells a runner to count and go on) go through
/// `From<io::Error> for NetIfError`.
pub(crate) fn send_frame(
    frame: &[u8],
    mtu: usize,
    write: impl FnOnce(&[u8]) -> io::Result<usize>,
) -> Result<(), NetIfError> {
    check_send_len(frame, mtu)?;
    match write(frame) {
        Ok(n) if n == frame.len() => Ok(()),
        Ok(_) => Err(NetIfError::Io),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(errno: i32) -> io::Error {
        io::Error::from_raw_os_error(errno)
    }

    #[test]
    fn recv_maps_nothing_waiting_to_none_and_errors_to_netif_errors() {
        let mut buf = [0u8; 1518];
        assert_eq!(recv_frame(&mut buf, 1500, |_| Ok(60)), Ok(Some(60)));
        assert_eq!(recv_frame(&mut buf, 1500, |_| Ok(0)), Ok(None));
        assert_eq!(recv_frame(&mut buf, 1500, |_| Err(os(libc::EAGAIN))), Ok(None));
        assert_eq!(recv_frame(&mut buf, 1500, |_| Err(os(libc::EINTR))), Ok(None));
        assert_eq!(
            recv_frame(&mut buf, 1500, |_| Err(os(libc::EPIPE))),
            Err(NetIfError::Disconnected)
        );
        assert_eq!(
            recv_frame(&mut buf, 1500, |_| Err(os(libc::EIO))),
            Err(NetIfError::Os(libc::EIO))
        );
    }

    #[test]
    fn recv_refuses_a_short_buffer_without_reading() {
        let mut read = false;
        let got = recv_frame(&mut [0u8; 100], 1500, |_| {
            read = true;
            Ok(60)
        });
        assert_eq!(got, Err(NetIfError::BufferTooSmall { len: 100, needed: 1518 }));
        assert!(!read);
    }

    #[test]
    fn send_checks_lengths_and_wants_the_whole_frame_written() {
        let frame = [0u8; 60];
        assert_eq!(send_frame(&frame, 1500, |f| Ok(f.len())), Ok(()));
        assert_eq!(send_frame(&frame, 1500, |_| Ok(59)), Err(NetIfError::Io));
        assert_eq!(
            send_frame(&frame, 1500, |_| Err(os(libc::EAGAIN))),
            Err(NetIfError::Os(libc::EAGAIN))
        );
        assert_eq!(
            send_frame(&[0u8; 13], 1500, |_| Ok(13)),
            Err(NetIfError::FrameTooShort { len: 13 })
        );
    }
}
