//! The lease file: durable before the ACK, reloaded on restart, torn lines ignored.
#![cfg(feature = "std")]

mod server_support;
use server_support::*;

use std::io::Write;
use unet_dhcp::server::{FileStore, Lease, LeaseState, Server};
use unet_dhcp::MessageType;

fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("unet-dhcps-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d.join("leases")
}

#[test]
fn file_store_restart_keeps_the_clients_address() {
    let path = tmp("restart");
    let addr;
    {
        let (store, leases) = FileStore::open(&path, at(0)).unwrap();
        assert!(leases.is_empty());
        let mut table = vec![None; 16];
        let mut s = Server::new(config(), &mut table[..], store);
        lease(&mut s, at(0), mac(1)).unwrap();
        addr = lease(&mut s, at(0), mac(2)).unwrap().yiaddr();
        // The line is on disk before the ACK is returned.
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(&format!("lease {addr} ")), "{text}");
    }
    // Restart: a torn line at the end (crash mid-write) is skipped.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"lease 192.0.2.1")
        .unwrap();
    let (store, leases) = FileStore::open(&path, at(0)).unwrap();
    assert_eq!(store.skipped_lines(), 1);
    assert_eq!(leases.len(), 2);
    let mut table = vec![None; 16];
    let mut s = Server::new(config(), &mut table[..], store);
    for l in leases {
        assert_eq!(l.state, LeaseState::Bound);
        assert!(s.restore(l));
    }
    // A new client does not get mac(2)'s address; mac(2)'s renewal is ACKed.
    let o = exchange(&mut s, at(5), &Msg::new(MessageType::DISCOVER, mac(3))).unwrap();
    assert_ne!(o.yiaddr(), addr);
    let renew = Msg::new(MessageType::REQUEST, mac(2)).ciaddr(addr);
    let a = exchange(&mut s, at(5), &renew).unwrap();
    assert_eq!((a.kind(), a.yiaddr()), (Some(MessageType::ACK), addr));
    // INIT-REBOOT after restart is ACKed too (the server has a record).
    let reboot = Msg::new(MessageType::REQUEST, mac(2)).requested(addr);
    assert_eq!(exchange(&mut s, at(6), &reboot).unwrap().kind(), Some(MessageType::ACK));
    // Compaction on open left one line per address.
    drop(s);
    let (_, leases) = FileStore::open(&path, at(0)).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), leases.len());
}

#[test]
fn file_store_keeps_release_and_decline() {
    let path = tmp("states");
    let (mut store, _) = FileStore::open(&path, at(0)).unwrap();
    use unet_dhcp::server::{ClientKey, LeaseStore};
    let l = Lease {
        addr: "192.0.2.10".parse().unwrap(),
        client: ClientKey::from_hardware(1, &mac(1)),
        state: LeaseState::Declined,
        expires: at(600),
        probed: true,
    };
    store.commit(&l, at(0)).unwrap();
    store
        .commit(
            &Lease { state: LeaseState::Released, addr: "192.0.2.11".parse().unwrap(), ..l },
            at(0),
        )
        .unwrap();
    drop(store);
    let (_, leases) = FileStore::open(&path, at(1000)).unwrap();
    let states: Vec<_> = leases.iter().map(|l| (l.addr.octets()[3], l.state, l.client)).collect();
    assert_eq!(states.len(), 2);
    assert_eq!(states[0], (10, LeaseState::Declined, l.client));
    assert_eq!(states[1].1, LeaseState::Released);
    // Expiry is mapped onto the new clock: 600 s from the commit, reopened at 1000.
    let left = leases[0].expires.saturating_duration_since(at(1000)).as_secs();
    assert!((598..=600).contains(&left), "{left}");
}
