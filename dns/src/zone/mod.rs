//! [`Zone`]: the data of one authoritative zone, stored for lookups without allocation
//! (feature `alloc`).
//!
//! Records are inserted one by one ([`Zone::insert_record`], [`Zone::insert`] for a master
//! file [`Entry`](crate::master::Entry)), then [`Zone::prepare`] sorts them once into the
//! form the server reads: a `Vec` of nodes in canonical order (RFC 4034 §6.1) searched by
//! binary search, each node pointing at a run of RRsets whose records (TTL, RDATA in
//! uncompressed wire form) lie back to back in one byte arena. Empty non-terminals
//! (RFC 4592 §2.2.2) are nodes without RRsets, so a lookup sees them as existing names.
//! Memory: per record its RDATA + 6 bytes (TTL, length) + a 24-byte index entry; per
//! owner name 24 bytes plus the name twice (search key and output form; empty non-terminals
//! share their descendants' bytes); per RRset 12 bytes. Capacity: 4 GiB of RDATA and of
//! names (32-bit offsets; beyond that `insert` fails with [`ZoneError::TooLarge`]).
//!
//! A zone must be prepared before lookups: [`crate::server::Authority::add`] prepares it;
//! lookups on an unprepared zone see an empty zone. [`Zone::check`] verifies the rules of
//! RFC 1034/1035/2181 a server needs (one SOA at the apex, CNAME exclusivity, glue, nothing
//! but glue below a cut).

mod check;
mod error;
pub(crate) mod key;

use alloc::vec::Vec;
use core::cmp::Ordering;
use core::fmt;

pub use error::ZoneError;
use key::Key;

use crate::{Class, Name, NameBuf, RData, Record, RecordType};

/// A run of bytes in one of the zone's arenas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    off: u32,
    len: u16,
}

impl Span {
    fn of(arena: &[u8]) -> Option<Span> {
        Some(Span { off: u32::try_from(arena.len()).ok()?, len: 0 })
    }

    fn get(self, arena: &[u8]) -> &[u8] {
        let start = self.off as usize;
        arena.get(start..start + usize::from(self.len)).unwrap_or(&[])
    }
}

/// A record as inserted: where its owner and data are.
#[derive(Debug, Clone, Copy)]
struct Pending {
    key: Span,
    owner: Span,
    rtype: RecordType,
    /// For RRSIG: the type covered (RFC 4034 §3.1.1), so signatures group per RRset.
    covered: RecordType,
    /// Offset in `data` of `[ttl u32][len u16][rdata]`.
    data: u32,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    key: Span,
    owner: Span,
    labels: u8,
    rrsets: u32,
    rrset_count: u16,
}

#[derive(Debug, Clone, Copy)]
struct RrsetEntry {
    rtype: RecordType,
    covered: RecordType,
    /// Offset in `data` of the first record.
    start: u32,
    count: u16,
}

/// One authoritative zone: origin, class and RRsets.
#[derive(Clone)]
pub struct Zone {
    origin: NameBuf,
    class: Class,
    origin_key: Vec<u8>,
    origin_labels: usize,
    keys: Vec<u8>,
    owners: Vec<u8>,
    data: Vec<u8>,
    pending: Vec<Pending>,
    nodes: Vec<Node>,
    rrsets: Vec<RrsetEntry>,
    prepared: bool,
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Zone")
            .field("origin", &self.origin)
            .field("class", &self.class)
            .field("records", &self.pending.len())
            .field("nodes", &self.nodes.len())
            .field("prepared", &self.prepared)
            .finish()
    }
}

impl Zone {
    /// An empty zone for `origin` in `class`.
    pub fn new(origin: NameBuf, class: Class) -> Zone {
        let k = Key::new(&origin.as_name());
        Zone {
            origin,
            class,
            origin_key: k.as_bytes().to_vec(),
            origin_labels: k.labels(),
            keys: Vec::new(),
            owners: Vec::new(),
            data: Vec::new(),
            pending: Vec::new(),
            nodes: Vec::new(),
            rrsets: Vec::new(),
            prepared: false,
        }
    }

