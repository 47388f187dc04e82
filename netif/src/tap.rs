//! The Linux TAP driver: Ethernet frames through `/dev/net/tun` (Linux
//! `Documentation/networking/tuntap.rst`).
//!
//! The device is opened with `IFF_TAP | IFF_NO_PI` (whole Ethernet frames, no packet
//! information prefix) and `O_NONBLOCK`, so [`NetIf::recv`] returns `Ok(None)` instead of
//! blocking and the host runner waits with poll(2) on [`Tap::raw_fd`](Pollable::raw_fd).
//!
//! The MAC address given to [`Tap::open`] is the *unet host's*: the kernel side of the
//! device has its own, and the two talk over the virtual wire like two machines.
//! Choose a locally administered unicast address (first byte `0x02`, `0x06`, `0x0a`, ...).
//!
//! The unsafe code is three ioctls (`TUNSETIFF`, `SIOCGIFMTU`) and the socket the last one
//! needs; reads and writes go through `std::fs::File`.
#![allow(unsafe_code)]

use std::ffi::c_char;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::fs::OpenOptionsExt;

use crate::{fd, NetIf, NetIfError, Pollable};

/// Longest interface name, with its NUL (`IFNAMSIZ`).
const IFNAMSIZ: usize = 16;

/// `struct ifreq` with the `ifr_flags` member of its union (`<linux/if.h>`). The union is
/// 24 bytes on 64-bit targets and 16 on 32-bit ones; padding to 24 is never too short.
#[repr(C)]
struct IfReqFlags {
    name: [c_char; IFNAMSIZ],
    flags: libc::c_short,
    _pad: [u8; 22],
}

/// `struct ifreq` with the `ifr_mtu` member of its union.
#[repr(C)]
struct IfReqMtu {
    name: [c_char; IFNAMSIZ],
    mtu: libc::c_int,
    _pad: [u8; 20],
}

/// An interface name as `ifr_name` wants it, or `NoSuchDevice` for a name no interface
/// can have (empty, too long, with a NUL or a slash).
fn ifr_name(name: &str) -> Result<[c_char; IFNAMSIZ], NetIfError> {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() >= IFNAMSIZ || bytes.iter().any(|&b| b == 0 || b == b'/') {
        return Err(NetIfError::NoSuchDevice);
    }
    let mut out = [0 as c_char; IFNAMSIZ];
    for (o, &b) in out.iter_mut().zip(bytes) {
        *o = b as c_char;
    }
    Ok(out)
}

/// The MTU of interface `name` in the caller's network namespace (`SIOCGIFMTU`).
fn query_mtu(name: &str) -> Result<usize, NetIfError> {
    let mut req = IfReqMtu { name: ifr_name(name)?, mtu: 0, _pad: [0; 20] };
    // SAFETY: socket(2) takes no pointers; the result is checked before use.
    let raw = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if raw < 0 {
        return Err(io::Error::last_os_error().into());
    }
    // SAFETY: `raw` is a descriptor socket(2) just returned and nothing else owns; the
    // OwnedFd closes it when this function returns.
    let sock = unsafe { OwnedFd::from_raw_fd(raw) };
    // SAFETY: SIOCGIFMTU reads `ifr_name` and writes `ifr_mtu` of a `struct ifreq`; `req` has
    // that layout (name, then the union at offset 16, at least as large as the kernel's)
    // and lives across the call.
    let rc = unsafe { libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFMTU, &mut req) };
    if rc < 0 {
        return Err(io::Error::last_os_error().into());
    }
    usize::try_from(req.mtu).map_err(|_| NetIfError::WrongDeviceType)
}

/// A TAP device opened for Ethernet frames, non-blocking.
#[derive(Debug)]
pub struct Tap {
    file: File,
    name: String,
    mac: [u8; 6],
    mtu: usize,
}

impl Tap {
    /// Attaches to the existing TAP device `name` (created beforehand, e.g. with
    /// `ip tuntap add dev NAME mode tap`), as the unet host with MAC address `mac`. The MTU
    /// is the device's (`SIOCGIFMTU`). Returns once the kernel has taken the device into
    /// service (at most 500 ms), so the first frames it answers are not lost.
    ///
    /// Errors: [`NetIfError::NoSuchDevice`] when there is no such interface (or no
    /// `/dev/net/tun`), [`NetIfError::PermissionDenied`] without `CAP_NET_ADMIN` on a device
    /// owned by another user, [`NetIfError::Busy`] when another process has it attached,
    /// [`NetIfError::WrongDeviceType`] for a TUN (or non-tun) interface.
    pub fn open(name: &str, mac: [u8; 6]) -> Result<Tap, NetIfError> {
        // Looking the MTU up first is also the existence check: TUNSETIFF alone would
        // create a missing device instead of failing.
        query_mtu(name)?;
        Tap::attach(name, mac)
    }

    /// Attaches to TAP device `name`, creating it if it does not exist (needs
    /// `CAP_NET_ADMIN`). A device created this way disappears when the `Tap` is dropped,
    /// unless made persistent with `ip tuntap`.
    pub fn create(name: &str, mac: [u8; 6]) -> Result<Tap, NetIfError> {
        Tap::attach(name, mac)
    }

