//! IANA numbers used in options: option codes ("BOOTP Vendor Extensions and DHCP Options"),
//! DHCP message types, and the option-overload values.

use core::fmt;

/// A DHCP/BOOTP option code (RFC 2132 and later; IANA registry).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OptionCode(pub u8);

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $n:literal, $text:literal; )*) => {
        impl OptionCode {
            $( $(#[$doc])* pub const $name: OptionCode = OptionCode($n); )*

            /// The option's name as tcpdump prints it, if this crate knows it.
            pub fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $n => Some($text), )*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// Pad (RFC 2132 §3.1): one octet, no length.
    PAD = 0, "PAD";
    /// Subnet mask (RFC 2132 §3.3).
    SUBNET_MASK = 1, "Subnet-Mask";
    /// Time offset from UTC in seconds (RFC 2132 §3.4).
    TIME_OFFSET = 2, "Time-Zone";
    /// Routers (RFC 2132 §3.5).
    ROUTER = 3, "Default-Gateway";
    /// RFC 868 time servers (RFC 2132 §3.6).
    TIME_SERVER = 4, "Time-Server";
    /// IEN 116 name servers (RFC 2132 §3.7).
    NAME_SERVER = 5, "IEN-Name-Server";
    /// DNS servers (RFC 2132 §3.8).
    DOMAIN_NAME_SERVER = 6, "Domain-Name-Server";
    /// MIT-LCS UDP log servers (RFC 2132 §3.9).
    LOG_SERVER = 7, "Log-Server";
    /// Host name (RFC 2132 §3.14).
    HOST_NAME = 12, "Hostname";
    /// Boot file size in 512-octet blocks (RFC 2132 §3.15).
    BOOT_FILE_SIZE = 13, "BS";
    /// Domain name (RFC 2132 §3.17).
    DOMAIN_NAME = 15, "Domain-Name";
    /// Swap server (RFC 2132 §3.18).
    SWAP_SERVER = 16, "Swap-Server";
    /// Root path (RFC 2132 §3.19).
    ROOT_PATH = 17, "Root-Path";
    /// Extensions path (RFC 2132 §3.20).
    EXTENSIONS_PATH = 18, "Extensions-Path";
    /// IP forwarding enable/disable (RFC 2132 §4.1).
    IP_FORWARDING = 19, "IP-Forwarding";
    /// Interface MTU (RFC 2132 §5.1).
    INTERFACE_MTU = 26, "MTU";
    /// Broadcast address (RFC 2132 §5.3).
    BROADCAST_ADDRESS = 28, "BR";
    /// Static routes, classful (RFC 2132 §5.8).
    STATIC_ROUTE = 33, "Static-Route";
    /// NTP servers (RFC 2132 §8.3).
    NTP_SERVERS = 42, "NTP";
    /// Vendor-specific information (RFC 2132 §8.4).
    VENDOR_SPECIFIC = 43, "Vendor-Option";
    /// NetBIOS over TCP/IP name servers (RFC 2132 §8.5).
    NETBIOS_NAME_SERVER = 44, "Netbios-Name-Server";
    /// NetBIOS datagram distribution servers (RFC 2132 §8.6).
    NETBIOS_DISTRIBUTION_SERVER = 45, "Netbios-Datagram-Dist";
    /// NetBIOS node type (RFC 2132 §8.7).
    NETBIOS_NODE_TYPE = 46, "Netbios-Node";
    /// NetBIOS scope (RFC 2132 §8.8).
    NETBIOS_SCOPE = 47, "Netbios-Scope";
    /// Requested IP address (RFC 2132 §9.1).
    REQUESTED_IP = 50, "Requested-IP";
    /// IP address lease time (RFC 2132 §9.2).
    LEASE_TIME = 51, "Lease-Time";
    /// Option overload (RFC 2132 §9.3).
    OVERLOAD = 52, "Option-Overload";
    /// DHCP message type (RFC 2132 §9.6).
    MESSAGE_TYPE = 53, "DHCP-Message";
    /// Server identifier (RFC 2132 §9.7).
    SERVER_ID = 54, "Server-ID";
    /// Parameter request list (RFC 2132 §9.8).
    PARAMETER_REQUEST_LIST = 55, "Parameter-Request";
    /// Message, an error text (RFC 2132 §9.9).
    MESSAGE = 56, "MSG";
    /// Maximum DHCP message size (RFC 2132 §9.10).
    MAX_MESSAGE_SIZE = 57, "MSZ";
    /// Renewal (T1) time (RFC 2132 §9.11).
    RENEWAL_TIME = 58, "RN";
    /// Rebinding (T2) time (RFC 2132 §9.12).
    REBINDING_TIME = 59, "RB";
    /// Vendor class identifier (RFC 2132 §9.13).
    VENDOR_CLASS_ID = 60, "Vendor-Class";
    /// Client identifier (RFC 2132 §9.14).
    CLIENT_ID = 61, "Client-ID";
    /// TFTP server name (RFC 2132 §9.4).
    TFTP_SERVER_NAME = 66, "TFTP";
    /// Bootfile name (RFC 2132 §9.5).
    BOOTFILE_NAME = 67, "BF";
    /// User class (RFC 3004).
    USER_CLASS = 77, "User-Class";
    /// Rapid commit (RFC 4039 §4).
    RAPID_COMMIT = 80, "Rapid-Commit";
    /// Client FQDN (RFC 4702 §2).
    CLIENT_FQDN = 81, "FQDN";
    /// Relay agent information (RFC 3046 §2.0).
    RELAY_AGENT_INFORMATION = 82, "Agent-Information";
    /// Client last transaction time (RFC 4388 §6.1).
    CLIENT_LAST_TRANSACTION_TIME = 91, "Client-Last-Transaction-Time";
    /// Associated IP addresses (RFC 4388 §6.1).
    ASSOCIATED_IP = 92, "Associated-IP";
    /// TZ database time zone (RFC 4833).
    TZ_DATABASE = 101, "TZ-Database";
    /// IPv6-only preferred (RFC 8925 §3.1).
    IPV6_ONLY_PREFERRED = 108, "IPv6-Only-Preferred";
    /// Domain search list (RFC 3397 §2).
    DOMAIN_SEARCH = 119, "Domain-Search";
    /// Classless static routes (RFC 3442).
    CLASSLESS_STATIC_ROUTE = 121, "Classless-Static-Route";
    /// FORCERENEW nonce capable (RFC 6704).
    FORCERENEW_NONCE_CAPABLE = 145, "Forcerenew-Nonce-Capable";
    /// TFTP server addresses (RFC 5859).
    TFTP_SERVER_ADDRESS = 150, "TFTP-Server-Address";
    /// Manufacturer Usage Description URL (RFC 8520 §10).
    MUD_URL = 161, "MUD-URL";
    /// End (RFC 2132 §3.2): one octet, no length; ends the options.
    END = 255, "END";
}

impl fmt::Display for OptionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{n} ({})", self.0),
            None => write!(f, "Unknown ({})", self.0),
        }
    }
}