    /// The zone's apex.
    pub fn origin(&self) -> &NameBuf {
        &self.origin
    }

    /// The zone's class.
    pub fn class(&self) -> Class {
        self.class
    }

    /// Records inserted (duplicates included until [`Zone::prepare`] drops them).
    pub fn record_count(&self) -> usize {
        self.pending.len()
    }

    /// True once [`Zone::prepare`] ran after the last insert.
    pub fn is_prepared(&self) -> bool {
        self.prepared
    }

    /// Inserts a record read from a master file.
    pub fn insert(&mut self, entry: &crate::master::Entry<'_>) -> Result<(), ZoneError> {
        self.insert_record(&entry.owner, entry.class, entry.ttl, entry.rtype, entry.rdata)
    }

    /// Inserts one record: `rdata` in uncompressed wire form. Identical records (same
    /// owner, type and RDATA) are kept once (RFC 2181 §5); the zone needs
    /// [`Zone::prepare`] again before lookups.
    pub fn insert_record(
        &mut self,
        owner: &NameBuf,
        class: Class,
        ttl: u32,
        rtype: RecordType,
        rdata: &[u8],
    ) -> Result<(), ZoneError> {
        if class != self.class {
            return Err(ZoneError::ClassMismatch(class));
        }
        if is_meta(rtype) {
            return Err(ZoneError::MetaType(rtype));
        }
        let key = Key::new(&owner.as_name());
        if !key::is_below_or_at(key.as_bytes(), self.origin_key()) {
            return Err(ZoneError::OutOfZone(alloc::boxed::Box::new(*owner)));
        }
        let parsed = RData::parse(rdata, 0, rdata.len(), rtype, self.class)
            .map_err(|e| ZoneError::BadRdata(rtype, e))?;
        let covered = match parsed {
            RData::Rrsig(r) => r.type_covered,
            _ => RecordType(0),
        };
        let len = u16::try_from(rdata.len()).map_err(|_| ZoneError::TooLarge)?;
        // Consecutive records of one owner (the usual master file) share its names.
        let (k, o) = match self.pending.last() {
            Some(p) if p.key.get(&self.keys) == key.as_bytes() => (p.key, p.owner),
            _ => {
                let k = push(&mut self.keys, key.as_bytes())?;
                let o = push(&mut self.owners, owner.as_wire())?;
                (k, o)
            }
        };
        let at = Span::of(&self.data).ok_or(ZoneError::TooLarge)?.off;
        self.data.extend_from_slice(&ttl.to_be_bytes());
        self.data.extend_from_slice(&len.to_be_bytes());
        self.data.extend_from_slice(rdata);
        self.pending.push(Pending { key: k, owner: o, rtype, covered, data: at });
        self.prepared = false;
        Ok(())
    }

    pub(crate) fn origin_key(&self) -> &[u8] {
        &self.origin_key
    }

