//! The relay agent information option, 82 (RFC 3046 §2.0): sub-options in the same
//! code/length/value shape as options, without Pad or End.

use core::fmt;

use unet_core::WireError;

/// One relay agent sub-option (RFC 3046 §2.0; codes from the IANA "DHCP Relay Agent
/// Sub-Option Codes" registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RelaySubOption<'a> {
    /// 1: Agent Circuit ID (RFC 3046 §3.1), e.g. the port the request arrived on.
    CircuitId(&'a [u8]),
    /// 2: Agent Remote ID (RFC 3046 §3.2), e.g. the remote end of the circuit.
    RemoteId(&'a [u8]),
    /// Any other sub-option, kept raw.
    Other {
        /// The sub-option code.
        code: u8,
        /// Its data.
        data: &'a [u8],
    },
}

impl<'a> RelaySubOption<'a> {
    /// The sub-option code.
    pub fn code(&self) -> u8 {
        match self {
            RelaySubOption::CircuitId(_) => 1,
            RelaySubOption::RemoteId(_) => 2,
            RelaySubOption::Other { code, .. } => *code,
        }
    }
    /// The sub-option data.
    pub fn data(&self) -> &'a [u8] {
        match self {
            RelaySubOption::CircuitId(d) | RelaySubOption::RemoteId(d) => d,
            RelaySubOption::Other { data, .. } => data,
        }
    }
    fn from_wire(code: u8, data: &'a [u8]) -> RelaySubOption<'a> {
        match code {
            1 => RelaySubOption::CircuitId(data),
            2 => RelaySubOption::RemoteId(data),
            _ => RelaySubOption::Other { code, data },
        }
    }
}

/// Reads one sub-option from the front of `b`.
fn sub_option(b: &[u8]) -> Result<(RelaySubOption<'_>, &[u8]), WireError> {
    let [code, len, rest @ ..] = b else {
        return Err(WireError::BadOption);
    };
    let (data, rest) = rest.split_at_checked(usize::from(*len)).ok_or(WireError::BadOption)?;
    Ok((RelaySubOption::from_wire(*code, data), rest))
}

/// A validated relay agent information option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelayAgentInformation<'a>(&'a [u8]);

impl<'a> RelayAgentInformation<'a> {
    /// Checks that `data` is a sequence of whole sub-options.
    pub fn new(data: &'a [u8]) -> Result<RelayAgentInformation<'a>, WireError> {
        let mut rest = data;
        while !rest.is_empty() {
            rest = sub_option(rest)?.1;
        }
        Ok(RelayAgentInformation(data))
    }
    /// The raw octets.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.0
    }
    /// The sub-options in order.
    pub fn sub_options(&self) -> RelaySubOptions<'a> {
        RelaySubOptions(self.0)
    }
    /// Encodes sub-options into `buf`; returns the length. Sub-option data over 255
    /// octets is [`WireError::BadLength`].
    pub fn encode(subs: &[RelaySubOption<'_>], buf: &mut [u8]) -> Result<usize, WireError> {
        let mut at = 0usize;
        for s in subs {
            let len = u8::try_from(s.data().len()).map_err(|_| WireError::BadLength)?;
            let end = at + 2 + usize::from(len);
            let out = buf.get_mut(at..end).ok_or(WireError::BufferTooSmall)?;
            out[0] = s.code();
            out[1] = len;
            out[2..].copy_from_slice(s.data());
            at = end;
        }
        Ok(at)
    }
}

/// Iterator over the sub-options of a [`RelayAgentInformation`].
#[derive(Debug, Clone)]
pub struct RelaySubOptions<'a>(&'a [u8]);

impl<'a> Iterator for RelaySubOptions<'a> {
    type Item = RelaySubOption<'a>;
    fn next(&mut self) -> Option<RelaySubOption<'a>> {
        // Validated in `RelayAgentInformation::new`: an error can only mean the end.
        let (s, rest) = sub_option(self.0).ok()?;
        self.0 = rest;
        Some(s)
    }
}

impl fmt::Display for RelayAgentInformation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.sub_options().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match s {
                RelaySubOption::CircuitId(_) => f.write_str("Circuit-ID ")?,
                RelaySubOption::RemoteId(_) => f.write_str("Remote-ID ")?,
                RelaySubOption::Other { code, .. } => write!(f, "SubOption-{code} ")?,
            }
            write!(f, "0x")?;
            s.data().iter().try_for_each(|b| write!(f, "{b:02x}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::{format, vec::Vec};

    #[test]
    fn rfc3046_2_0_sub_options_iterated() {
        let data = [1, 2, 0, 7, 2, 3, 1, 2, 3, 9, 0];
        let r = RelayAgentInformation::new(&data).unwrap();
        let v: Vec<_> = r.sub_options().collect();
        assert_eq!(
            v,
            [
                RelaySubOption::CircuitId(&[0, 7]),
                RelaySubOption::RemoteId(&[1, 2, 3]),
                RelaySubOption::Other { code: 9, data: &[] }
            ]
        );
        let mut buf = [0u8; 16];
        assert_eq!(RelayAgentInformation::encode(&v, &mut buf), Ok(data.len()));
        assert_eq!(&buf[..data.len()], &data);
        assert_eq!(format!("{r}"), "Circuit-ID 0x0007, Remote-ID 0x010203, SubOption-9 0x");
    }

    #[test]
    fn rfc3046_2_0_sub_option_past_the_end_rejected() {
        assert_eq!(RelayAgentInformation::new(&[1, 3, 0]), Err(WireError::BadOption));
        assert_eq!(RelayAgentInformation::new(&[1]), Err(WireError::BadOption));
    }
}
