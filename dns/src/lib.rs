//! unet-dns: the DNS message wire format (RFC 1035 §4), without allocation.
//!
//! - [`Message`]: a view over a message; [`Message::new_checked`] reads it all once, then
//!   [`Message::questions`], [`Message::answers`], [`Message::authorities`] and
//!   [`Message::additionals`] iterate [`Question`]s and [`Record`]s borrowed from it.
//! - [`Header`] with [`Flags`] (QR AA TC RD RA Z AD CD), [`Opcode`] and [`Rcode`] (12-bit
//!   with EDNS, RFC 6891 §6.1.3).
//! - [`Name`]: a name inside a message, following compression pointers (RFC 1035 §4.1.4)
//!   that must point strictly backwards; [`NameBuf`]: an owned 255-byte name, read from
//!   presentation format with `str::parse`.
//! - [`RData`]: typed RDATA for A, NS, CNAME, SOA, PTR, MX, TXT, HINFO, AAAA, SRV, NAPTR,
//!   DS, DNSKEY, RRSIG, NSEC, NSEC3, NSEC3PARAM, TLSA, SSHFP, SVCB/HTTPS, URI, CAA and OPT
//!   ([`Edns`]); any other type as RFC 3597 opaque data.
//! - [`MessageBuilder`]: writes a message into a caller buffer with name compression (a
//!   table of [`COMPRESSION_TABLE_LEN`] suffixes) and signals a full buffer as
//!   [`Error::BufferTooSmall`] so the caller can set TC.
//!
//! `Display` on [`Record`] prints dig's form (`example.com. 3600 IN A 192.0.2.1`); on
//! [`Message`] tcpdump's one-liner (`12345+ A? example.com. (29)`), and `{:#}` prints every
//! section as dig does.
//!
//! ```
//! use unet_dns::{Message, RData};
//! let bytes = [
//!     0x30, 0x39, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, // header: id 12345, response
//!     7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0, 0, 1, 0, 1,
//!     0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 192, 0, 2, 1, // answer, compressed
//! ];
//! let msg = Message::new_checked(&bytes[..]).unwrap();
//! let answer = msg.answers().next().unwrap().unwrap();
//! assert_eq!(answer.data, RData::A([192, 0, 2, 1].into()));
//! assert_eq!(format!("{answer}"), "example.com. 3600 IN A 192.0.2.1");
//! assert_eq!(format!("{msg}"), "12345 1/0/0 A 192.0.2.1 (45)");
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod builder;
mod error;
mod header;
pub mod master;
mod message;
mod name;
mod name_buf;
pub mod rdata;
mod record;
mod registry;
#[cfg(feature = "alloc")]
pub mod server;
mod text;
mod types;
mod writer;
#[cfg(feature = "alloc")]
pub mod zone;

pub use builder::MessageBuilder;
pub use error::Error;
pub use header::{Flags, Header, Opcode, Rcode, HEADER_LEN};
pub use message::{Message, Questions, Records, Section};
pub use name::{Labels, Name, MAX_LABEL_LEN, MAX_NAME_LEN, MAX_POINTERS};
pub use name_buf::NameBuf;
pub use rdata::{Edns, EdnsFlags, EdnsOption, EdnsOptionCode, RData};
pub use record::{Question, Record};
pub use types::{Class, RecordType};
pub use writer::COMPRESSION_TABLE_LEN;