    /// Sorts the records into canonical order, drops duplicates and adds the empty
    /// non-terminals. Idempotent; [`crate::server::Authority::add`] calls it.
    pub fn prepare(&mut self) {
        if self.prepared {
            return;
        }
        let mut order: Vec<u32> = (0..self.pending.len() as u32).collect();
        let (keys, data, pending) = (&self.keys, &self.data, &self.pending);
        let rd = |p: &Pending| record_at(data, p.data).map(|r| r.1).unwrap_or(&[]);
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&pending[a as usize], &pending[b as usize]);
            key::cmp(pa.key.get(keys), pb.key.get(keys))
                .then(pa.rtype.0.cmp(&pb.rtype.0))
                .then(pa.covered.0.cmp(&pb.covered.0))
                .then_with(|| rd(pa).cmp(rd(pb)))
        });
        order.dedup_by(|&mut b, &mut a| {
            let (pa, pb) = (&pending[a as usize], &pending[b as usize]);
            pa.rtype == pb.rtype
                && key::cmp(pa.key.get(keys), pb.key.get(keys)) == Ordering::Equal
                && rd(pa) == rd(pb)
        });
        // Distinct owners, then their missing ancestors (empty non-terminals).
        let mut names: Vec<(Span, Span)> = Vec::new();
        for &i in &order {
            let p = &pending[i as usize];
            if names.last().is_none_or(|l| l.0.get(keys) != p.key.get(keys)) {
                names.push((p.key, p.owner));
            }
        }
        let mut ents: Vec<(Span, Span)> = Vec::new();
        for &(k, o) in &names {
            let kb = k.get(keys);
            let labels = key::label_count(kb);
            let mut owner = o;
            // From the parent up to the origin (included, so the apex always exists).
            for depth in (self.origin_labels..labels).rev() {
                owner = strip_first_label(&self.owners, owner);
                let prefix = Span { off: k.off, len: key_prefix_len(kb, depth) as u16 };
                let found =
                    names.binary_search_by(|n| key::cmp(n.0.get(keys), prefix.get(keys))).is_ok();
                if !found {
                    ents.push((prefix, owner));
                }
            }
        }
        ents.sort_by(|a, b| key::cmp(a.0.get(keys), b.0.get(keys)));
        ents.dedup_by(|a, b| a.0.get(keys) == b.0.get(keys));
        if names.is_empty() {
            // Not even the apex: an empty zone still has its apex node.
            let k = push(&mut self.keys, &self.origin_key).unwrap_or(Span { off: 0, len: 0 });
            let o =
                push(&mut self.owners, self.origin.as_wire()).unwrap_or(Span { off: 0, len: 0 });
            ents.push((k, o));
        }
        // Merge the two sorted lists into nodes, with their RRsets and a fresh arena.
        let keys = &self.keys;
        let mut nodes = Vec::with_capacity(names.len() + ents.len());
        let mut rrsets = Vec::new();
        let mut out = Vec::with_capacity(self.data.len());
        let mut new_pending = Vec::with_capacity(order.len());
        let (mut ni, mut ei, mut ri) = (0usize, 0usize, 0usize);
        while ni < names.len() || ei < ents.len() {
            let take_name = match (names.get(ni), ents.get(ei)) {
                (Some(n), Some(e)) => key::cmp(n.0.get(keys), e.0.get(keys)) == Ordering::Less,
                (Some(_), None) => true,
                _ => false,
            };
            let (k, o) = if take_name { names[ni] } else { ents[ei] };
            let labels = key::label_count(k.get(keys)) as u8;
            let mut node =
                Node { key: k, owner: o, labels, rrsets: rrsets.len() as u32, rrset_count: 0 };
            if take_name {
                ni += 1;
                while let Some(&i) = order.get(ri) {
                    let p = pending[i as usize];
                    if p.key.get(keys) != k.get(keys) {
                        break;
                    }
                    let Some((ttl, rdata)) = record_at(&self.data, p.data) else {
                        ri += 1;
                        continue;
                    };
                    let at = out.len() as u32;
                    out.extend_from_slice(&ttl.to_be_bytes());
                    out.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
                    out.extend_from_slice(rdata);
                    match rrsets.last_mut() {
                        Some(r @ RrsetEntry { .. })
                            if node.rrset_count > 0
                                && r.rtype == p.rtype
                                && r.covered == p.covered =>
                        {
                            r.count = r.count.saturating_add(1);
                        }
                        _ => {
                            rrsets.push(RrsetEntry {
                                rtype: p.rtype,
                                covered: p.covered,
                                start: at,
                                count: 1,
                            });
                            node.rrset_count += 1;
                        }
                    }
                    new_pending.push(Pending { data: at, ..p });
                    ri += 1;
                }
            } else {
                ei += 1;
            }
            nodes.push(node);
        }
        self.nodes = nodes;
        self.rrsets = rrsets;
        self.data = out;
        self.pending = new_pending;
        self.prepared = true;
    }

    /// Number of nodes (owners and empty non-terminals) once prepared.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The nodes in canonical order (RFC 4034 §6.1).
    pub fn nodes(&self) -> impl Iterator<Item = NodeRef<'_>> + '_ {
        (0..self.nodes.len()).map(move |i| NodeRef { zone: self, index: i })
    }

    /// The node of `name`, if it exists (an empty non-terminal exists, with no RRsets).
    pub fn find(&self, name: &Name<'_>) -> Option<NodeRef<'_>> {
        let k = Key::new(name);
        self.search(k.as_bytes(), 0).ok().map(|index| NodeRef { zone: self, index })
    }

    /// The RRset of `rtype` at `name`.
    pub fn get(&self, name: &Name<'_>, rtype: RecordType) -> Option<RrsetRef<'_>> {
        self.find(name)?.rrset(rtype)
    }

    /// Binary search of `key` among the nodes from index `from`.
    pub(crate) fn search(&self, key: &[u8], from: usize) -> Result<usize, usize> {
        let nodes = self.nodes.get(from..).unwrap_or(&[]);
        nodes
            .binary_search_by(|n| key::cmp(n.key.get(&self.keys), key))
            .map(|i| i + from)
            .map_err(|i| i + from)
    }

    /// Number of labels of the origin.
    pub(crate) fn origin_labels(&self) -> usize {
        self.origin_labels
    }

    pub(crate) fn node(&self, index: usize) -> NodeRef<'_> {
        NodeRef { zone: self, index }
    }

    /// The SOA record of the apex.
    pub fn soa(&self) -> Option<Record<'_>> {
        let apex = self.find(&self.origin.as_name())?;
        apex.rrset(RecordType::SOA)?.records().next()
    }
}

