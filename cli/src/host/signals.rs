//! SIGINT and SIGTERM end `unet host` cleanly: the first sets the runner's stop flag (the
//! loop notices within its longest sleep, then the pcap is flushed and the counters are
//! printed); a second one, if the shutdown hangs, exits at once with status 130.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// The stop flag and which signal set it.
#[derive(Debug, Clone)]
pub struct StopSignals {
    stop: Arc<AtomicBool>,
    which: Arc<AtomicUsize>,
}

impl StopSignals {
    /// Installs the handlers for SIGINT and SIGTERM.
    pub fn install() -> io::Result<StopSignals> {
        let stop = Arc::new(AtomicBool::new(false));
        let which = Arc::new(AtomicUsize::new(0));
        for signal in [SIGINT, SIGTERM] {
            // Registered first, so it sees the flag as the previous signal left it: only a
            // second signal finds it set and exits.
            flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop))?;
            flag::register_usize(signal, Arc::clone(&which), signal as usize)?;
            flag::register(signal, Arc::clone(&stop))?;
        }
        Ok(StopSignals { stop, which })
    }

    /// The flag to give the runner.
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
    }

    /// `SIGINT` or `SIGTERM` once one arrived.
    pub fn received(&self) -> Option<&'static str> {
        match self.which.load(Ordering::SeqCst) {
            0 => None,
            n if n == SIGINT as usize => Some("SIGINT"),
            n if n == SIGTERM as usize => Some("SIGTERM"),
            _ => Some("a signal"),
        }
    }
}
