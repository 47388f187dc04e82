//! A macro for IANA registry newtypes: constants, mnemonics both ways, and a generic form for
//! values without a mnemonic (RFC 3597 §5 `TYPE123`/`CLASS4`), so unknown values survive a
//! round trip through presentation format too.

/// Defines a registry newtype with associated constants and `Display`/`FromStr`-like
/// lookups.
macro_rules! registry {
    (
        $(#[$meta:meta])*
        $ty:ident($int:ty), generic $generic:literal;
        $( $name:ident = $val:literal, $text:literal, $doc:literal; )*
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $ty(pub $int);

        impl $ty {
            $(
                #[doc = $doc]
                pub const $name: $ty = $ty($val);
            )*

            /// The registry's mnemonic for this value, if it has one.
            pub const fn mnemonic(self) -> Option<&'static str> {
                match self.0 {
                    $( $val => Some($text), )*
                    _ => None,
                }
            }

            /// Reads a mnemonic (ASCII case-insensitive) or the generic numeric form
            #[doc = concat!("(`", $generic, "` followed by decimal digits).")]
            pub fn from_mnemonic(s: &str) -> Option<$ty> {
                $(
                    if s.eq_ignore_ascii_case($text) {
                        return Some($ty($val));
                    }
                )*
                let prefix = $generic;
                let head = s.get(..prefix.len())?;
                if prefix.is_empty() || !head.eq_ignore_ascii_case(prefix) {
                    return None;
                }
                let digits = s.get(prefix.len()..)?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                digits.parse::<$int>().ok().map($ty)
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                match self.mnemonic() {
                    Some(m) => f.write_str(m),
                    None => write!(f, "{}{}", $generic, self.0),
                }
            }
        }

        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{}({})", stringify!($ty), self)
            }
        }

        impl From<$int> for $ty {
            fn from(v: $int) -> $ty {
                $ty(v)
            }
        }

        impl From<$ty> for $int {
            fn from(v: $ty) -> $int {
                v.0
            }
        }
    };
}

pub(crate) use registry;