/// A node of a prepared zone: an owner name with its RRsets.
#[derive(Clone, Copy)]
pub struct NodeRef<'z> {
    zone: &'z Zone,
    index: usize,
}

impl<'z> NodeRef<'z> {
    fn raw(&self) -> Node {
        self.zone.nodes[self.index]
    }

    /// Index among the zone's nodes (canonical order).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The owner, with the case of the first record inserted for it.
    pub fn owner(&self) -> Name<'z> {
        let n = self.raw();
        Name::from_checked(n.owner.get(&self.zone.owners), n.labels)
    }

    pub(crate) fn key(&self) -> &'z [u8] {
        self.raw().key.get(&self.zone.keys)
    }

    /// True for an empty non-terminal (RFC 4592 §2.2.2): a name with no RRsets.
    pub fn is_empty(&self) -> bool {
        self.raw().rrset_count == 0
    }

    /// The RRsets, by type (RRSIGs grouped by the type they cover).
    pub fn rrsets(&self) -> impl Iterator<Item = RrsetRef<'z>> + 'z {
        let n = self.raw();
        let zone = self.zone;
        let owner = self.owner();
        let start = n.rrsets as usize;
        zone.rrsets
            .get(start..start + usize::from(n.rrset_count))
            .unwrap_or(&[])
            .iter()
            .map(move |&e| RrsetRef { zone, owner, entry: e })
    }

    /// The RRset of `rtype` (for RRSIG: the first, see [`NodeRef::signatures`]).
    pub fn rrset(&self, rtype: RecordType) -> Option<RrsetRef<'z>> {
        self.rrsets().find(|r| r.rtype() == rtype)
    }

    /// True if an RRset of `rtype` exists here.
    pub fn has(&self, rtype: RecordType) -> bool {
        self.rrset(rtype).is_some()
    }

    /// The RRSIGs that cover `rtype` (RFC 4034 §3).
    pub fn signatures(&self, rtype: RecordType) -> Option<RrsetRef<'z>> {
        self.rrsets().find(|r| r.rtype() == RecordType::RRSIG && r.entry.covered == rtype)
    }
}

impl fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NodeRef({})", self.owner())
    }
}

/// An RRset of a prepared zone.
#[derive(Clone, Copy)]
pub struct RrsetRef<'z> {
    zone: &'z Zone,
    owner: Name<'z>,
    entry: RrsetEntry,
}