impl fmt::Debug for OptionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "OptionCode({self})")
    }
}

/// The DHCP message type, option 53 (RFC 2132 §9.6, RFC 3203, RFC 4388 §6.1, RFC 6926 §6.2).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageType(pub u8);

impl MessageType {
    /// DHCPDISCOVER.
    pub const DISCOVER: MessageType = MessageType(1);
    /// DHCPOFFER.
    pub const OFFER: MessageType = MessageType(2);
    /// DHCPREQUEST.
    pub const REQUEST: MessageType = MessageType(3);
    /// DHCPDECLINE.
    pub const DECLINE: MessageType = MessageType(4);
    /// DHCPACK.
    pub const ACK: MessageType = MessageType(5);
    /// DHCPNAK.
    pub const NAK: MessageType = MessageType(6);
    /// DHCPRELEASE.
    pub const RELEASE: MessageType = MessageType(7);
    /// DHCPINFORM.
    pub const INFORM: MessageType = MessageType(8);
    /// DHCPFORCERENEW (RFC 3203).
    pub const FORCERENEW: MessageType = MessageType(9);
    /// DHCPLEASEQUERY (RFC 4388).
    pub const LEASEQUERY: MessageType = MessageType(10);
    /// DHCPLEASEUNASSIGNED (RFC 4388).
    pub const LEASEUNASSIGNED: MessageType = MessageType(11);
    /// DHCPLEASEUNKNOWN (RFC 4388).
    pub const LEASEUNKNOWN: MessageType = MessageType(12);
    /// DHCPLEASEACTIVE (RFC 4388).
    pub const LEASEACTIVE: MessageType = MessageType(13);
    /// DHCPBULKLEASEQUERY (RFC 6926).
    pub const BULKLEASEQUERY: MessageType = MessageType(14);
    /// DHCPLEASEQUERYDONE (RFC 6926).
    pub const LEASEQUERYDONE: MessageType = MessageType(15);
    /// DHCPACTIVELEASEQUERY (RFC 7724, numbered in RFC 6926's range).
    pub const ACTIVELEASEQUERY: MessageType = MessageType(16);
    /// DHCPLEASEQUERYSTATUS (RFC 7724).
    pub const LEASEQUERYSTATUS: MessageType = MessageType(17);
    /// DHCPTLS (RFC 7724).
    pub const TLS: MessageType = MessageType(18);

