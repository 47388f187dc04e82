//! Unit tests: RFC vectors and malformed input (`option`, `segment`), and proptest round
//! trips (`roundtrip`).

mod option;
mod roundtrip;
mod segment;
