//! SIGHUP: reload the zones without dropping queries.
//!
//! The signal handler only sets a flag. [`Reloader::poll`] (called by the main thread
//! every few tens of milliseconds) starts a background thread that loads every zone file
//! again; when it has loaded them all, the new authority is published (queries that
//! start afterwards see it, those in flight finish on the old one); when one fails, the
//! old zones stay and the error (`file:line: reason`) is logged. A SIGHUP during a load
//! is remembered and starts another load afterwards.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use signal_hook::consts::SIGHUP;
use signal_hook::flag;

use super::shared::SharedAuthority;
use super::zones::{load_authority, ZoneSpec, ZonesError};

/// What a finished reload did.
#[derive(Debug)]
pub enum ReloadOutcome {
    /// Every zone loaded; the new generation is served.
    Published {
        /// The generation number now served.
        generation: u64,
        /// Zones loaded.
        zones: usize,
    },
    /// A zone failed: the previous zones are still served.
    Failed(ZonesError),
}

/// The SIGHUP flag and the load in progress.
#[derive(Debug)]
pub struct Reloader {
    hup: Arc<AtomicBool>,
    specs: Arc<Vec<ZoneSpec>>,
    shared: Arc<SharedAuthority>,
    running: Option<JoinHandle<ReloadOutcome>>,
}

impl Reloader {
    /// Installs the SIGHUP handler.
    pub fn install(specs: Vec<ZoneSpec>, shared: Arc<SharedAuthority>) -> io::Result<Reloader> {
        let hup = Arc::new(AtomicBool::new(false));
        flag::register(SIGHUP, Arc::clone(&hup))?;
        Ok(Reloader { hup, specs: Arc::new(specs), shared, running: None })
    }

    /// Starts a load if SIGHUP came; returns the outcome of a load that finished.
    pub fn poll(&mut self) -> Option<ReloadOutcome> {
        let mut finished = None;
        if self.running.as_ref().is_some_and(JoinHandle::is_finished) {
            finished = self.running.take().and_then(|t| t.join().ok());
        }
        if self.running.is_none() && self.hup.swap(false, Ordering::SeqCst) {
            let (specs, shared) = (Arc::clone(&self.specs), Arc::clone(&self.shared));
            self.running = Some(std::thread::spawn(move || match load_authority(&specs) {
                Ok(authority) => ReloadOutcome::Published {
                    generation: shared.publish(authority),
                    zones: specs.len(),
                },
                Err(e) => ReloadOutcome::Failed(e),
            }));
        }
        finished
    }
}
