//! The link to charlie loses 30% of the frames sent to it: alpha's requests to charlie's
//! echo server are retried after 200 ms without an answer, and all of them come through.

use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_netif::memory::LinkFaults;
use unet_stack::udp::Endpoint;

use super::udp::ECHO_PORT;
use crate::demo::{DemoError, World, ALPHA, CHARLIE, LINK_DELAY};

/// Requests to get answered.
const REQUESTS: u32 = 5;
/// Wait before retrying a request.
const RETRY: Duration = Duration::from_millis(200);
/// Tries per request before the scene gives up.
const MAX_TRIES: u32 = 10;

/// Five request/response exchanges over a link losing 30% of its frames.
pub fn lossy(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let faulty = LinkFaults { loss: 0.3, delay: LINK_DELAY, ..LinkFaults::default() };
    w.switch.set_faults(CHARLIE, faulty);
    w.start_echo(CHARLIE, &[ECHO_PORT])?;
    w.log.note("the link to charlie now loses 30% of its frames (seeded: the same every run)");
    w.say(CHARLIE, "udp echo server on port 7");
    let socket = w
        .stack(ALPHA)
        .udp_open(16 * 1024, 16 * 1024)
        .map_err(|e| DemoError::Setup(format!("alpha's socket: {e}")))?;
    let server = Endpoint::new(w.addr(CHARLIE), ECHO_PORT);
    let (mut answered, mut tries, mut retry_at) = (0u32, 0u32, Instant::ZERO);
    let mut buf = [0u8; 64];
    let done = w.run(Duration::from_secs(60), |t| {
        let now = t.now();
        while let Ok((n, _)) = t.stack(ALPHA).udp_recv_from(socket, &mut buf) {
            let expected = format!("request {}", answered + 1);
            if buf.get(..n) == Some(expected.as_bytes()) {
                answered += 1;
                t.say(
                    ALPHA,
                    &format!(
                        "answer to {expected} after {tries} tr{}",
                        if tries == 1 { "y" } else { "ies" }
                    ),
                );
                tries = 0;
                retry_at = now;
            }
        }
        if answered == REQUESTS {
            return ControlFlow::Break(());
        }
        if now >= retry_at {
            if tries == MAX_TRIES {
                t.say(ALPHA, &format!("gives up request {} after {MAX_TRIES} tries", answered + 1));
                return ControlFlow::Break(());
            }
            tries += 1;
            let msg = format!("request {}", answered + 1);
            let again = if tries > 1 { format!(" again (try {tries})") } else { String::new() };
            t.say(ALPHA, &format!("sends \"{msg}\" to {server}{again}"));
            let _ = t.stack(ALPHA).udp_send_to(socket, msg.as_bytes(), server);
            retry_at = now + RETRY;
            t.wake_at(retry_at);
        }
        ControlFlow::Continue(())
    })?;
    let _ = w.stack(ALPHA).udp_close(socket);
    w.switch.set_faults(CHARLIE, LinkFaults { delay: LINK_DELAY, ..LinkFaults::default() });
    let lost = w.switch.stats(CHARLIE).map_or(0, |s| s.lost);
    w.log.note(&format!("{lost} frame(s) were lost on charlie's link; the link is healed again"));
    Ok(done && answered == REQUESTS)
}
