//! DHCP options (RFC 2132 §2): codes, the TLV walk across overloaded fields, RFC 3396
//! long options, typed values, and the builder.

pub mod builder;
pub mod code;
pub mod domain_search;
pub mod fqdn;
pub mod iter;
pub mod lists;
pub mod name;
pub mod relay;
pub mod typed;

pub use builder::{OptionBuilder, MIN_OPTIONS_LEN};
pub use code::{MessageType, OptionCode, Overload};
pub use domain_search::{DomainSearch, SearchNames};
pub use fqdn::{ClientFqdn, FqdnFlags};
pub use iter::{Area, OptionIter, Options, RawOption};
pub use lists::{
    Addresses, ClasslessRoute, ClasslessRouteIter, ClasslessRoutes, ClientId, ParameterRequestList,
    StaticRoutes,
};
pub use relay::{RelayAgentInformation, RelaySubOption, RelaySubOptions};
pub use typed::{DhcpOption, Hex, Text};
