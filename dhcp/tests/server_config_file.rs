//! The config file format: a full example, and errors with line and reason.

use std::net::Ipv4Addr;
use unet_dhcp::server::config_file::{parse, Reason};
use unet_dhcp::server::{ConfigError, HostMatch};

#[test]
fn config_file_full_example() {
    let text = "\
# the lab
lease-time 600 60 3600
offer-hold 20
decline-quarantine 120
rapid-commit yes
probe off
subnet 192.0.2.0/24
  range 192.0.2.10-192.0.2.200   # dynamic
  router 192.0.2.1
  dns 192.0.2.53, 192.0.2.54
  ntp 192.0.2.123
  domain example.com
  search example.com example.net
  mtu 1400
  route 198.51.100.0/24 192.0.2.1
  option 224 hex:01:02:ff
  option 225 some text here
host 02:00:00:00:00:07 192.0.2.7
  host-option 12 printer
host id:01020000000008 192.0.2.8
";
    let c = parse(text).unwrap();
    assert_eq!(c.lease.default.as_secs(), 600);
    assert_eq!(c.lease.max.as_secs(), 3600);
    assert!(c.rapid_commit);
    assert_eq!(c.probe_timeout, None);
    let s = &c.subnets[0];
    assert_eq!(s.prefix, 24);
    assert_eq!(s.ranges[0], (Ipv4Addr::new(192, 0, 2, 10), Ipv4Addr::new(192, 0, 2, 200)));
    assert_eq!(s.routers[0], Ipv4Addr::new(192, 0, 2, 1));
    let codes: Vec<u8> =
        unet_dhcp::OptionIter::new(&s.options).map(|o| o.unwrap().code.0).collect();
    assert_eq!(codes, [6, 42, 15, 119, 26, 121, 224, 225]);
    assert_eq!(c.reservations[0].host, HostMatch::Mac([2, 0, 0, 0, 0, 7]));
    assert_eq!(&c.reservations[0].options[..], &[12, 7, b'p', b'r', b'i', b'n', b't', b'e', b'r']);
    assert!(
        matches!(&c.reservations[1].host, HostMatch::ClientId(id) if id[..] == [1, 2, 0, 0, 0, 0, 8])
    );
}

#[test]
fn config_file_errors_give_line_and_reason() {
    let text = "subnet 192.0.2.0/24\n\n  range 192.0.2.50-192.0.2.10\n";
    let e = parse(text).unwrap_err();
    assert_eq!(e.line, 3);
    assert_eq!(
        format!("leases.conf:{e}"),
        "leases.conf:3: range 192.0.2.50-192.0.2.10: first address after last"
    );
    let cases: &[(&str, usize, Reason)] = &[
        ("frobnicate 1\n", 1, Reason::UnknownDirective),
        ("subnet 192.0.2.0/24\nrouter 192.0.2.300\n", 2, Reason::BadValue),
        ("range 192.0.2.1-192.0.2.5\n", 1, Reason::Config(ConfigError::NoSubnet)),
        (
            "subnet 192.0.2.0/24\nrange 198.51.100.1-198.51.100.5\n",
            2,
            Reason::Config(ConfigError::OutsideSubnet(Ipv4Addr::new(198, 51, 100, 1))),
        ),
        ("subnet 192.0.2.0/24\nmtu\n", 2, Reason::WrongArguments),
        ("subnet 192.0.2.0/24\nmtu 1400 1500\n", 2, Reason::WrongArguments),
        ("subnet 192.0.2.0/24\nhost 02:00:00:00:07 192.0.2.7\n", 2, Reason::BadValue),
        ("subnet 192.0.2.0/24\noption 53 hex:01\n", 2, Reason::Config(ConfigError::BadOption(53))),
    ];
    for (text, line, reason) in cases {
        let e = parse(text).unwrap_err();
        assert_eq!((e.line, e.reason), (*line, *reason), "{text:?}: {e}");
    }
    let e = parse("lease-time 600 700 3600\nsubnet 192.0.2.0/24\n").unwrap_err();
    assert_eq!(e.reason, Reason::Config(ConfigError::LeaseTimes));
}
