//! Which zones `unet dns-server` serves and how they are loaded into an [`Authority`].
//!
//! Each `--zone FILE` is read with its origin: `--origin NAME` when given (one zone
//! file only), otherwise the file's name without a trailing `.zone` or leading `db.`
//! (`example.com.zone` → `example.com.`, `db.example.net` → `example.net.`). Errors come
//! from the master-file reader as `file:line: reason`.

use std::fmt;
use std::path::{Path, PathBuf};

use unet_dns::server::Authority;
use unet_dns::zone::Zone;
use unet_dns::NameBuf;

/// A zone file and the origin it is read with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSpec {
    /// The master file.
    pub path: PathBuf,
    /// Its origin (`$ORIGIN` until the file says otherwise; the zone's apex).
    pub origin: NameBuf,
}

/// Why the zones could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum ZonesError {
    /// No origin given and none could be derived from the file's name.
    NoOrigin(PathBuf),
    /// `--origin` is not a domain name.
    BadOrigin(String),
    /// `--origin` with more than one `--zone`.
    OriginWithSeveralZones,
    /// A zone file did not load (the reader's `file:line: reason`).
    Load(String),
    /// The zone loaded but the authority refused it (e.g. a second zone with the same apex).
    Add(String),
}

impl fmt::Display for ZonesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ZonesError::NoOrigin(p) => write!(
                f,
                "{}: no origin: name the file ORIGIN.zone or give --origin NAME",
                p.display()
            ),
            ZonesError::BadOrigin(s) => write!(f, "--origin {s}: not a domain name"),
            ZonesError::OriginWithSeveralZones => {
                f.write_str("--origin applies to one --zone only; name the files ORIGIN.zone")
            }
            ZonesError::Load(e) | ZonesError::Add(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ZonesError {}

/// The zone specs for `files`, with `origin` (which needs exactly one file) or origins
/// derived from the file names.
pub fn zone_specs(files: &[PathBuf], origin: Option<&str>) -> Result<Vec<ZoneSpec>, ZonesError> {
    if origin.is_some() && files.len() != 1 {
        return Err(ZonesError::OriginWithSeveralZones);
    }
    files
        .iter()
        .map(|path| {
            let origin = match origin {
                Some(o) => parse_origin(o).ok_or_else(|| ZonesError::BadOrigin(o.to_string()))?,
                None => {
                    origin_from_file_name(path).ok_or_else(|| ZonesError::NoOrigin(path.clone()))?
                }
            };
            Ok(ZoneSpec { path: path.clone(), origin })
        })
        .collect()
}

fn parse_origin(s: &str) -> Option<NameBuf> {
    let fqdn = if s.ends_with('.') { s.to_string() } else { format!("{s}.") };
    fqdn.parse().ok()
}

/// `example.com.zone` → `example.com.`; `db.example.net` → `example.net.`; `x.zone` with
/// no dot inside is still a name (`x.`), but an empty stem is none.
pub fn origin_from_file_name(path: &Path) -> Option<NameBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".zone").unwrap_or(name);
    let stem = stem.strip_prefix("db.").unwrap_or(stem);
    if stem.is_empty() || stem == "." {
        return None;
    }
    parse_origin(stem)
}

/// Loads every zone into a new [`Authority`].
pub fn load_authority(specs: &[ZoneSpec]) -> Result<Authority, ZonesError> {
    let mut authority = Authority::new();
    for spec in specs {
        let zone = Zone::load_file(&spec.path, &spec.origin)
            .map_err(|e| ZonesError::Load(e.to_string()))?;
        authority
            .add(zone)
            .map_err(|e| ZonesError::Add(format!("{}: {e}", spec.path.display())))?;
    }
    Ok(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_from_the_file_name() {
        let name = |p: &str| origin_from_file_name(Path::new(p)).map(|n| n.to_string());
        assert_eq!(name("/z/example.com.zone").as_deref(), Some("example.com."));
        assert_eq!(name("example.com.").as_deref(), Some("example.com."));
        assert_eq!(name("db.example.net").as_deref(), Some("example.net."));
        assert_eq!(name("2.0.192.in-addr.arpa.zone").as_deref(), Some("2.0.192.in-addr.arpa."));
        assert_eq!(name(".zone"), None);
    }

    #[test]
    fn origin_needs_one_file() {
        let files = [PathBuf::from("a.zone"), PathBuf::from("b.zone")];
        assert!(matches!(
            zone_specs(&files, Some("example.com")),
            Err(ZonesError::OriginWithSeveralZones)
        ));
        let specs = zone_specs(&files[..1], Some("example.com")).unwrap();
        assert_eq!(specs[0].origin.to_string(), "example.com.");
    }
}
