//! `unet dns-server`: unet-dns's authoritative server on kernel sockets or on a unet
//! stack over a TAP device, with zone reloads on SIGHUP.
//!
//! - [`zones`]: which files with which origins, loaded into an `Authority`;
//! - [`shared`]: the authority being served, swapped whole on reload (serving threads
//!   never wait for a load);
//! - [`kernel`]: UDP and TCP on kernel sockets (`--listen`), UDP in batches ([`batch`]);
//! - [`tap`]: UDP and TCP on a unet stack (`--tap`), also used by the demo;
//! - [`reload`]: SIGHUP loads the files again in a background thread and publishes the
//!   result only when every zone loaded; on an error the old zones stay and the error is
//!   logged.

#[cfg(target_os = "linux")]
pub mod batch;
pub mod kernel;
#[cfg(target_os = "linux")]
pub mod reload;
pub mod shared;
pub mod tap;
pub mod zones;

pub use unet_netif::host::Clock;
