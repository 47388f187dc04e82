//! Resource record TYPE and CLASS numbers (RFC 1035 §3.2.2–§3.2.5, IANA "Resource Record
//! (RR) TYPEs" and "DNS CLASSes").

use crate::registry::registry;

registry! {
    /// A resource record TYPE or QTYPE (RFC 1035 §3.2.2, §3.2.3), with every mnemonic of the
    /// IANA registry; others print as `TYPE1234` (RFC 3597 §5).
    RecordType(u16), generic "TYPE";
    A = 1, "A", "A host address (RFC 1035).";
    NS = 2, "NS", "An authoritative name server (RFC 1035).";
    MD = 3, "MD", "A mail destination, obsolete (RFC 1035).";
    MF = 4, "MF", "A mail forwarder, obsolete (RFC 1035).";
    CNAME = 5, "CNAME", "The canonical name for an alias (RFC 1035).";
    SOA = 6, "SOA", "Start of a zone of authority (RFC 1035).";
    MB = 7, "MB", "A mailbox domain name (RFC 1035).";
    MG = 8, "MG", "A mail group member (RFC 1035).";
    MR = 9, "MR", "A mail rename domain name (RFC 1035).";
    NULL = 10, "NULL", "A null RR (RFC 1035).";
    WKS = 11, "WKS", "A well known service description (RFC 1035).";
    PTR = 12, "PTR", "A domain name pointer (RFC 1035).";
    HINFO = 13, "HINFO", "Host information (RFC 1035).";
    MINFO = 14, "MINFO", "Mailbox or mail list information (RFC 1035).";
    MX = 15, "MX", "Mail exchange (RFC 1035).";
    TXT = 16, "TXT", "Text strings (RFC 1035).";
    RP = 17, "RP", "Responsible person (RFC 1183).";
    AFSDB = 18, "AFSDB", "AFS database location (RFC 1183).";
    X25 = 19, "X25", "X.25 PSDN address (RFC 1183).";
    ISDN = 20, "ISDN", "ISDN address (RFC 1183).";
    RT = 21, "RT", "Route through (RFC 1183).";
    NSAP = 22, "NSAP", "NSAP address (RFC 1706).";
    NSAP_PTR = 23, "NSAP-PTR", "Domain name pointer, NSAP style (RFC 1706).";
    SIG = 24, "SIG", "Security signature (RFC 2536).";
    KEY = 25, "KEY", "Security key (RFC 2536).";
    PX = 26, "PX", "X.400 mail mapping information (RFC 2163).";
    GPOS = 27, "GPOS", "Geographical position (RFC 1712).";
    AAAA = 28, "AAAA", "An IPv6 host address (RFC 3596).";
    LOC = 29, "LOC", "Location information (RFC 1876).";
    NXT = 30, "NXT", "Next domain, obsolete (RFC 3755).";
    EID = 31, "EID", "Endpoint identifier.";
    NIMLOC = 32, "NIMLOC", "Nimrod locator.";
    SRV = 33, "SRV", "Server selection (RFC 2782).";
    ATMA = 34, "ATMA", "ATM address.";
    NAPTR = 35, "NAPTR", "Naming authority pointer (RFC 3403).";
    KX = 36, "KX", "Key exchanger (RFC 2230).";
    CERT = 37, "CERT", "Certificate (RFC 4398).";
    A6 = 38, "A6", "A6, historic (RFC 6563).";
    DNAME = 39, "DNAME", "Delegation name (RFC 6672).";
    SINK = 40, "SINK", "Kitchen sink.";
    OPT = 41, "OPT", "EDNS(0) pseudo-record (RFC 6891).";
    APL = 42, "APL", "Address prefix list (RFC 3123).";
    DS = 43, "DS", "Delegation signer (RFC 4034).";
    SSHFP = 44, "SSHFP", "SSH key fingerprint (RFC 4255).";
    IPSECKEY = 45, "IPSECKEY", "IPsec keying material (RFC 4025).";
    RRSIG = 46, "RRSIG", "RRset signature (RFC 4034).";
    NSEC = 47, "NSEC", "Next secure record (RFC 4034).";
    DNSKEY = 48, "DNSKEY", "DNS public key (RFC 4034).";
    DHCID = 49, "DHCID", "DHCP identifier (RFC 4701).";
    NSEC3 = 50, "NSEC3", "Hashed next secure record (RFC 5155).";
    NSEC3PARAM = 51, "NSEC3PARAM", "NSEC3 parameters (RFC 5155).";
    TLSA = 52, "TLSA", "TLS certificate association (RFC 6698).";
    SMIMEA = 53, "SMIMEA", "S/MIME certificate association (RFC 8162).";
    HIP = 55, "HIP", "Host identity protocol (RFC 8005).";
    NINFO = 56, "NINFO", "Zone status information.";
    RKEY = 57, "RKEY", "RKEY.";
    TALINK = 58, "TALINK", "Trust anchor link.";
    CDS = 59, "CDS", "Child DS (RFC 7344).";
    CDNSKEY = 60, "CDNSKEY", "Child DNSKEY (RFC 7344).";
    OPENPGPKEY = 61, "OPENPGPKEY", "OpenPGP key (RFC 7929).";
    CSYNC = 62, "CSYNC", "Child-to-parent synchronization (RFC 7477).";
    ZONEMD = 63, "ZONEMD", "Message digest for a zone (RFC 8976).";
    SVCB = 64, "SVCB", "General-purpose service binding (RFC 9460).";
    HTTPS = 65, "HTTPS", "Service binding for HTTP (RFC 9460).";
    DSYNC = 66, "DSYNC", "Endpoint discovery for delegation synchronization.";
    HHIT = 67, "HHIT", "Hierarchical host identity tag.";
    BRID = 68, "BRID", "UAS broadcast remote identification.";
    SPF = 99, "SPF", "Sender policy framework, historic (RFC 7208).";
    UINFO = 100, "UINFO", "Reserved (IANA).";
    UID = 101, "UID", "Reserved (IANA).";
    GID = 102, "GID", "Reserved (IANA).";
    UNSPEC = 103, "UNSPEC", "Reserved (IANA).";
    NID = 104, "NID", "ILNP node identifier (RFC 6742).";
    L32 = 105, "L32", "ILNP 32-bit locator (RFC 6742).";
    L64 = 106, "L64", "ILNP 64-bit locator (RFC 6742).";
    LP = 107, "LP", "ILNP locator pointer (RFC 6742).";
    EUI48 = 108, "EUI48", "An EUI-48 address (RFC 7043).";
    EUI64 = 109, "EUI64", "An EUI-64 address (RFC 7043).";
    NXNAME = 128, "NXNAME", "NXDOMAIN indicator for compact denial of existence.";
    TKEY = 249, "TKEY", "Transaction key (RFC 2930).";
    TSIG = 250, "TSIG", "Transaction signature (RFC 8945).";
    IXFR = 251, "IXFR", "Incremental zone transfer (RFC 1995).";
    AXFR = 252, "AXFR", "Transfer of an entire zone (RFC 1035).";
    MAILB = 253, "MAILB", "Mailbox-related RRs (RFC 1035).";
    MAILA = 254, "MAILA", "Mail agent RRs, obsolete (RFC 1035).";
    ANY = 255, "ANY", "A request for all records (RFC 1035 `*`, RFC 8482).";
    URI = 256, "URI", "Uniform resource identifier (RFC 7553).";
    CAA = 257, "CAA", "Certification authority restriction (RFC 8659).";
    AVC = 258, "AVC", "Application visibility and control.";
    DOA = 259, "DOA", "Digital object architecture.";
    AMTRELAY = 260, "AMTRELAY", "Automatic multicast tunneling relay (RFC 8777).";
    RESINFO = 261, "RESINFO", "Resolver information as key/value pairs (RFC 9606).";
    WALLET = 262, "WALLET", "Public wallet address.";
    CLA = 263, "CLA", "BP convergence layer adapter.";
    IPN = 264, "IPN", "BP node number.";
    TA = 32768, "TA", "DNSSEC trust authorities.";
    DLV = 32769, "DLV", "DNSSEC lookaside validation, historic (RFC 8749).";
}

