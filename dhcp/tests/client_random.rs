//! Random steps through the client machine (the fuzz target's driver): the client never
//! holds an expired address, always has a timer armed while it waits for something, and
//! never arms one in the past (RFC 2131 §4.4.5 expiry, §4.1 retransmission).

#![allow(missing_docs)]

mod body {
    include!("client_fuzz/body.rs");
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn rfc2131_4_4_no_expired_address_and_always_a_timer(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        body::drive(&data);
    }
}

/// A walk that reaches BOUND, RENEWING, REBINDING and expiry: OFFER, ACK with a short
/// lease, the probe result, then time.
#[test]
fn rfc2131_4_4_5_scripted_walk_to_expiry() {
    let data = [
        0x01, // mode: probe on, no startup delay
        0x00, // to the first timer: DISCOVER
        0x02, 0x03, 10, // OFFER, flags=server id+lease, yiaddr .10 ...
        0, 0, 0, 200, // ... lease 200 s
        0x0a, 0x03, 10, 0, 0, 0, 200,  // ACK
        0x06, // probe: no conflict
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // timers to expiry
    ];
    let visited = body::drive(&data);
    use unet_dhcp::client::State;
    for s in [State::Selecting, State::Checking, State::Bound, State::Renewing, State::Rebinding] {
        assert_ne!(visited & body::state_bit(s), 0, "never in {s}");
    }
}