    /// The name tcpdump prints, if known.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Discover",
            2 => "Offer",
            3 => "Request",
            4 => "Decline",
            5 => "ACK",
            6 => "NACK",
            7 => "Release",
            8 => "Inform",
            9 => "Forcerenew",
            10 => "Lease Query",
            11 => "Lease Unassigned",
            12 => "Lease Unknown",
            13 => "Lease Active",
            14 => "Bulk Lease Query",
            15 => "Lease Query Done",
            16 => "Active Lease Query",
            17 => "Lease Query Status",
            18 => "TLS",
            _ => return None,
        })
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "Unknown ({})", self.0),
        }
    }
}

impl fmt::Debug for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MessageType({self})")
    }
}

bitflags::bitflags! {
    /// The option-overload value, option 52 (RFC 2132 §9.3): which of `file` and `sname`
    /// also carry options. Values other than 1, 2, 3 are kept but carry no meaning.
    #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
    pub struct Overload: u8 {
        /// 1: the `file` field holds options.
        const FILE = 1;
        /// 2: the `sname` field holds options.
        const SNAME = 2;
    }
}

impl Overload {
    /// The fields an option-52 value overloads: values other than 1, 2 and 3 are not
    /// defined (RFC 2132 §9.3) and overload nothing.
    pub fn from_wire(value: u8) -> Overload {
        if (1..=3).contains(&value) {
            Overload::from_bits_retain(value)
        } else {
            Overload::empty()
        }
    }
}

impl fmt::Display for Overload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bits() {
            1 => f.write_str("file"),
            2 => f.write_str("sname"),
            3 => f.write_str("file+sname"),
            n => write!(f, "bad-overload-#{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;

    #[test]
    fn rfc2132_9_6_message_type_names() {
        assert_eq!(format!("{}", MessageType::DISCOVER), "Discover");
        assert_eq!(format!("{}", MessageType::LEASEACTIVE), "Lease Active");
        assert_eq!(format!("{}", MessageType(200)), "Unknown (200)");
        assert_eq!(format!("{}", OptionCode::DOMAIN_SEARCH), "Domain-Search (119)");
        assert_eq!(format!("{}", OptionCode(222)), "Unknown (222)");
    }
}
