//! `xs:hexBinary` values (HexBinary8/16/32/128 in espi.xsd).

use crate::schema::{Facet, Scalar, ValueError};

/// Bytes written as hexadecimal text, e.g. UsagePoint `roleFlags` (HexBinary16).
///
/// ```
/// use espi_model::hex::HexBinary;
/// use espi_model::schema::Scalar;
/// let flags = HexBinary::parse_text("0a01").unwrap();
/// assert_eq!(flags.bytes(), &[0x0a, 0x01]);
/// assert_eq!(flags.to_u64(), Some(0x0a01));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(into = "String", try_from = "String"))]
pub struct HexBinary(Vec<u8>);

impl HexBinary {
    /// Wraps raw bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        HexBinary(bytes)
    }

    /// The bytes, most significant first.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The value as a big-endian unsigned integer, when it has at most 8 bytes.
    pub fn to_u64(&self) -> Option<u64> {
        if self.0.len() > 8 {
            return None;
        }
        Some(
            self.0
                .iter()
                .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte)),
        )
    }

    /// Whether bit `n` (0 = least significant of the last byte) is set.
    pub fn bit(&self, n: u32) -> bool {
        let byte_from_end = (n / 8) as usize;
        match self.0.len().checked_sub(byte_from_end + 1) {
            Some(index) => self.0[index] & (1 << (n % 8)) != 0,
            None => false,
        }
    }
}

impl Scalar for HexBinary {
    fn parse_text(text: &str) -> Result<Self, ValueError> {
        const EXPECTED: &str = "xs:hexBinary (an even number of hex digits)";
        if !text.len().is_multiple_of(2) {
            return Err(ValueError::new(text, EXPECTED));
        }
        text.as_bytes()
            .chunks(2)
            .map(|pair| {
                let digits =
                    std::str::from_utf8(pair).map_err(|_| ValueError::new(text, EXPECTED))?;
                // from_str_radix would take a sign ("+1"); hexBinary has only digits.
                if !pair.iter().all(u8::is_ascii_hexdigit) {
                    return Err(ValueError::new(text, EXPECTED));
                }
                u8::from_str_radix(digits, 16).map_err(|_| ValueError::new(text, EXPECTED))
            })
            .collect::<Result<Vec<u8>, ValueError>>()
            .map(HexBinary)
    }

    fn check(&self, facet: Facet) -> Result<(), String> {
        match facet {
            Facet::MaxOctets(limit) if self.0.len() > limit => Err(format!(
                "{} octets, more than the {limit} the schema allows",
                self.0.len()
            )),
            _ => Ok(()),
        }
    }

    fn write_text(&self, out: &mut String) {
        use std::fmt::Write;
        for byte in &self.0 {
            let _ = write!(out, "{byte:02X}");
        }
    }
}

impl From<HexBinary> for String {
    fn from(value: HexBinary) -> String {
        let mut out = String::new();
        value.write_text(&mut out);
        out
    }
}

impl TryFrom<String> for HexBinary {
    type Error = ValueError;
    fn try_from(value: String) -> Result<Self, ValueError> {
        HexBinary::parse_text(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_writes_uppercase() {
        let value = HexBinary::parse_text("00ff").unwrap();
        let mut out = String::new();
        value.write_text(&mut out);
        assert_eq!(out, "00FF");
        assert!(value.bit(0));
        assert!(!value.bit(8));
        assert!(!value.bit(40));
    }

    #[test]
    fn rejects_odd_length_and_non_hex() {
        assert!(HexBinary::parse_text("abc").is_err());
        assert!(HexBinary::parse_text("zz").is_err());
        assert!(HexBinary::parse_text("é1").is_err());
        assert!(HexBinary::parse_text("+1+2").is_err());
    }
}
