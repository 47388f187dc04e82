//! The hosts arrive: each probes its address before using it (RFC 5227 §2.1), then
//! announces it (§2.3); a latecomer claiming a taken address backs off.

use std::ops::ControlFlow;

use unet_core::Duration;
use unet_stack::ethernet::EthernetAddress;
use unet_stack::Event;

use crate::demo::{DemoError, World, ALPHA, BRAVO, CHARLIE};

/// Adds alpha, bravo and charlie (192.0.2.1–3/24) and waits until each address is ready.
pub fn boot(w: &mut World<'_>) -> Result<bool, DemoError> {
    let hosts = [
        (ALPHA, "alpha", "192.0.2.1/24"),
        (BRAVO, "bravo", "192.0.2.2/24"),
        (CHARLIE, "charlie", "192.0.2.3/24"),
    ];
    for (expected, name, cidr) in hosts {
        let cidr = cidr.parse().map_err(|_| DemoError::Setup(cidr.into()))?;
        let id = w.add_host(name, cidr, true);
        if id != expected {
            return Err(DemoError::Setup(format!(
                "{name} must be host {expected}, the first scene"
            )));
        }
        let mac = w.hosts.get(id).map(|h| h.mac.to_string()).unwrap_or_default();
        w.say(id, &format!("up: {cidr}, mac {mac}, link delay 1 ms; probing the address"));
    }
    w.log.note("each host sends 3 ARP probes (sender 0.0.0.0), hears no answer, announces");
    let mut ready = [false; 3];
    let ready_all = w.run(Duration::from_secs(20), |t| {
        for (id, e) in t.events {
            if let (Event::AddressReady(_), Some(r)) = (e, ready.get_mut(*id)) {
                *r = true;
            }
        }
        if ready.iter().all(|r| *r) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    // The second announcement of each comes 2 s after the first (RFC 5227 ANNOUNCE_INTERVAL).
    w.idle(Duration::from_millis(2500))?;
    Ok(ready_all)
}

/// Adds delta, which wants charlie's 192.0.2.3: charlie answers its probe and delta gives
/// the address up instead of breaking charlie's traffic.
pub fn conflict(w: &mut World<'_>) -> Result<bool, DemoError> {
    w.idle_to_next_second(Duration::ZERO)?;
    let cidr = "192.0.2.3/24".parse().map_err(|_| DemoError::Setup("cidr".into()))?;
    // Its own MAC: the default one would equal charlie's, derived from the same address.
    let delta = w.add_host_with_mac("delta", cidr, EthernetAddress([2, 0, 0, 0, 0, 4]), true);
    w.say(delta, "up: 192.0.2.3/24 (charlie's address!); probing it");
    let done = w.run(Duration::from_secs(10), |t| {
        let conflict = t
            .events
            .iter()
            .any(|(id, e)| *id == delta && matches!(e, Event::AddressConflict { .. }));
        if conflict {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    let still = w.stack(CHARLIE).ipv4_addr();
    w.log.note(&format!(
        "charlie still holds {}; delta has no address and stays silent",
        still.map_or("nothing".to_string(), |a| a.to_string())
    ));
    Ok(done && still.is_some() && w.stack(delta).ipv4_addr().is_none())
}
