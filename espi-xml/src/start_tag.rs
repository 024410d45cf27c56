//! Start tags turned into resolved names, attributes and raw elements, with the
//! lexical checks quick-xml leaves to its user.

use crate::error::Error;
use crate::namespace::{Ns, Resolved, XSI_NS};
use crate::source::Source;
use crate::well_formed;
use espi_model::raw::{NamespaceBinding, QualifiedName, RawAttribute, RawElement};
use quick_xml::events::BytesStart;
use quick_xml::name::QName;
use std::io::BufRead;

/// The error for a prefix no declaration in scope binds.
fn undeclared_prefix<R: BufRead>(xml: &Source<R>, name: QName<'_>) -> Error {
    xml.error(&format!("the prefix of `{}` is not declared", name.0))
}

/// Namespace class and local name of an element name.
pub(crate) fn classify<'n, R: BufRead>(
    xml: &Source<R>,
    name: QName<'n>,
) -> Result<(Ns, &'n str), Error> {
    match xml.classify_element(name) {
        (Some(class), local) => Ok((class, local)),
        (None, _) => Err(undeclared_prefix(xml, name)),
    }
}

/// The resolved name of an element or attribute (its lexical form is checked here).
pub(crate) fn qualified<R: BufRead>(
    xml: &Source<R>,
    name: QName<'_>,
    element: bool,
) -> Result<QualifiedName, Error> {
    if !well_formed::is_qname(name.0) {
        return Err(xml.error(&format!("`{}` is not an XML name", name.0)));
    }
    let (resolved, local) = xml.resolve(name, element);
    let namespace = match resolved {
        Resolved::Bound(uri) => Some(uri.to_owned()),
        Resolved::Unbound => None,
        Resolved::Unknown => return Err(undeclared_prefix(xml, name)),
    };
    Ok(QualifiedName {
        namespace,
        local: local.to_owned(),
        prefix: name.prefix().map(|prefix| prefix.into_inner().to_owned()),
    })
}

/// Attributes of a start tag with resolved names (namespace declarations are not attributes).
pub(crate) fn attributes<R: BufRead>(
    xml: &Source<R>,
    start: &BytesStart<'_>,
) -> Result<Vec<RawAttribute>, Error> {
    let mut attributes: Vec<RawAttribute> = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|error| xml.error(&error.to_string()))?;
        if attribute.key.as_namespace_binding().is_some() {
            continue;
        }
        let value = attribute_value(xml, &attribute)?;
        let name = qualified(xml, attribute.key, false)?;
        // Two attributes may not share an expanded name, whatever their prefixes.
        if attributes
            .iter()
            .any(|seen| seen.name.namespace == name.namespace && seen.name.local == name.local)
        {
            return Err(xml.error(&format!("attribute {} occurs twice", name.clark())));
        }
        attributes.push(RawAttribute { name, value });
    }
    Ok(attributes)
}

/// An attribute's value, normalised as XML 1.0 says, with the characters it may hold.
pub(crate) fn attribute_value<R: BufRead>(
    xml: &Source<R>,
    attribute: &quick_xml::events::attributes::Attribute<'_>,
) -> Result<String, Error> {
    if attribute.value.contains('<') {
        return Err(xml.error(&format!(
            "`<` in the value of attribute {}",
            attribute.key.0
        )));
    }
    let value = attribute
        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
        .map_err(|error| xml.error(&error.to_string()))?
        .into_owned();
    if !value.chars().all(well_formed::is_xml_char) {
        return Err(xml.error(&format!(
            "a character XML 1.0 does not allow in attribute {}",
            attribute.key.0
        )));
    }
    Ok(value)
}

pub(crate) fn raw_element<R: BufRead>(
    xml: &Source<R>,
    start: &BytesStart<'_>,
) -> Result<RawElement, Error> {
    if !well_formed::is_qname(start.name().0) {
        return Err(xml.error(&format!("`{}` is not an XML name", start.name().0)));
    }
    let attributes = attributes(xml, start)?;
    // xsi:type values are QNames: keep the binding of their prefix so it can be declared again.
    let value_namespaces = attributes
        .iter()
        .filter(|attribute| {
            attribute.name.namespace.as_deref() == Some(XSI_NS) && attribute.name.local == "type"
        })
        .filter_map(|attribute| attribute.value.split_once(':'))
        .filter_map(|(prefix, _)| {
            let qualified_value = format!("{prefix}:x");
            match xml.resolve(QName(&qualified_value), true).0 {
                Resolved::Bound(uri) => Some(NamespaceBinding {
                    prefix: prefix.to_owned(),
                    uri: uri.to_owned(),
                }),
                _ => None,
            }
        })
        .collect();
    Ok(RawElement {
        name: qualified(xml, start.name(), true)?,
        attributes,
        children: Vec::new(),
        value_namespaces,
    })
}
