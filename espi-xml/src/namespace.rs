//! Namespace scopes (Namespaces in XML 1.0), kept beside quick-xml's plain `Reader`.
//!
//! quick-xml's `NsReader` does the same job generally; this one does only what ESPI
//! reading needs and skips the attribute scan of the many elements that declare
//! nothing, which measured a fifth of the reader's time.

use espi_model::resource::{ATOM_NS, CUSTOMER_NS, ESPI_NS};
use quick_xml::events::BytesStart;
use quick_xml::name::{PrefixDeclaration, QName};

/// The XML Schema instance namespace (`xsi:type`, `xsi:schemaLocation`).
pub(crate) const XSI_NS: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Which namespace a name is in, as far as the reader cares. Computed once per
/// declaration, so matching an element costs no URI comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    Atom,
    Espi,
    Customer,
    Xsi,
    Other,
    None,
}

impl Ns {
    fn of(uri: &str) -> Ns {
        match uri {
            "" => Ns::None,
            ESPI_NS => Ns::Espi,
            ATOM_NS => Ns::Atom,
            CUSTOMER_NS => Ns::Customer,
            XSI_NS => Ns::Xsi,
            _ => Ns::Other,
        }
    }
}

/// The namespace bound to the `xml` prefix by definition.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

#[derive(Clone)]
struct Binding {
    /// The prefix, empty for the default namespace.
    prefix: Box<str>,
    /// The URI; empty when `xmlns=""` undeclares the default namespace.
    uri: Box<str>,
    /// The class of `uri`.
    class: Ns,
    /// Depth of the element that declared it.
    depth: u32,
}

/// The resolution of a prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolved<'a> {
    /// Bound to this namespace URI.
    Bound(&'a str),
    /// In no namespace (unprefixed attribute, or no default namespace in scope).
    Unbound,
    /// The prefix is not declared: the document is not namespace-well-formed.
    Unknown,
}

/// The bindings in scope, innermost last.
#[derive(Default, Clone)]
pub(crate) struct Namespaces {
    bindings: Vec<Binding>,
    depth: u32,
    /// The last element prefix looked up and its class, valid while `bindings` has
    /// not changed: nearly every element of a feed uses the same one or two prefixes.
    last: std::cell::Cell<Option<LastLookup>>,
}

#[derive(Clone, Copy)]
struct LastLookup {
    bindings: usize,
    prefix: u64,
    class: Ns,
}

/// A prefix of at most 7 bytes as one number: its length in the top byte, its bytes
/// below, so that two such prefixes are equal exactly when their numbers are (even with
/// a NUL, which well-formed names never hold); a byte loop this short is cheaper than
/// the `memcmp` call a slice comparison makes.
#[inline]
fn short_prefix(prefix: &str) -> Option<u64> {
    if prefix.len() > 7 {
        return None;
    }
    let mut key = (prefix.len() as u64) << 56;
    for (at, byte) in prefix.bytes().enumerate() {
        key |= u64::from(byte) << (8 * at);
    }
    Some(key)
}

impl Namespaces {
    /// Enters an element, recording the namespaces its start tag declares.
    #[inline]
    pub(crate) fn push(&mut self, start: &BytesStart<'_>) -> Result<(), String> {
        self.depth += 1;
        // Most tags are a bare name: skip the substring search for them.
        let attributes = start.attributes_raw();
        if attributes.len() < 6 || !attributes.contains("xmlns") {
            return Ok(());
        }
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|error| error.to_string())?;
            let Some(declaration) = attribute.key.as_namespace_binding() else {
                continue;
            };
            let uri = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|error| error.to_string())?;
            let prefix = match declaration {
                PrefixDeclaration::Default => "",
                PrefixDeclaration::Named(prefix) => prefix,
            };
            if !prefix.is_empty() && !crate::well_formed::is_ncname(prefix) {
                return Err(format!("`{prefix}` is not a valid namespace prefix"));
            }
            check_declaration(prefix, &uri)?;
            let class = Ns::of(&uri);
            self.last.set(None);
            self.bindings.push(Binding {
                prefix: prefix.into(),
                uri: uri.as_ref().into(),
                class,
                depth: self.depth,
            });
        }
        Ok(())
    }

    /// How many elements are open.
    #[inline(always)]
    pub(crate) fn depth(&self) -> u32 {
        self.depth
    }

    /// Leaves the innermost element.
    #[inline]
    pub(crate) fn pop(&mut self) {
        while self
            .bindings
            .last()
            .is_some_and(|binding| binding.depth == self.depth)
        {
            self.bindings.pop();
            self.last.set(None);
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Resolves the prefix of an element (`element`, which takes the default namespace)
    /// or attribute name, returning the resolution and the local name.
    pub(crate) fn resolve<'n>(&self, name: QName<'n>, element: bool) -> (Resolved<'_>, &'n str) {
        let (local, prefix) = name.decompose();
        let local = local.into_inner();
        let resolved = match prefix.map(|prefix| prefix.into_inner()) {
            None if !element => Resolved::Unbound,
            None => match self.lookup("") {
                Some("") | None => Resolved::Unbound,
                Some(uri) => Resolved::Bound(uri),
            },
            Some("xml") => Resolved::Bound(XML_NS),
            Some(prefix) => self
                .lookup(prefix)
                .map_or(Resolved::Unknown, Resolved::Bound),
        };
        (resolved, local)
    }

    /// The class of an element name's namespace and its local name; `None` for an
    /// undeclared prefix.
    #[inline]
    pub(crate) fn classify_element<'n>(&self, name: QName<'n>) -> (Option<Ns>, &'n str) {
        // Names are short: a byte loop finds the colon faster than a call to memchr.
        let (prefix, local) = match name.0.bytes().position(|byte| byte == b':') {
            Some(colon) => (&name.0[..colon], &name.0[colon + 1..]),
            None => ("", name.0),
        };
        let key = short_prefix(prefix);
        if let Some(last) = self.last.get()
            && last.bindings == self.bindings.len()
            && key == Some(last.prefix)
        {
            return (Some(last.class), local);
        }
        let class = match self.binding(prefix) {
            Some(binding) => Some(binding.class),
            None if prefix.is_empty() => Some(Ns::None),
            None if prefix == "xml" => Some(Ns::Other),
            None => None,
        };
        if let (Some(class), Some(prefix)) = (class, key) {
            self.last.set(Some(LastLookup {
                bindings: self.bindings.len(),
                prefix,
                class,
            }));
        }
        (class, local)
    }

    fn binding(&self, prefix: &str) -> Option<&Binding> {
        self.bindings
            .iter()
            .rev()
            .find(|binding| *binding.prefix == *prefix)
    }

    fn lookup(&self, prefix: &str) -> Option<&str> {
        self.binding(prefix).map(|binding| &*binding.uri)
    }
}

