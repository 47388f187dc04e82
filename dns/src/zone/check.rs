//! [`Zone::check`]: the rules a zone must follow to be served (RFC 1034 §3.6.2, §4.2.1;
//! RFC 1035 §5.2; RFC 2181 §10.1; RFC 4035 §2.4).

use alloc::borrow::Cow;
use alloc::boxed::Box;

use super::{Zone, ZoneError};
use crate::{NameBuf, RData, RecordType};

impl Zone {
    /// Checks the zone: exactly one SOA, at the apex; NS at the apex; no CNAME beside other
    /// data (RRSIG and NSEC excepted, RFC 2181 §10.1, RFC 4035 §2.5) nor two CNAMEs; at a
    /// zone cut only NS, DS, NSEC and their RRSIGs, below it only addresses (glue); an
    /// address for every name server of a delegation that lies below that delegation.
    ///
    /// Works on an unprepared zone too (by checking a prepared copy).
    pub fn check(&self) -> Result<(), ZoneError> {
        let zone: Cow<'_, Zone> = if self.prepared {
            Cow::Borrowed(self)
        } else {
            let mut z = self.clone();
            z.prepare();
            Cow::Owned(z)
        };
        zone.check_prepared()
    }

    fn check_prepared(&self) -> Result<(), ZoneError> {
        let apex = self.find(&self.origin.as_name()).ok_or(ZoneError::NoSoa)?;
        match apex.rrset(RecordType::SOA).map(|s| s.len()) {
            None => return Err(ZoneError::NoSoa),
            Some(1) => {}
            Some(_) => return Err(ZoneError::MultipleSoa),
        }
        if !apex.has(RecordType::NS) {
            return Err(ZoneError::NoApexNs);
        }
        // The innermost zone cut above the current node, as a key prefix.
        let mut cut: Option<(&[u8], usize)> = None;
        for node in self.nodes() {
            let owner = Box::new(NameBuf::from_name(&node.owner()));
            let below_cut = cut.is_some_and(|(k, _)| super::key::is_below_or_at(node.key(), k));
            if !below_cut {
                cut = None;
            }
            let is_apex = node.index() == apex.index();
            if !is_apex && node.has(RecordType::SOA) {
                return Err(ZoneError::SoaNotAtApex(owner));
            }
            if let Some(c) = node.rrset(RecordType::CNAME) {
                let others = node.rrsets().any(|r| {
                    !matches!(r.rtype(), RecordType::CNAME | RecordType::RRSIG | RecordType::NSEC)
                });
                if others || c.len() > 1 {
                    return Err(ZoneError::CnameAndOtherData(owner));
                }
            }
            if below_cut {
                for r in node.rrsets() {
                    if !matches!(r.rtype(), RecordType::A | RecordType::AAAA) {
                        return Err(ZoneError::DataBelowCut(owner, r.rtype()));
                    }
                }
                continue;
            }
            if !is_apex && node.has(RecordType::NS) {
                for r in node.rrsets() {
                    let ok = matches!(
                        r.rtype(),
                        RecordType::NS | RecordType::DS | RecordType::NSEC | RecordType::RRSIG
                    );
                    if !ok {
                        return Err(ZoneError::DataBelowCut(owner, r.rtype()));
                    }
                }
                cut = Some((node.key(), node.index()));
                self.check_glue(&node)?;
            }
        }
        Ok(())
    }

    /// Every name server at or below the delegation `node` needs an address in the zone.
    fn check_glue(&self, node: &super::NodeRef<'_>) -> Result<(), ZoneError> {
        let Some(ns) = node.rrset(RecordType::NS) else { return Ok(()) };
        let cut = node.owner();
        for r in ns.records() {
            let RData::Ns(target) = r.data else { continue };
            if !target.ends_with(&cut) {
                continue;
            }
            let has_address =
                self.find(&target).is_some_and(|n| n.has(RecordType::A) || n.has(RecordType::AAAA));
            if !has_address {
                return Err(ZoneError::MissingGlue {
                    cut: Box::new(NameBuf::from_name(&cut)),
                    ns: Box::new(NameBuf::from_name(&target)),
                });
            }
        }
        Ok(())
    }
}