registry! {
    /// A resource record CLASS or QCLASS (RFC 1035 §3.2.4, §3.2.5; RFC 2136 `NONE`); others
    /// print as `CLASS1234` (RFC 3597 §5).
    Class(u16), generic "CLASS";
    IN = 1, "IN", "The Internet (RFC 1035).";
    CS = 2, "CS", "CSNET, obsolete (RFC 1035).";
    CH = 3, "CH", "Chaos (RFC 1035).";
    HS = 4, "HS", "Hesiod (RFC 1035).";
    NONE = 254, "NONE", "QCLASS NONE (RFC 2136).";
    ANY = 255, "ANY", "Any class (RFC 1035 `*`).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3597_5_generic_type_and_class_forms() {
        assert_eq!(RecordType::from_mnemonic("TYPE731"), Some(RecordType(731)));
        assert_eq!(RecordType::from_mnemonic("aaaa"), Some(RecordType::AAAA));
        assert_eq!(RecordType::from_mnemonic("NSAP-PTR"), Some(RecordType::NSAP_PTR));
        assert_eq!(RecordType::from_mnemonic("TYPE"), None);
        assert_eq!(RecordType::from_mnemonic("TYPE70000"), None);
        assert_eq!(Class::from_mnemonic("CLASS32"), Some(Class(32)));
        assert_eq!(std::format!("{} {}", RecordType(731), Class(32)), "TYPE731 CLASS32");
        assert_eq!(std::format!("{:?}", RecordType::A), "RecordType(A)");
    }
}
