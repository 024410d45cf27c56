//! Refresh tokens that can be recognised for as long as their grant lives, without
//! keeping them.
//!
//! RFC 9700 §4.14.2: when a refresh token that a refresh has already replaced is
//! presented again, either the client or an attacker holds a copy, and the
//! authorization server revokes the grant's tokens. To tell a replayed token from an
//! unknown one, every token a grant was ever given must be recognisable; keeping each
//! would grow with every refresh. So a token names its grant's *family* (random, one
//! per grant) and its *generation* (0 at the grant, one more at each refresh), and
//! carries an HMAC-SHA-256 of both under a key of the sandbox's: the store keeps one
//! family and one generation per grant, and a token that verifies is one the sandbox
//! issued, current or replaced.
//!
//! The text is `{family}{generation}{mac}` in lowercase hex: 32, 16 and 64 digits.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex digits of the family, the generation and the MAC.
const FAMILY_DIGITS: usize = 32;
const GENERATION_DIGITS: usize = 16;
const MAC_DIGITS: usize = 64;

/// The key refresh tokens are authenticated with.
#[derive(Clone)]
pub struct RefreshKey([u8; 32]);

impl std::fmt::Debug for RefreshKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshKey([redacted])")
    }
}

/// What a refresh token names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The grant's family.
    pub family: String,
    /// The generation the token was issued as.
    pub generation: u64,
}

impl RefreshKey {
    /// A key from 32 bytes of the operating system's randomness.
    pub fn random() -> Result<RefreshKey, getrandom::Error> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key)?;
        Ok(RefreshKey(key))
    }

    /// A new family: 16 random bytes in hex.
    pub fn new_family() -> Result<String, getrandom::Error> {
        let mut family = [0u8; FAMILY_DIGITS / 2];
        getrandom::fill(&mut family)?;
        Ok(hex(&family))
    }

    /// The token of `family` at `generation`.
    pub fn token(&self, family: &str, generation: u64) -> String {
        let generation = format!("{generation:016x}");
        let mac = self.mac(family, &generation).finalize().into_bytes();
        format!("{family}{generation}{}", hex(&mac))
    }

    /// The family and generation of a token this key issued; `None` for any other text.
    pub fn read(&self, token: &str) -> Option<Reading> {
        if token.len() != FAMILY_DIGITS + GENERATION_DIGITS + MAC_DIGITS
            || !token
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
        {
            return None;
        }
        let (family, rest) = token.split_at(FAMILY_DIGITS);
        let (generation, mac) = rest.split_at(GENERATION_DIGITS);
        let mac = unhex(mac)?;
        // verify_slice compares in constant time.
        self.mac(family, generation).verify_slice(&mac).ok()?;
        Some(Reading {
            family: family.to_owned(),
            generation: u64::from_str_radix(generation, 16).ok()?,
        })
    }

    fn mac(&self, family: &str, generation: &str) -> Hmac<Sha256> {
        // Any key length is valid for HMAC, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(family.as_bytes());
        mac.update(generation.as_bytes());
        mac
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(text.get(at..at + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_read_back_and_nothing_else_does() {
        let key = RefreshKey::random().expect("randomness");
        let family = RefreshKey::new_family().expect("randomness");
        let token = key.token(&family, 7);
        assert_eq!(token.len(), 112);
        assert_eq!(
            key.read(&token),
            Some(Reading {
                family: family.clone(),
                generation: 7
            })
        );
        assert_ne!(key.token(&family, 8), token);
        // Another key, another generation under the same MAC, a flipped digit: refused.
        let other = RefreshKey::random().expect("randomness");
        assert_eq!(other.read(&token), None);
        let forged = format!("{family}{:016x}{}", 8, &token[48..]);
        assert_eq!(key.read(&forged), None);
        let mut flipped = token.clone().into_bytes();
        flipped[100] = if flipped[100] == b'0' { b'1' } else { b'0' };
        assert_eq!(key.read(&String::from_utf8(flipped).unwrap()), None);
        assert_eq!(key.read(&token.to_uppercase()), None);
        assert_eq!(key.read(&token[..111]), None);
        assert_eq!(key.read(""), None);
    }
}
