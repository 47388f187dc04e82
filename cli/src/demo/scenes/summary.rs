//! The end: each stack's non-zero counters (totals and every drop, by reason) and the
//! switch's own figures.

use unet_core::Duration;

use crate::demo::{DemoError, World};

/// Prints every host's counters and the switch's statistics.
pub fn counters(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle(Duration::from_secs(1))?;
    for id in 0..w.hosts.len() {
        let c = w.stack(id).counters().clone();
        w.say(id, &format!("{c}"));
    }
    let s = w.switch.switch_stats();
    w.log.note(&format!(
        "switch: {} frames in, {} flooded (broadcast or unknown destination), {} frames in this transcript",
        s.frames_in,
        s.flooded,
        w.log.frames().len()
    ));
    Ok(true)
}