impl<'z> RrsetRef<'z> {
    /// The type.
    pub fn rtype(&self) -> RecordType {
        self.entry.rtype
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        usize::from(self.entry.count)
    }

    /// Never true: an RRset holds at least one record.
    pub fn is_empty(&self) -> bool {
        self.entry.count == 0
    }

    /// The records' TTLs and RDATA in wire form.
    pub fn raw(&self) -> RawRecords<'z> {
        RawRecords { data: &self.zone.data, at: self.entry.start, left: self.entry.count }
    }

    /// The records, owned by the node's name, with typed RDATA.
    pub fn records(&self) -> impl Iterator<Item = Record<'z>> + 'z {
        self.records_as(self.owner)
    }

    /// The records with `owner` as their name (a wildcard's expansion, RFC 4592 §2.1.2, or
    /// the query's spelling of the name).
    pub fn records_as<'n>(&self, owner: Name<'n>) -> impl Iterator<Item = Record<'n>> + 'n
    where
        'z: 'n,
    {
        let (rtype, class) = (self.entry.rtype, self.zone.class);
        self.raw().filter_map(move |(ttl, rdata)| {
            let data = RData::parse(rdata, 0, rdata.len(), rtype, class).ok()?;
            Some(Record { name: owner, class, ttl, data })
        })
    }

    /// The TTL of the first record.
    pub fn ttl(&self) -> u32 {
        self.raw().next().map_or(0, |r| r.0)
    }
}

impl fmt::Debug for RrsetRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RrsetRef({} {} x{})", self.owner, self.entry.rtype, self.entry.count)
    }
}

/// Iterator over `(ttl, rdata)` of an RRset.
#[derive(Debug, Clone)]
pub struct RawRecords<'z> {
    data: &'z [u8],
    at: u32,
    left: u16,
}

impl<'z> Iterator for RawRecords<'z> {
    type Item = (u32, &'z [u8]);

    fn next(&mut self) -> Option<(u32, &'z [u8])> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let (ttl, rdata) = record_at(self.data, self.at)?;
        self.at = self.at.saturating_add(6 + rdata.len() as u32);
        Some((ttl, rdata))
    }
}

fn record_at(data: &[u8], at: u32) -> Option<(u32, &[u8])> {
    let at = at as usize;
    let head = data.get(at..at + 6)?;
    let ttl = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let len = usize::from(u16::from_be_bytes([head[4], head[5]]));
    Some((ttl, data.get(at + 6..at + 6 + len)?))
}

fn push(arena: &mut Vec<u8>, bytes: &[u8]) -> Result<Span, ZoneError> {
    let mut s = Span::of(arena).ok_or(ZoneError::TooLarge)?;
    s.len = u16::try_from(bytes.len()).map_err(|_| ZoneError::TooLarge)?;
    arena.extend_from_slice(bytes);
    Ok(s)
}

/// The owner span without its first label (forward wire form).
fn strip_first_label(owners: &[u8], s: Span) -> Span {
    let first = s.get(owners).first().map_or(0, |&l| usize::from(l) + 1);
    let first = first.min(usize::from(s.len.saturating_sub(1)));
    Span { off: s.off + first as u32, len: s.len - first as u16 }
}

/// Length of the prefix of `key` holding its first `labels` labels.
fn key_prefix_len(key: &[u8], labels: usize) -> usize {
    let mut at = 0usize;
    for _ in 0..labels {
        match key.get(at) {
            Some(&l) => at += 1 + usize::from(l),
            None => break,
        }
    }
    at.min(key.len())
}

/// Types that are not data (RFC 6895 §3.1: meta types and QTYPEs).
fn is_meta(t: RecordType) -> bool {
    matches!(t.0, 41 | 128..=255)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sizes the module documentation promises.
    #[test]
    fn documented_entry_sizes() {
        assert_eq!(core::mem::size_of::<Pending>(), 24);
        assert_eq!(core::mem::size_of::<Node>(), 24);
        assert_eq!(core::mem::size_of::<RrsetEntry>(), 12);
    }
}
