//! alpha pings bravo: the first echo request waits for ARP (who-has / is-at), then three
//! requests a second apart come back with their round-trip times in virtual time.

use std::ops::ControlFlow;

use unet_core::{Duration, Instant};
use unet_stack::Event;

use crate::demo::{DemoError, World, ALPHA, BRAVO};

/// Pings sent.
const COUNT: u16 = 3;
/// Echo identifier (as `ping` uses its process id).
const IDENT: u16 = 0x7e57;

/// alpha pings bravo three times, one second apart, and shows its neighbour cache.
pub fn ping(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let target = w.addr(BRAVO);
    w.log.note(&format!("alpha does not know {target}'s MAC yet: the first request waits for ARP"));
    let payload: Vec<u8> = (0..56u8).collect();
    let (mut sent, mut replies, mut next) = (0u16, 0u16, w.now());
    let done = w.run(Duration::from_secs(10), |t| {
        for (id, e) in t.events {
            if *id == ALPHA && matches!(e, Event::EchoReply { ident: IDENT, .. }) {
                replies += 1;
            }
        }
        let now = t.now();
        if sent < COUNT && now >= next {
            sent += 1;
            t.say(ALPHA, &format!("ping {target} icmp_seq={sent}, {} bytes", payload.len()));
            if let Err(e) = t.stack(ALPHA).ping(now, target, IDENT, sent, &payload) {
                t.say(ALPHA, &format!("ping failed: {e}"));
            }
            next = now + Duration::from_secs(1);
            t.wake_at(next);
        }
        if replies == COUNT {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    let now = w.now();
    neighbours(w, now);
    Ok(done)
}

/// Prints alpha's resolved neighbours.
fn neighbours(w: &mut World<'_>, now: Instant) {
    let lines: Vec<String> = w
        .stack(ALPHA)
        .neighbors()
        .neighbors()
        .map(|(ip, state, mac)| format!("{ip} {state} at {mac}"))
        .collect();
    w.log.line(now, "alpha", &format!("neighbour cache: {}", lines.join("; ")));
}
