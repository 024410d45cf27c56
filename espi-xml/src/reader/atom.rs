//! Atom: entries, their metadata (`id`, `title`, `published`, `updated`, `link`) and
//! `atom:content`. What Atom allows and the model does not hold is kept as raw XML.

use super::cursor::{Inner, NameBuf, Step};
use crate::error::{DiagnosticKind, Error};
use crate::namespace::{Ns, XSI_NS};
use crate::start_tag::{attribute_value, attributes};
use espi_model::atom::{Entry, Link, Metadata, is_xsd_date_time};
use espi_model::resource::{ATOM_NS, Resource};
use std::io::BufRead;

impl<R: BufRead> Inner<R> {
    /// Reads an `atom:entry` whose start tag has just been read.
    pub(super) fn read_entry(&mut self, empty: bool) -> Result<Entry, Error> {
        self.xml.begin_entry();
        let mut entry = Entry::default();
        entry.meta.attributes = self.kept_attributes()?;
        if !empty {
            let mut name = NameBuf::default();
            loop {
                let step = self.next_step(&mut name)?;
                match step {
                    Step::End => break,
                    Step::Child(Ns::Atom, _) if name.as_str() == "content" => {
                        let empty = self.saved.empty;
                        entry.content_attributes = self.kept_attributes()?;
                        self.read_content(empty, &mut entry.content)?;
                    }
                    Step::Child(ns, _) => {
                        self.read_metadata_child(ns, name.as_str(), &mut entry.meta, "entry")?
                    }
                    other => self.common_step(&other, "atom:entry")?,
                }
            }
        }
        self.check_metadata(&entry.meta, "entry")?;
        self.xml.end_entry();
        Ok(entry)
    }

    /// Atom `id`, `title`, `published`, `updated` and `link`. Anything else, and any of
    /// these with attributes or markup the model does not hold (`xml:lang`, an XHTML
    /// title, a second `id`…), is kept whole as raw XML, which the writer writes back.
    pub(super) fn read_metadata_child(
        &mut self,
        ns: Ns,
        local: &str,
        meta: &mut Metadata,
        parent: &str,
    ) -> Result<(), Error> {
        if ns == Ns::Atom && local == "link" {
            let link = self.read_link()?;
            meta.links.push(link);
            return Ok(());
        }
        let slot = match (ns, local) {
            (Ns::Atom, "id") => Some(&mut meta.id),
            (Ns::Atom, "title") => Some(&mut meta.title),
            (Ns::Atom, "published") => {
                if parent == "feed" {
                    // RFC 4287 and GBA's atom.xsd give `published` to entries only.
                    self.invalid_or_diagnose(
                        DiagnosticKind::UnknownElement,
                        "atom:published is not an element of atom:feed (only entries have one); kept",
                    )?;
                }
                Some(&mut meta.published)
            }
            (Ns::Atom, "updated") => Some(&mut meta.updated),
            _ => None,
        };
        // `type="text"` is Atom's default for a title: saying it changes nothing.
        let mut attributes = self.kept_attributes()?;
        attributes.retain(|attribute| {
            !(local == "title" && attribute.name.local == "type" && attribute.value == "text")
        });
        // A second occurrence, whether the first was typed or kept as raw XML (for its
        // attributes): otherwise a typed one after a raw one would pass unnoticed, and
        // the writer, which puts typed metadata first, would make the raw one the repeat
        // (found by the xml_strict fuzz target).
        let repeated = slot.as_ref().is_some_and(|slot| {
            slot.is_some()
                || meta.other_elements.iter().any(|raw| {
                    raw.name.local == local && raw.name.namespace.as_deref() == Some(ATOM_NS)
                })
        });
        let plain = slot.is_some() && !repeated && attributes.is_empty();
        match slot {
            Some(slot) if plain => match self.read_text(self.saved.empty)? {
                false => {
                    // Atom text keeps its spaces; identifiers and dates are collapsed as in XSD.
                    let text = if local == "title" {
                        self.text.as_str()
                    } else {
                        self.text.trim_ascii()
                    };
                    *slot = Some(text.to_owned());
                }
                true => meta.other_elements.extend(self.pending_raw.take()),
            },
            _ => {
                if ns == Ns::Atom && !ATOM_METADATA.contains(&local) {
                    self.invalid_or_diagnose(
                        DiagnosticKind::UnknownElement,
                        &format!(
                            "atom:{local} is not an element of atom:{parent}; kept as raw XML"
                        ),
                    )?;
                } else if ns == Ns::None {
                    self.invalid_or_diagnose(DiagnosticKind::UnknownElement, &format!(
                        "<{local}> in no namespace is not allowed in atom:{parent}; kept as raw XML"
                    ))?;
                } else if repeated {
                    self.invalid_or_diagnose(DiagnosticKind::RepeatedElement, &format!(
                        "atom:{local} occurs twice in atom:{parent}; the second is kept as raw XML"
                    ))?;
                }
                let raw = self.capture_raw()?;
                meta.other_elements.push(raw);
            }
        }
        Ok(())
    }

