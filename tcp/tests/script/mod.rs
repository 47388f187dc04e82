//! Test support for the connection machine: two connections back to back ([`pair`]) and
//! a packetdrill-like script runner.
#![allow(dead_code)]

pub mod pair;
pub mod parse;
pub mod render;
pub mod run;
