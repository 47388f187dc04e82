//! poll(2): the one system call the host runner makes itself (the drivers make theirs).
#![allow(unsafe_code)]

use std::io;
use std::os::unix::io::RawFd;
use std::time::Duration;

/// Waits until `fd` is readable or `timeout` has passed; `Ok(true)` when readable.
///
/// The timeout is rounded *up* to whole milliseconds, so a deadline is never woken for
/// early (which would spin); a signal interrupting the wait is reported as a timeout, so
/// the caller re-checks its stop flag and deadlines.
pub(crate) fn wait_readable(fd: RawFd, timeout: Duration) -> io::Result<bool> {
    let millis = timeout.as_nanos().div_ceil(1_000_000);
    let millis = libc::c_int::try_from(millis).unwrap_or(libc::c_int::MAX);
    let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
    // SAFETY: `pfd` is a valid, initialised pollfd that lives across the call, and the count
    // passed is 1, the number of entries it points to. poll(2) does not retain the pointer.
    // An invalid `fd` is reported by the kernel through `revents` (POLLNVAL), not UB.
    let ready = unsafe { libc::poll(&mut pfd, 1, millis) };
    if ready < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted { Ok(false) } else { Err(e) };
    }
    if pfd.revents & libc::POLLNVAL != 0 {
        return Err(io::Error::from_raw_os_error(libc::EBADF));
    }
    // POLLERR/POLLHUP count as readable: the next read reports what happened.
    Ok(ready > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::io::AsRawFd;
    use std::os::unix::net::UnixDatagram;

    #[test]
    fn wakes_on_data_and_times_out_without() {
        let (a, b) = UnixDatagram::pair().unwrap();
        let start = std::time::Instant::now();
        assert!(!wait_readable(b.as_raw_fd(), Duration::from_micros(1500)).unwrap());
        // Rounded up to 2 ms, never shorter than asked.
        assert!(start.elapsed() >= Duration::from_micros(1500));
        a.send(b"x").unwrap();
        assert!(wait_readable(b.as_raw_fd(), Duration::from_secs(5)).unwrap());
    }
}