    fn read_link(&mut self) -> Result<Link, Error> {
        let mut link = Link::default();
        let mut href = None;
        // The three attributes every link has are taken directly; the rest (rare) go
        // through the general path with their names resolved.
        let mut others = false;
        for attribute in self.saved.start(&self.buf).attributes() {
            let attribute = attribute.map_err(|error| self.xml_error(&error.to_string()))?;
            let slot = match attribute.key.0 {
                "href" => &mut href,
                "rel" => &mut link.rel,
                "type" => &mut link.media_type,
                _ => {
                    others = true;
                    continue;
                }
            };
            *slot = Some(attribute_value(&self.xml, &attribute)?);
        }
        if others {
            for attribute in attributes(&self.xml, &self.saved.start(&self.buf))? {
                match (
                    attribute.name.namespace.as_deref(),
                    attribute.name.local.as_str(),
                ) {
                    (None, "href" | "rel" | "type") => {}
                    // xsi:type and xsi:schemaLocation are hints to validators, not data.
                    (Some(XSI_NS), _) => {}
                    _ => link.other_attributes.push(attribute),
                }
            }
        }
        if !self.saved.empty {
            let content = self.capture_raw()?;
            if !content.text().trim().is_empty() || content.child_elements().next().is_some() {
                self.invalid_or_diagnose(
                    DiagnosticKind::InvalidLink,
                    "atom:link has content, which Atom does not define; it is ignored",
                )?;
            }
        }
        match href {
            Some(href) => link.href = href,
            None => {
                self.invalid_or_diagnose(DiagnosticKind::InvalidLink, "atom:link without href")?
            }
        }
        if link.rel.is_none() {
            self.invalid_or_diagnose(
                DiagnosticKind::InvalidLink,
                "atom:link without rel, which GBA's atom.xsd requires",
            )?;
        }
        Ok(link)
    }

    /// Atom dates must be xs:dateTime. (GBA's atom.xsd states id, title and updated as
    /// a repeated choice, so it does not enforce their presence, and neither do we.)
    pub(super) fn check_metadata(&mut self, meta: &Metadata, parent: &str) -> Result<(), Error> {
        for (name, value) in [("updated", &meta.updated), ("published", &meta.published)] {
            if let Some(text) = value
                && !is_xsd_date_time(text)
            {
                self.invalid_or_diagnose(DiagnosticKind::InvalidDate, &format!(
                    "atom:{name} {text:?} in atom:{parent} is not an xs:dateTime; kept as written"
                ))?;
            }
        }
        Ok(())
    }

    /// Reads the children of `atom:content`.
    fn read_content(&mut self, empty: bool, content: &mut Vec<Resource>) -> Result<(), Error> {
        if empty {
            return Ok(());
        }
        let mut name = NameBuf::default();
        loop {
            match self.next_step(&mut name)? {
                Step::End => return Ok(()),
                Step::Child(ns, _) => {
                    let empty = self.saved.empty;
                    let resource = self.read_resource(ns, name.as_str(), empty, false)?;
                    content.push(resource);
                }
                other => self.common_step(&other, "atom:content")?,
            }
        }
    }
}

/// The children Atom defines for feeds and entries (RFC 4287 §4.1.1–4.1.2).
const ATOM_METADATA: [&str; 17] = [
    "author",
    "category",
    "content",
    "contributor",
    "generator",
    "icon",
    "id",
    "link",
    "logo",
    "published",
    "rights",
    "source",
    "subtitle",
    "summary",
    "title",
    "updated",
    "entry",
];
