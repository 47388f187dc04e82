//! Test support for the connection machine: two connections back to back ([`pair`]), a
//! simulated lossy link between them ([`link`]) and a packetdrill-like script runner.
#![allow(dead_code)]

pub mod link;
pub mod pair;
pub mod parse;
pub mod render;
pub mod run;
