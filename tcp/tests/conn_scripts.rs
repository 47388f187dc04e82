//! The packetdrill-like scripts in `tests/scripts/*.pkt`, one test each (see
//! `script/parse.rs` for the format).

mod script;

fn run(name: &str) {
    let path = format!("{}/tests/scripts/{name}.pkt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    if let Err(report) = script::run::run(name, &text) {
        panic!("\n{report}\n");
    }
}

macro_rules! scripts {
    ($($name:ident)*) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*
        /// Every script in the folder has a test above.
        #[test]
        fn every_script_is_listed() {
            let listed = [$(stringify!($name)),*];
            let dir = format!("{}/tests/scripts", env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(dir).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                let stem = name.strip_suffix(".pkt").unwrap_or(&name).to_string();
                assert!(listed.contains(&stem.as_str()), "{name} has no test");
            }
        }
    };
}

scripts! {
    rfc1122_4_2_3_2_delayed_ack
    rfc1122_4_2_3_6_keepalive
    rfc1191_pmtu_and_rfc5927_checks
    rfc2018_4_sack_blocks
    rfc3042_2_limited_transmit_then_fast_retransmit
    rfc5961_3_2_rst_exactly_at_rcv_nxt
    rfc5961_4_2_syn_in_established
    rfc5961_5_2_ack_range
    rfc5961_7_challenge_ack_rate_limit
    rfc6298_5_7_syn_retransmission_limit
    rfc6298_5_retransmission_backoff
    rfc6675_5_sack_loss_recovery
    rfc7323_1_3_window_scale_not_negotiated
    rfc7323_2_window_scale
    rfc7323_5_3_paws
    rfc896_nagle
    rfc9293_3_10_7_3_syn_sent
    rfc9293_3_10_7_4_zero_window_acceptability
    rfc9293_3_5_active_open
    rfc9293_3_5_passive_open
    rfc9293_3_5_simultaneous_open
    rfc9293_3_6_close_wait_last_ack
    rfc9293_3_6_half_close
    rfc9293_3_6_simultaneous_close
    rfc9293_3_7_1_default_mss
    rfc9293_3_8_3_user_timeout
    rfc9293_3_8_5_urgent
    rfc9293_3_8_6_1_zero_window_probe
}
