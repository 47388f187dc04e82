//! IPv4 options (RFC 791 §3.1), read as typed items and written by a small builder.
//!
//! The header keeps its options as raw bytes ([`Repr::options`](crate::Repr::options));
//! [`Options`] walks them without allocating and never panics: a malformed option ends the
//! walk with [`WireError::BadOption`](unet_core::WireError::BadOption). Options this crate
//! does not know are yielded as [`Ipv4Option::Unknown`] with their bytes, so nothing is
//! lost on a re-emit.

mod builder;
mod display;
mod option;
mod walk;

pub use builder::OptionsBuilder;
pub use option::Ipv4Option;
pub use walk::{Addresses, Options, TimestampEntry, Timestamps};

/// An option type octet (RFC 791 §3.1: copied flag, class, number), from the IANA
/// "IP Option Numbers" registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionType(pub u8);

impl OptionType {
    /// End of Option List (RFC 791).
    pub const END_OF_LIST: OptionType = OptionType(0);
    /// No Operation (RFC 791).
    pub const NOP: OptionType = OptionType(1);
    /// Record Route (RFC 791).
    pub const RECORD_ROUTE: OptionType = OptionType(7);
    /// Internet Timestamp (RFC 791).
    pub const TIMESTAMP: OptionType = OptionType(68);
    /// Basic Security (RFC 1108 §2).
    pub const SECURITY: OptionType = OptionType(130);
    /// Loose Source and Record Route (RFC 791).
    pub const LOOSE_SOURCE_ROUTE: OptionType = OptionType(131);
    /// Extended Security (RFC 1108 §3).
    pub const EXTENDED_SECURITY: OptionType = OptionType(133);
    /// Stream Identifier (RFC 791; deprecated by RFC 6814).
    pub const STREAM_ID: OptionType = OptionType(136);
    /// Strict Source and Record Route (RFC 791).
    pub const STRICT_SOURCE_ROUTE: OptionType = OptionType(137);
    /// Router Alert (RFC 2113).
    pub const ROUTER_ALERT: OptionType = OptionType(148);

    /// The copied flag: the option is copied into every fragment (RFC 791 §3.2).
    pub const fn copied(self) -> bool {
        self.0 & 0x80 != 0
    }
    /// Option class (0 control, 2 debugging and measurement).
    pub const fn class(self) -> u8 {
        (self.0 >> 5) & 0x03
    }
    /// Option number within its class.
    pub const fn number(self) -> u8 {
        self.0 & 0x1f
    }
}

/// The flag nibble of the Internet Timestamp option (RFC 791 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimestampFlag(pub u8);

impl TimestampFlag {
    /// Timestamps only, in consecutive 32-bit words.
    pub const TIMESTAMPS_ONLY: TimestampFlag = TimestampFlag(0);
    /// Each timestamp preceded by the address of the registering entity.
    pub const WITH_ADDRESSES: TimestampFlag = TimestampFlag(1);
    /// The addresses are prespecified; a node stamps only when its address is next.
    pub const PRESPECIFIED: TimestampFlag = TimestampFlag(3);

    /// True when each entry carries an address before its timestamp.
    pub const fn has_addresses(self) -> bool {
        self.0 == 1 || self.0 == 3
    }
}