    fn attach(name: &str, mac: [u8; 6]) -> Result<Tap, NetIfError> {
        let mut req = IfReqFlags {
            name: ifr_name(name)?,
            flags: (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short,
            _pad: [0; 22],
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open("/dev/net/tun")?;
        // SAFETY: TUNSETIFF reads `ifr_name` and `ifr_flags` of a `struct ifreq` (and may
        // write the name back); `req` has that layout and lives across the call. The
        // descriptor is the open /dev/net/tun file.
        let rc = unsafe { libc::ioctl(file.as_raw_fd(), libc::TUNSETIFF, &mut req) };
        if rc < 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EINVAL) => NetIfError::WrongDeviceType,
                _ => e.into(),
            });
        }
        let mtu = query_mtu(name)?;
        wait_until_operational(name, CARRIER_WAIT);
        Ok(Tap { file, name: name.to_owned(), mac, mtu })
    }

    /// Overrides the MTU read from the device (say, to test a smaller one). Frames longer
    /// than [`max_frame_len`](crate::max_frame_len)`(mtu)` are then refused on send; the
    /// kernel's MTU still bounds what it sends, so do not set it below the device's.
    pub fn with_mtu(mut self, mtu: usize) -> Tap {
        self.mtu = mtu;
        self
    }

    /// The interface's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl NetIf for Tap {
    fn mac(&self) -> [u8; 6] {
        self.mac
    }

    fn mtu(&self) -> usize {
        self.mtu
    }

    /// Reads one frame. The kernel cuts a frame longer than the buffer without saying so,
    /// so a buffer shorter than [`max_frame_len`](crate::max_frame_len)`(mtu)` is refused
    /// before reading.
    fn recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>, NetIfError> {
        fd::recv_frame(buf, self.mtu, |buf| self.file.read(buf))
    }

    /// Writes one frame; a TAP write is all or nothing.
    fn send(&mut self, frame: &[u8]) -> Result<(), NetIfError> {
        fd::send_frame(frame, self.mtu, |frame| self.file.write(frame))
    }
}

impl Pollable for Tap {
    fn raw_fd(&self) -> Option<RawFd> {
        Some(self.file.as_raw_fd())
    }
}

/// How long [`Tap::open`] waits for the kernel to take the device into service.
const CARRIER_WAIT: std::time::Duration = std::time::Duration::from_millis(500);

/// Waits (bounded) until the kernel reports the device operational after we attached.
///
/// Attaching turns the TAP's carrier on, but the kernel starts transmitting on the device
/// only when its link-watch work has run — asynchronously, under the rtnl lock, so later
/// when other devices are being created or deleted. Until then the kernel drops what it
/// sends to us (its qdisc is still the no-op one): a first ARP reply lost that way costs
/// the first connection a one-second retry. Waiting for `operstate` to leave "down" (it
/// changes in the same link-watch step) closes that window. A device the kernel side never
/// brought up stays "down": then this gives up after the bound and the host runs anyway.
fn wait_until_operational(name: &str, bound: std::time::Duration) {
    let path = format!("/sys/class/net/{name}/operstate");
    let start = std::time::Instant::now();
    while start.elapsed() < bound {
        match std::fs::read_to_string(&path) {
            Ok(state) if !matches!(state.trim(), "down" | "lowerlayerdown") => {
                // The qdisc is activated right after the state changes, in the same step.
                std::thread::sleep(std::time::Duration::from_millis(2));
                return;
            }
            Ok(_) => std::thread::sleep(std::time::Duration::from_millis(2)),
            Err(_) => return, // no sysfs: nothing to wait on
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interface_names_no_device_can_have_are_refused() {
        for bad in ["", "sixteen-chars-xx", "a/b", "nul\0"] {
            assert_eq!(ifr_name(bad).unwrap_err(), NetIfError::NoSuchDevice, "{bad:?}");
        }
        let name = ifr_name("tap0").unwrap();
        assert_eq!(
            &name[..5],
            &[b't' as c_char, b'a' as c_char, b'p' as c_char, b'0' as c_char, 0]
        );
        assert!(ifr_name("fifteen-chars-x").is_ok());
    }

    #[test]
    fn missing_device_is_no_such_device() {
        // SIOCGIFMTU on a name nobody uses: ENODEV, whatever our privileges.
        assert_eq!(
            Tap::open("unet-nosuch9", [2, 0, 0, 0, 0, 1]).unwrap_err(),
            NetIfError::NoSuchDevice
        );
    }

    #[test]
    fn ifreq_layouts_are_at_least_the_kernels() {
        // 40 bytes on 64-bit Linux, 32 on 32-bit: ours must never be shorter.
        assert!(core::mem::size_of::<IfReqFlags>() >= core::mem::size_of::<libc::ifreq>());
        assert!(core::mem::size_of::<IfReqMtu>() >= core::mem::size_of::<libc::ifreq>());
    }
}
