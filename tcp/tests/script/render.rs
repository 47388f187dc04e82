//! Segments between script syntax and `Repr`s: building the peer's segments, matching
//! ours against an expectation, and printing them back in script syntax.

use std::collections::VecDeque;
use std::string::{String, ToString};
use std::vec::Vec;

use unet_core::Instant;
use unet_tcp::{OptionSet, Repr, SackBlock, SackBlocks, SeqNumber, TcpFlags};
use unet_tcp::{TcpOptions, Timestamps};

use super::pair::Wire;
use super::parse::{Field, SegSpec};
use super::run::{pattern, LOCAL, LOCAL_ISS, REMOTE, REMOTE_ISN};

pub fn w_last(out: &VecDeque<(Instant, Wire)>) -> Wire {
    out.back().map(|(_, w)| w.clone()).expect("a segment")
}

/// The segment an inbound line describes, and its data.
pub fn build(spec: &SegSpec) -> (Repr<'static>, Vec<u8>) {
    let field = |f: Option<Field>| match f {
        Some(Field::Is(v)) => v,
        _ => 0,
    };
    let options = spec.options.as_ref().map_or(OptionSet::default(), |o| OptionSet {
        mss: o.mss,
        window_scale: o.wscale,
        sack_permitted: o.sack_permitted,
        timestamps: o
            .ts
            .map(|(val, ecr)| Timestamps { tsval: field(Some(val)), tsecr: field(Some(ecr)) }),
        sack_blocks: blocks(&o.sack, LOCAL_ISS),
    });
    let syn = u32::from(spec.flags.contains(TcpFlags::SYN));
    let first = spec.seq.wrapping_add(syn);
    let payload: Vec<u8> = (0..spec.len as u32).map(|i| pattern(first.wrapping_add(i))).collect();
    let repr = Repr {
        src_port: REMOTE.port,
        dst_port: LOCAL.port,
        seq_number: SeqNumber(REMOTE_ISN.wrapping_add(spec.seq)),
        ack_number: SeqNumber(LOCAL_ISS.wrapping_add(field(spec.ack))),
        flags: spec.flags,
        window_len: field(spec.win) as u16,
        urgent_pointer: field(spec.urg) as u16,
        options: TcpOptions::Typed(options),
        payload_len: payload.len(),
    };
    (repr, payload)
}

fn blocks(list: &[(u32, u32)], base: u32) -> SackBlocks {
    let mut out = SackBlocks::new();
    for &(l, r) in list {
        let _ = out.push(SackBlock {
            left: SeqNumber(base.wrapping_add(l)),
            right: SeqNumber(base.wrapping_add(r)),
        });
    }
    out
}

/// Why `w` (one of ours) does not match `spec`, if it does not.
pub fn mismatch(spec: &SegSpec, w: &Wire) -> Option<String> {
    let r = &w.repr;
    let seq = r.seq_number.0.wrapping_sub(LOCAL_ISS);
    let ack = r.ack_number.0.wrapping_sub(REMOTE_ISN);
    if r.flags != spec.flags {
        return Some("wrong flags".into());
    }
    if seq != spec.seq || r.payload_len != spec.len {
        return Some("wrong sequence range".into());
    }
    if let Some(a) = spec.ack {
        if !a.matches(ack) {
            return Some("wrong ack".into());
        }
    }
    if spec.win.is_some_and(|f| !f.matches(u32::from(r.window_len))) {
        return Some("wrong window".into());
    }
    if spec.urg.is_some_and(|f| !f.matches(u32::from(r.urgent_pointer))) {
        return Some("wrong urgent pointer".into());
    }
    let syn = u32::from(r.flags.contains(TcpFlags::SYN));
    for (i, b) in w.payload.iter().enumerate() {
        if *b != pattern(seq.wrapping_add(syn).wrapping_add(i as u32)) {
            return Some(format!("wrong data at byte {i}"));
        }
    }
    let Some(o) = &spec.options else { return None };
    let got = r.options.to_set();
    let ts_ok = match (o.ts, got.timestamps) {
        (None, None) => true,
        (Some((val, ecr)), Some(ts)) => val.matches(ts.tsval) && ecr.matches(ts.tsecr),
        _ => false,
    };
    let sack_ok = got.sack_blocks == blocks(&o.sack, REMOTE_ISN);
    if got.mss != o.mss
        || got.window_scale != o.wscale
        || got.sack_permitted != o.sack_permitted
        || !ts_ok
        || !sack_ok
    {
        return Some("wrong options".into());
    }
    None
}

