//! ICMPv6 error codes (RFC 4443 §3 and the IANA "ICMPv6 Parameters" registry).
//!
//! Each is a newtype so that codes unet does not know survive a round trip.

use core::fmt;

macro_rules! code_type {
    ($(#[$m:meta])* $name:ident { $($(#[$cm:meta])* $c:ident = $v:literal, $text:literal;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u8);

        impl $name {
            $($(#[$cm])* pub const $c: $name = $name($v);)*

            /// tcpdump's words for the known codes.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($v => Some($text),)*
                    _ => None,
                }
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "code-#{}", self.0),
                }
            }
        }
    };
}

code_type! {
    /// Destination Unreachable codes (RFC 4443 §3.1, RFC 6550 §20.18, RFC 8883 §2).
    DstUnreachableCode {
        /// No route to destination.
        NO_ROUTE = 0, "no route to";
        /// Communication with destination administratively prohibited.
        ADMIN_PROHIBITED = 1, "administratively prohibited";
        /// Beyond scope of source address.
        BEYOND_SCOPE = 2, "beyond scope";
        /// Address unreachable.
        ADDR_UNREACHABLE = 3, "unreachable address";
        /// Port unreachable.
        PORT_UNREACHABLE = 4, "unreachable port";
        /// Source address failed ingress/egress policy.
        FAILED_POLICY = 5, "failed policy";
        /// Reject route to destination.
        REJECT_ROUTE = 6, "reject route";
        /// Error in Source Routing Header (RFC 6550).
        SOURCE_ROUTING_ERROR = 7, "source routing header error";
        /// Headers too long (RFC 8883).
        HEADERS_TOO_LONG = 8, "headers too long";
    }
}

code_type! {
    /// Time Exceeded codes (RFC 4443 §3.3).
    TimeExceededCode {
        /// Hop limit exceeded in transit.
        HOP_LIMIT_EXCEEDED = 0, "time exceeded in-transit";
        /// Fragment reassembly time exceeded.
        REASSEMBLY_TIME_EXCEEDED = 1, "ip6 reassembly time exceeded";
    }
}

code_type! {
    /// Parameter Problem codes (RFC 4443 §3.4, RFC 7112 §4, RFC 8754 §5.4, RFC 8883 §2).
    ParamProblemCode {
        /// Erroneous header field encountered.
        ERRONEOUS_HEADER_FIELD = 0, "erroneous - octet";
        /// Unrecognized Next Header type encountered.
        UNRECOGNIZED_NEXT_HEADER = 1, "next header - octet";
        /// Unrecognized IPv6 option encountered.
        UNRECOGNIZED_OPTION = 2, "option - octet";
        /// IPv6 first fragment has incomplete IPv6 header chain (RFC 7112).
        INCOMPLETE_HEADER_CHAIN = 3, "incomplete header chain - octet";
        /// SR Upper-layer Header Error (RFC 8754).
        SR_UPPER_LAYER_HEADER = 4, "SR upper-layer header error - octet";
        /// Unrecognized Next Header type encountered by intermediate node (RFC 8883).
        INTERMEDIATE_NEXT_HEADER = 5, "intermediate node next header - octet";
        /// Extension header too big (RFC 8883).
        EXT_HEADER_TOO_BIG = 6, "extension header too big - octet";
        /// Extension header chain too long (RFC 8883).
        EXT_HEADER_CHAIN_TOO_LONG = 7, "extension header chain too long - octet";
        /// Too many extension headers (RFC 8883).
        TOO_MANY_EXT_HEADERS = 8, "too many extension headers - octet";
        /// Too many options in extension header (RFC 8883).
        TOO_MANY_OPTIONS = 9, "too many options - octet";
        /// Option too big (RFC 8883).
        OPTION_TOO_BIG = 10, "option too big - octet";
    }
}