/// The constraints of Namespaces in XML 1.0 §3 on a declaration.
fn check_declaration(prefix: &str, uri: &str) -> Result<(), String> {
    match prefix {
        "xmlns" => Err("the prefix `xmlns` cannot be declared".into()),
        "xml" if uri != XML_NS => Err(format!("the prefix `xml` can only be bound to {XML_NS}")),
        _ if prefix != "xml" && uri == XML_NS => {
            Err(format!("only the prefix `xml` can be bound to {XML_NS}"))
        }
        _ if uri == XMLNS_NS => Err(format!("{XMLNS_NS} cannot be declared")),
        "" => Ok(()),
        _ if uri.is_empty() => Err(format!(
            "the prefix `{prefix}` cannot be undeclared in XML 1.0"
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cache key tells apart every two prefixes it is given, NUL and length included.
    #[test]
    fn short_prefixes_have_distinct_keys() {
        let prefixes = [
            "", "a", "a\0", "\0", "\0a", "espi", "espi\0", "atom", "abcdefg", "abcdef",
        ];
        for (i, a) in prefixes.iter().enumerate() {
            for b in &prefixes[i + 1..] {
                assert_ne!(short_prefix(a), short_prefix(b), "{a:?} {b:?}");
            }
        }
        assert_eq!(short_prefix("abcdefgh"), None);
    }

    fn start(text: &str) -> BytesStart<'_> {
        let name_len = text.find(' ').unwrap_or(text.len());
        BytesStart::from_content(text, name_len)
    }

    #[test]
    fn scopes_nest_and_unwind() {
        let mut namespaces = Namespaces::default();
        namespaces
            .push(&start(r#"feed xmlns="urn:a" xmlns:e="urn:e""#))
            .unwrap();
        namespaces.push(&start(r#"entry xmlns="urn:b""#)).unwrap();
        assert_eq!(
            namespaces.resolve(QName("x"), true).0,
            Resolved::Bound("urn:b")
        );
        assert_eq!(
            namespaces.resolve(QName("e:x"), true),
            (Resolved::Bound("urn:e"), "x")
        );
        assert_eq!(
            namespaces.resolve(QName("x"), false).0,
            Resolved::Unbound,
            "attributes take no default"
        );
        assert_eq!(namespaces.resolve(QName("q:x"), true).0, Resolved::Unknown);
        assert_eq!(
            namespaces.resolve(QName("xml:lang"), false).0,
            Resolved::Bound(XML_NS)
        );
        namespaces.push(&start(r#"content xmlns="""#)).unwrap();
        assert_eq!(
            namespaces.resolve(QName("x"), true).0,
            Resolved::Unbound,
            "xmlns=\"\" undeclares"
        );
        namespaces.pop();
        namespaces.pop();
        assert_eq!(
            namespaces.resolve(QName("x"), true).0,
            Resolved::Bound("urn:a")
        );
        namespaces.pop();
        assert_eq!(namespaces.resolve(QName("e:x"), true).0, Resolved::Unknown);
    }

    #[test]
    fn reserved_declarations_are_refused() {
        for tag in [
            r#"a xmlns:xmlns="urn:x""#,
            r#"a xmlns:xml="urn:x""#,
            r#"a xmlns:p="""#,
            r#"a xmlns:p="http://www.w3.org/XML/1998/namespace""#,
        ] {
            assert!(Namespaces::default().push(&start(tag)).is_err(), "{tag}");
        }
    }
}
