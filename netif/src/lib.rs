//! unet-netif: drivers that move frames between a unet stack and the world.
#![cfg_attr(not(feature = "std"), no_std)]
#![warn(missing_docs)]
