//! The DHCP client machine under random steps: replies for its transaction built from the
//! input, raw datagrams, time, probe results and releases (the driver in
//! dhcp/tests/client_fuzz/body.rs checks the lease and timer invariants after each step).
#![no_main]

mod body {
    include!("../../dhcp/tests/client_fuzz/body.rs");
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    body::drive(data);
});