/// One of our segments in script syntax.
pub fn render(w: &Wire) -> String {
    let r = &w.repr;
    let outbound = w.src == LOCAL.addr;
    let (seq_base, ack_base) =
        if outbound { (LOCAL_ISS, REMOTE_ISN) } else { (REMOTE_ISN, LOCAL_ISS) };
    let seq = r.seq_number.0.wrapping_sub(seq_base);
    let mut s = format!(
        "{} {} {}:{}({})",
        if outbound { '>' } else { '<' },
        flags(r.flags),
        seq,
        seq.wrapping_add(r.payload_len as u32),
        r.payload_len
    );
    if r.flags.contains(TcpFlags::ACK) {
        s += &format!(" ack {}", r.ack_number.0.wrapping_sub(ack_base));
    }
    s += &format!(" win {}", r.window_len);
    if r.flags.contains(TcpFlags::URG) {
        s += &format!(" urg {}", r.urgent_pointer);
    }
    let o = r.options.to_set();
    let mut items: Vec<String> = Vec::new();
    if let Some(m) = o.mss {
        items.push(format!("mss {m}"));
    }
    if o.sack_permitted {
        items.push("sackOK".into());
    }
    if let Some(ts) = o.timestamps {
        items.push(format!("TS val {} ecr {}", ts.tsval, ts.tsecr));
    }
    if let Some(w) = o.window_scale {
        items.push(format!("wscale {w}"));
    }
    if !o.sack_blocks.is_empty() {
        let b: Vec<String> = o
            .sack_blocks
            .as_slice()
            .iter()
            .map(|b| {
                format!("{}:{}", b.left.0.wrapping_sub(ack_base), b.right.0.wrapping_sub(ack_base))
            })
            .collect();
        items.push(format!("sack {}", b.join(" ")));
    }
    if !items.is_empty() {
        s += &format!(" <{}>", items.join(","));
    }
    s
}

pub fn render_spec(spec: &SegSpec, dir: char) -> String {
    let f = |f: Field| match f {
        Field::Any => "*".to_string(),
        Field::Is(v) => v.to_string(),
    };
    let mut s = format!(
        "{dir} {} {}:{}({})",
        flags(spec.flags),
        spec.seq,
        spec.seq.wrapping_add(spec.len as u32),
        spec.len
    );
    if let Some(a) = spec.ack {
        s += &format!(" ack {}", f(a));
    }
    if let Some(w) = spec.win {
        s += &format!(" win {}", f(w));
    }
    if let Some(u) = spec.urg {
        s += &format!(" urg {}", f(u));
    }
    if let Some(o) = &spec.options {
        let mut items: Vec<String> = Vec::new();
        if let Some(m) = o.mss {
            items.push(format!("mss {m}"));
        }
        if o.sack_permitted {
            items.push("sackOK".into());
        }
        if let Some((v, e)) = o.ts {
            items.push(format!("TS val {} ecr {}", f(v), f(e)));
        }
        if let Some(w) = o.wscale {
            items.push(format!("wscale {w}"));
        }
        if !o.sack.is_empty() {
            let b: Vec<String> = o.sack.iter().map(|(l, r)| format!("{l}:{r}")).collect();
            items.push(format!("sack {}", b.join(" ")));
        }
        s += &format!(" <{}>", items.join(","));
    }
    s
}

/// packetdrill's flag spelling: letters in the order S F R P U, then `.` for ACK.
fn flags(f: TcpFlags) -> String {
    let mut s = String::new();
    for (flag, c) in [
        (TcpFlags::SYN, 'S'),
        (TcpFlags::FIN, 'F'),
        (TcpFlags::RST, 'R'),
        (TcpFlags::PSH, 'P'),
        (TcpFlags::URG, 'U'),
        (TcpFlags::ECE, 'E'),
        (TcpFlags::CWR, 'W'),
        (TcpFlags::ACK, '.'),
    ] {
        if f.contains(flag) {
            s.push(c);
        }
    }
    s
}
