//! The `unet` command.
fn main() {}
