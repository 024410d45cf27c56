//! The text of simple-typed elements and raw XML: character data, CDATA and references.

use crate::error::Error;
use crate::source::Source;
use crate::well_formed;
use quick_xml::events::Event;
use std::io::BufRead;

/// What an event inside a simple-typed element contributed to its text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Absorbed {
    /// Text (or nothing, for comments); more may follow.
    More,
    /// The end tag.
    End,
    /// A child element (simple-typed elements hold only text). The variants stay
    /// small: this is returned for every text event.
    Child,
}

/// Appends the text an event stands for: character data with line ends normalised,
/// CDATA, the five predefined entities and character references.
#[inline(always)]
pub(crate) fn absorb_text<R: BufRead>(
    text: &mut String,
    xml: &Source<R>,
    event: &Event<'_>,
) -> Result<Absorbed, Error> {
    match event {
        Event::Text(content) if !well_formed::needs_care(content) => text.push_str(content),
        Event::Text(content) => {
            well_formed::check_text(content, false).map_err(|message| xml.error(&message))?;
            text.push_str(&content.xml10_content());
        }
        Event::CData(data) => text.push_str(&data.xml10_content()),
        Event::GeneralRef(reference) => match resolve_reference(reference) {
            Some(character) => text.push(character),
            None => {
                let message = if reference.is_char_ref() {
                    format!(
                        "&{}; does not refer to a character XML 1.0 allows",
                        &**reference
                    )
                } else {
                    format!(
                        "undeclared entity &{}; (only the five XML entities and character references are allowed)",
                        &**reference
                    )
                };
                return Err(xml.error(&message));
            }
        },
        Event::End(_) => return Ok(Absorbed::End),
        Event::Comment(_) | Event::PI(_) => {}
        Event::Start(_) | Event::Empty(_) => return Ok(Absorbed::Child),
        Event::Eof => {
            return Err(xml.error("unexpected end of document inside a text element"));
        }
        Event::Decl(_) | Event::DocType(_) => {
            return Err(xml.error("a declaration inside an element"));
        }
    }
    Ok(Absorbed::More)
}

fn is_xml_whitespace_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

pub(crate) fn is_xml_whitespace(text: &str) -> bool {
    text.chars().all(is_xml_whitespace_char)
}

/// The five predefined entities and character references; anything else is undeclared.
pub(crate) fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if reference.is_char_ref() {
        // A reference to a character XML does not allow (`&#1;`) is not well-formed.
        return reference
            .resolve_char_ref()
            .ok()
            .flatten()
            .filter(|c| well_formed::is_xml_char(*c));
    }
    match &**reference {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}
