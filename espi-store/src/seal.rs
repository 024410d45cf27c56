//! Token sets sealed at rest: XChaCha20-Poly1305 with a 256-bit key from the
//! environment and a random 192-bit nonce per write, bound to the row's token key
//! (associated data), so a sealed set cannot be moved to another authorization.

use crate::error::Error;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::fmt;

/// The environment variable [`TokenCipher::from_env`] reads: 64 hexadecimal digits
/// (e.g. the output of `openssl rand -hex 32`).
pub const KEY_VARIABLE: &str = "ESPI_STORE_KEY";

const NONCE_LEN: usize = 24;

/// The key that seals token sets at rest. `Debug` shows no key.
#[derive(Clone)]
pub struct TokenCipher {
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCipher([redacted])")
    }
}

impl TokenCipher {
    /// A cipher from 32 key bytes.
    pub fn new(key: [u8; 32]) -> TokenCipher {
        TokenCipher {
            cipher: XChaCha20Poly1305::new(&key.into()),
        }
    }

    /// A cipher from 64 hexadecimal digits.
    ///
    /// ```
    /// use espi_store::TokenCipher;
    /// assert!(TokenCipher::from_hex(&"ab".repeat(32)).is_ok());
    /// assert!(TokenCipher::from_hex("abc").is_err());
    /// ```
    pub fn from_hex(hex: &str) -> Result<TokenCipher, Error> {
        let hex = hex.trim();
        let malformed = || {
            Error::Tokens(format!(
                "the key must be 64 hexadecimal digits (32 bytes), got {} characters",
                hex.len()
            ))
        };
        if hex.len() != 64 {
            return Err(malformed());
        }
        let mut key = [0u8; 32];
        for (byte, pair) in key.iter_mut().zip(hex.as_bytes().chunks(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| malformed())?;
            *byte = u8::from_str_radix(text, 16).map_err(|_| malformed())?;
        }
        Ok(TokenCipher::new(key))
    }

    /// The cipher of `ESPI_STORE_KEY`, `None` when it is unset or empty.
    pub fn from_env() -> Result<Option<TokenCipher>, Error> {
        match std::env::var(KEY_VARIABLE) {
            Ok(value) if !value.trim().is_empty() => TokenCipher::from_hex(&value)
                .map(Some)
                .map_err(|error| Error::Tokens(format!("{KEY_VARIABLE}: {error}"))),
            _ => Ok(None),
        }
    }

    /// `plaintext` sealed for `key`: the nonce, then the ciphertext and tag.
    pub(crate) fn seal(&self, key: &str, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|error| Error::Tokens(format!("no randomness for a nonce: {error}")))?;
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: key.as_bytes(),
                },
            )
            .map_err(|_| Error::Tokens("sealing failed".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// What [`Self::seal`] sealed for `key`.
    pub(crate) fn open(&self, key: &str, sealed: &[u8]) -> Result<Vec<u8>, Error> {
        if sealed.len() < NONCE_LEN {
            return Err(Error::Tokens(format!(
                "the sealed tokens of {key} are truncated"
            )));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: key.as_bytes(),
                },
            )
            .map_err(|_| {
                Error::Tokens(format!(
                    "the tokens of {key} do not open with this key ({KEY_VARIABLE})"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_tokens_open_only_with_the_key_and_their_row() {
        let cipher = TokenCipher::from_hex(&"07".repeat(32)).expect("a key");
        let sealed = cipher.seal("k1", b"refresh-secret").expect("sealed");
        assert!(!sealed.windows(6).any(|window| window == b"secret"));
        assert_eq!(
            cipher.open("k1", &sealed).expect("opens"),
            b"refresh-secret"
        );
        assert!(cipher.open("k2", &sealed).is_err(), "bound to its row");
        let other = TokenCipher::from_hex(&"08".repeat(32)).expect("a key");
        assert!(other.open("k1", &sealed).is_err());
        assert!(cipher.open("k1", &sealed[..10]).is_err());
        assert_eq!(format!("{cipher:?}"), "TokenCipher([redacted])");
        assert!(TokenCipher::from_hex(&"zz".repeat(32)).is_err());
    }
}
