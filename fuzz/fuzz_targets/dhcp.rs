//! DHCP: the message view, `Repr`, every typed option decoder, RFC 3396 joining, the
//! domain search name walk and the option builder must never panic; whatever parses must
//! re-emit byte for byte and re-parse equal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unet_dhcp::option::{
    ClasslessRoutes, ClientFqdn, DomainSearch, OptionBuilder, OptionIter, RelayAgentInformation,
};
use unet_dhcp::{DhcpOption, Message, OptionCode, Options, Repr};

fuzz_target!(|data: &[u8]| {
    // Free-standing decoders on the raw input, as if it were one option's data.
    if let Some((&code, rest)) = data.split_first() {
        if let Ok(o) = DhcpOption::parse(OptionCode(code), rest) {
            assert_eq!(o.data_len(), rest.len());
            let mut out = vec![0u8; rest.len()];
            assert_eq!(o.emit_data(&mut out), Ok(rest.len()));
            assert_eq!(out, rest);
            let _ = format!("{o}");
        }
    }
    if let Ok(ds) = DomainSearch::new(data) {
        let mut names = ds.names();
        let mut buf = [0u8; 1024];
        while let Some(n) = names.next_into(&mut buf) {
            n.expect("a validated search list decodes");
        }
        let _ = format!("{ds}");
    }
    if let Ok(f) = ClientFqdn::parse(data) {
        let mut buf = [0u8; 1024];
        let _ = f.name_into(&mut buf);
    }
    if let Ok(r) = ClasslessRoutes::new(data) {
        let routes: Vec<_> = r.iter().collect();
        let mut out = vec![0u8; data.len()];
        assert_eq!(ClasslessRoutes::encode(&routes, &mut out), Ok(data.len()));
        // Octets past a route's significant ones are not on the wire, so this is exact.
        assert_eq!(out, data);
    }
    if let Ok(r) = RelayAgentInformation::new(data) {
        let subs: Vec<_> = r.sub_options().collect();
        let mut out = vec![0u8; data.len()];
        assert_eq!(RelayAgentInformation::encode(&subs, &mut out), Ok(data.len()));
        assert_eq!(out, data);
    }

    // Raw options rebuilt through the builder join back to the same data (RFC 3396).
    let mut rebuilt = vec![0u8; data.len() * 2 + 8];
    let mut b = OptionBuilder::new(&mut rebuilt);
    for o in OptionIter::new(data).map_while(Result::ok) {
        b.push_raw(o.code, o.data).expect("room for every option");
    }
    let n = b.finish(false).expect("room for End");
    let mut j1 = vec![0u8; data.len()];
    let mut j2 = vec![0u8; data.len()];
    for o in OptionIter::new(&rebuilt[..n]).map_while(Result::ok) {
        let a = Options::new(&rebuilt[..n], &[], &[])
            .join(o.code, &mut j1)
            .map(|x| x.map(<[u8]>::to_vec));
        let b = Options::new(data, &[], &[]).join(o.code, &mut j2).map(|x| x.map(<[u8]>::to_vec));
        if b.is_ok() {
            assert_eq!(a, b);
        }
    }

    // The whole message.
    let Ok(msg) = Message::new_checked(data) else { return };
    let _ = (msg.op(), msg.xid(), msg.flags(), msg.client_hardware_address(), msg.options());
    let Ok(repr) = Repr::parse(&msg) else { return };
    assert_eq!(repr.buffer_len(), data.len());
    let _ = format!("{repr} {repr:#}");
    let _ = (repr.message_type(), repr.server_name(), repr.boot_file_name());
    for o in repr.options().flatten() {
        let mut buf = vec![0u8; data.len()];
        let _ = repr.get(o.code, &mut buf);
    }
    let mut out = vec![0xa5u8; repr.buffer_len()];
    repr.emit(&mut Message::new_unchecked(&mut out[..])).expect("emit of a parsed Repr");
    assert_eq!(out, data);
    let again = Repr::parse(&Message::new_checked(&out[..]).expect("re-check")).expect("re-parse");
    assert_eq!(again, repr);
});
