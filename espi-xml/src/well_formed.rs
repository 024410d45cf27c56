//! The well-formedness rules of XML 1.0 that quick-xml leaves to its user: which
//! characters a document may contain, what a name is, what a comment may hold.

/// Whether text may need [`check_text`] or line-end normalisation: it has a control
/// character (line ends included), `]` or the lead byte of U+FFFE/U+FFFF. Almost all
/// values have none, and this one pass is all they cost.
#[inline(always)]
pub(crate) fn needs_care(text: &str) -> bool {
    text.as_bytes()
        .iter()
        .any(|&byte| byte < 0x20 || byte == b']' || byte == 0xEF)
}

/// Checks character data: no control characters besides tab, line feed and carriage
/// return, no U+FFFE/U+FFFF, and no `]]>` outside CDATA (XML 1.0 §2.2, §2.4).
pub(crate) fn check_text(text: &str, cdata: bool) -> Result<(), String> {
    let bytes = text.as_bytes();
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'\t' | b'\n' | b'\r' => {}
            0..=0x1F => return Err(format!("character U+{byte:04X} is not allowed in XML 1.0")),
            b']' if !cdata && bytes[index..].starts_with(b"]]>") => {
                return Err("`]]>` is not allowed in character data".to_owned());
            }
            0xEF if bytes[index..].starts_with(b"\xEF\xBF\xBE")
                || bytes[index..].starts_with(b"\xEF\xBF\xBF") =>
            {
                return Err("characters U+FFFE and U+FFFF are not allowed in XML 1.0".to_owned());
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether a character may appear in an XML 1.0 document (§2.2 `Char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Checks a comment's content: no `--` inside, and no `-` at its end (§2.5).
pub(crate) fn check_comment(content: &str) -> Result<(), String> {
    if content.contains("--") || content.ends_with('-') {
        return Err("`--` is not allowed inside a comment".to_owned());
    }
    check_text(content, true)
}

/// Whether `name` is an XML name without a colon (Namespaces in XML `NCName`).
/// Letters beyond ASCII are accepted as the XML 1.0 fifth edition does.
pub(crate) fn is_ncname(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let start = |c: char| c.is_ascii_alphabetic() || c == '_' || (c as u32) >= 0xC0;
    start(first)
        && chars.all(|c| start(c) || c.is_ascii_digit() || matches!(c, '-' | '.' | '\u{B7}'))
}

/// Whether `name` is a qualified name: an NCName, or two joined by one colon.
pub(crate) fn is_qname(name: &str) -> bool {
    match name.split_once(':') {
        Some((prefix, local)) => is_ncname(prefix) && is_ncname(local),
        None => is_ncname(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_data_rules() {
        assert!(check_text("plain 12\r\n\ttext ¢", false).is_ok());
        assert!(check_text("a\u{1}b", false).is_err());
        assert!(check_text("a]]>b", false).is_err());
        assert!(check_text("a]]>b", true).is_ok());
        assert!(check_text("a]]b]>", false).is_ok());
        assert!(check_text("\u{FFFE}", false).is_err());
        assert!(check_comment(" fine - comment ").is_ok());
        assert!(check_comment(" a -- b ").is_err());
        assert!(check_comment(" trailing-").is_err());
    }

    #[test]
    fn names() {
        for good in ["a", "_x", "espi:UsagePoint", "a-b.c1", "ñame"] {
            assert!(is_qname(good), "{good}");
        }
        for bad in ["", "1a", "a:b:c", ":a", "a:", "-a", "a b"] {
            assert!(!is_qname(bad), "{bad}");
        }
    }
}
