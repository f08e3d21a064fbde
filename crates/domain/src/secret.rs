//! Secrets (a new token's value, the user's own credential): redacted in `Debug`, never
//! serialised, wiped from memory when dropped.

use secrecy::{ExposeSecret, SecretString};
use std::fmt;

pub use secrecy::zeroize::Zeroize;

pub struct Secret(SecretString);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(SecretString::from(value))
    }

    /// The plaintext. Call sites are the few places that must see it: the request header, the
    /// reveal dialog and the clipboard.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("glpat-abcdefghijklmnopqrst".into());
        let shown = format!("{s:?} {:?}", Some(&s));
        assert!(!shown.contains("glpat"), "{shown}");
        assert_eq!(s.expose(), "glpat-abcdefghijklmnopqrst");
    }
}
