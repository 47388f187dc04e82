//! A durable lease file (std): an append-only journal, one line per committed lease,
//! fsynced before `commit` returns; compacted by writing the live leases to a temporary
//! file, fsync, rename over the journal, fsync of the directory.
//!
//! Line format (ASCII, one lease per line; the last line for an address wins):
//!
//! ```text
//! lease <addr> <client-key-hex> <bound|released|declined> <expiry: unix seconds | never>
//! ```
//!
//! A line that does not parse (a torn last line after a crash) is skipped and counted.

extern crate std;

use core::net::Ipv4Addr;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::string::String;
use std::time::{SystemTime, UNIX_EPOCH};
use std::vec::Vec;

use unet_core::{Duration, Instant};

use super::lease::{ClientKey, Lease, LeaseState};
use super::store::{LeaseStore, StoreError};

/// The lease file store.
#[derive(Debug)]
pub struct FileStore {
    path: PathBuf,
    file: File,
    live: BTreeMap<Ipv4Addr, String>,
    journal_lines: usize,
    skipped: usize,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl FileStore {
    /// Opens (or creates) the lease file at `path`, reads its leases and compacts it.
    /// Returns the store and the leases, with expiry times mapped onto `now` (the
    /// machine's clock) from the wall clock.
    pub fn open(path: &Path, now: Instant) -> io::Result<(FileStore, Vec<Lease>)> {
        let text = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let mut live = BTreeMap::new();
        let mut skipped = 0;
        let wall = unix_now();
        for line in text.split(|&b| b == b'\n') {
            if line.is_empty() {
                continue;
            }
            match core::str::from_utf8(line).ok().and_then(|l| parse_line(l, now, wall)) {
                Some(lease) => {
                    live.insert(lease.addr, String::from_utf8_lossy(line).into_owned());
                }
                None => skipped += 1,
            }
        }
        let leases = live.values().filter_map(|l| parse_line(l, now, wall)).collect::<Vec<_>>();
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let mut store = FileStore { path: path.into(), file, live, journal_lines: 0, skipped };
        store.compact()?;
        Ok((store, leases))
    }

    /// Lines of the file that did not parse when it was opened.
    pub fn skipped_lines(&self) -> usize {
        self.skipped
    }

    /// Rewrites the file with one line per address: temporary file, fsync, rename,
    /// fsync of the directory.
    pub fn compact(&mut self) -> io::Result<()> {
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        {
            let mut f = File::create(&tmp)?;
            for line in self.live.values() {
                f.write_all(line.as_bytes())?;
                f.write_all(b"\n")?;
            }
            f.sync_all()?;
        }
        fs::rename(&tmp, &self.path)?;
        if let Some(dir) = self.path.parent() {
            let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
            File::open(dir)?.sync_all()?;
        }
        self.file = OpenOptions::new().append(true).open(&self.path)?;
        self.journal_lines = self.live.len();
        Ok(())
    }

    fn append(&mut self, line: String) -> io::Result<()> {
        let mut l = line.clone();
        l.push('\n');
        self.file.write_all(l.as_bytes())?;
        self.file.sync_data()?;
        self.journal_lines += 1;
        if self.journal_lines > 4 * self.live.len() + 64 {
            self.compact()?;
        }
        Ok(())
    }
}

fn parse_line(line: &str, now: Instant, wall: u64) -> Option<Lease> {
    let mut w = line.split(' ');
    if w.next()? != "lease" {
        return None;
    }
    let addr: Ipv4Addr = w.next()?.parse().ok()?;
    let hex = w.next()?;
    if hex.len() % 2 != 0 {
        return None;
    }
    let mut key = [0u8; super::lease::KEY_LEN];
    let n = hex.len() / 2;
    for (i, k) in key.iter_mut().enumerate().take(n.min(super::lease::KEY_LEN)) {
        *k = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    let client = ClientKey::from_bytes(key.get(..n)?)?;
    let state = match w.next()? {
        "bound" => LeaseState::Bound,
        "released" => LeaseState::Released,
        "declined" => LeaseState::Declined,
        _ => return None,
    };
    let expires = match w.next()? {
        "never" => Instant::MAX,
        t => {
            let t: u64 = t.parse().ok()?;
            now.checked_add(Duration::from_secs(t.saturating_sub(wall))).unwrap_or(Instant::MAX)
        }
    };
    if w.next().is_some() {
        return None;
    }
    Some(Lease { addr, client, state, expires, probed: true })
}

impl LeaseStore for FileStore {
    fn commit(&mut self, lease: &Lease, now: Instant) -> Result<(), StoreError> {
        let state = match lease.state {
            LeaseState::Bound => "bound",
            LeaseState::Released => "released",
            LeaseState::Declined => "declined",
            // Offers and probes are not bindings: nothing to keep.
            LeaseState::Offered | LeaseState::Probing => return Ok(()),
        };
        let mut line = String::new();
        use core::fmt::Write as _;
        let _ = write!(line, "lease {} ", lease.addr);
        for b in lease.client.as_bytes() {
            let _ = write!(line, "{b:02x}");
        }
        let _ = write!(line, " {state} ");
        if lease.expires == Instant::MAX {
            line.push_str("never");
        } else {
            let left = lease.expires.saturating_duration_since(now).as_secs();
            let _ = write!(line, "{}", unix_now().saturating_add(left));
        }
        self.live.insert(lease.addr, line.clone());
        self.append(line).map_err(|_| StoreError::Io)
    }
}
