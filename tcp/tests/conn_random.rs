//! The body of fuzz/fuzz_targets/tcp_conn.rs (in fuzz_body/tcp_conn.rs) run on
//! proptest's random inputs, so plain `cargo test` exercises it: the TCP connection
//! machine (RFC 9293) driven by random segments at random times, in every state. Every
//! segment it sends must parse back with a valid checksum; nothing may panic.

include!("fuzz_body/tcp_conn.rs");

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    #[test]
    fn rfc9293_3_10_7_random_segments_at_random_times_never_panic(
        data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)
    ) {
        drive(&data);
    }
}

/// Inputs shaped to reach ESTABLISHED first (a SYN,ACK acknowledging our SYN), then
/// random steps.
#[test]
fn rfc9293_3_10_7_established_then_random() {
    let mut seed = 0x1234_5678u64;
    for _ in 0..300 {
        // setup, op 0: flags S., seq offset 0, ack ISS+1, win, len 0, peer ISN, opt, urg.
        let mut data = vec![0b0000_0010, 0, 0x00, 0x12, 0x80, 0x00, 0x01, 0x01, 0xff, 0xff, 0, 0];
        data.extend_from_slice(&[0x1f, 0, 0, 0, 0x0b, 0, 0]);
        for _ in 0..400 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            data.push(seed as u8);
        }
        assert!(drive(&data), "the shaped prefix opens the connection");
    }
}
