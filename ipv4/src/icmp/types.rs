//! ICMP message types and codes (RFC 792, RFC 950, RFC 1256, RFC 1812 §5.2.7), as
//! newtypes so that values this crate does not name survive a round trip.

use core::fmt;

/// An ICMP message type, from the IANA "ICMP Type Numbers" registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Type(pub u8);

impl Type {
    /// Echo Reply (RFC 792).
    pub const ECHO_REPLY: Type = Type(0);
    /// Destination Unreachable (RFC 792).
    pub const DST_UNREACHABLE: Type = Type(3);
    /// Source Quench (RFC 792; deprecated by RFC 6633).
    pub const SOURCE_QUENCH: Type = Type(4);
    /// Redirect (RFC 792).
    pub const REDIRECT: Type = Type(5);
    /// Echo (request) (RFC 792).
    pub const ECHO_REQUEST: Type = Type(8);
    /// Router Advertisement (RFC 1256).
    pub const ROUTER_ADVERTISEMENT: Type = Type(9);
    /// Router Solicitation (RFC 1256).
    pub const ROUTER_SOLICITATION: Type = Type(10);
    /// Time Exceeded (RFC 792).
    pub const TIME_EXCEEDED: Type = Type(11);
    /// Parameter Problem (RFC 792).
    pub const PARAM_PROBLEM: Type = Type(12);
    /// Timestamp (RFC 792).
    pub const TIMESTAMP: Type = Type(13);
    /// Timestamp Reply (RFC 792).
    pub const TIMESTAMP_REPLY: Type = Type(14);
    /// Information Request (RFC 792; deprecated by RFC 6918).
    pub const INFO_REQUEST: Type = Type(15);
    /// Information Reply (RFC 792; deprecated by RFC 6918).
    pub const INFO_REPLY: Type = Type(16);
    /// Address Mask Request (RFC 950).
    pub const ADDRESS_MASK_REQUEST: Type = Type(17);
    /// Address Mask Reply (RFC 950).
    pub const ADDRESS_MASK_REPLY: Type = Type(18);

    /// True for the error messages, which quote the datagram that caused them and must
    /// never be answered with another error (RFC 1122 §3.2.2).
    pub const fn is_error(self) -> bool {
        matches!(self.0, 3 | 4 | 5 | 11 | 12)
    }

    /// True for the types whose byte 5 is the RFC 4884 length of the quoted datagram.
    pub const fn has_rfc4884_length(self) -> bool {
        matches!(self.0, 3 | 11 | 12)
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            0 => "echo reply",
            3 => "destination unreachable",
            4 => "source quench",
            5 => "redirect",
            8 => "echo request",
            9 => "router advertisement",
            10 => "router solicitation",
            11 => "time exceeded",
            12 => "parameter problem",
            13 => "time stamp query",
            14 => "time stamp reply",
            15 => "information request",
            16 => "information reply",
            17 => "address mask request",
            18 => "address mask reply",
            t => return write!(f, "type-#{t}"),
        };
        f.write_str(name)
    }
}

macro_rules! code {
    ($(#[$doc:meta])* $name:ident { $($(#[$cdoc:meta])* $c:ident = $v:literal, $text:literal;)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u8);

        impl $name {
            $($(#[$cdoc])* pub const $c: $name = $name($v);)*

            /// A short description, if the code is one this crate names.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $($v => Some($text),)*
                    _ => None,
                }
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

code! {
    /// Destination Unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1).
    Unreachable {
        /// Net unreachable.
        NET = 0, "net unreachable";
        /// Host unreachable.
        HOST = 1, "host unreachable";
        /// Protocol unreachable.
        PROTOCOL = 2, "protocol unreachable";
        /// Port unreachable.
        PORT = 3, "port unreachable";
        /// Fragmentation needed and DF set; carries the next-hop MTU (RFC 1191 §4).
        FRAG_NEEDED = 4, "need to frag";
        /// Source route failed.
        SOURCE_ROUTE_FAILED = 5, "source route failed";
        /// Destination network unknown.
        NET_UNKNOWN = 6, "net unknown";
        /// Destination host unknown.
        HOST_UNKNOWN = 7, "host unknown";
        /// Source host isolated.
        SOURCE_ISOLATED = 8, "source isolated";
        /// Network administratively prohibited.
        NET_PROHIBITED = 9, "net prohibited";
        /// Host administratively prohibited.
        HOST_PROHIBITED = 10, "host prohibited";
        /// Network unreachable for type of service.
        NET_TOS = 11, "net unreachable for tos";
        /// Host unreachable for type of service.
        HOST_TOS = 12, "host unreachable for tos";
        /// Communication administratively prohibited (RFC 1812).
        ADMIN_PROHIBITED = 13, "admin prohibited filter";
        /// Host precedence violation (RFC 1812).
        PRECEDENCE_VIOLATION = 14, "host precedence violation";
        /// Precedence cutoff in effect (RFC 1812).
        PRECEDENCE_CUTOFF = 15, "precedence cutoff";
    }
}

code! {
    /// Redirect codes (RFC 792).
    Redirect {
        /// Redirect datagrams for the network.
        NET = 0, "net";
        /// Redirect datagrams for the host.
        HOST = 1, "host";
        /// Redirect for the type of service and network.
        TOS_NET = 2, "tos-net";
        /// Redirect for the type of service and host.
        TOS_HOST = 3, "tos-host";
    }
}

code! {
    /// Time Exceeded codes (RFC 792).
    TimeExceeded {
        /// Time to live exceeded in transit.
        TTL = 0, "in-transit";
        /// Fragment reassembly time exceeded.
        REASSEMBLY = 1, "reassembly";
    }
}

code! {
    /// Parameter Problem codes (RFC 792, RFC 1108, RFC 1812 §5.2.7.3).
    ParamProblem {
        /// The pointer indicates the error.
        POINTER = 0, "pointer indicates the error";
        /// A required option is missing (RFC 1108).
        MISSING_OPTION = 1, "missing required option";
        /// Bad length.
        BAD_LENGTH = 2, "bad length";
    }
}
