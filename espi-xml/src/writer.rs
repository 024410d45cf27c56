//! The writer: ESPI Atom XML in schema element order, UTF-8, namespaces declared once
//! on the root, compact or indented.

use espi_model::atom::{Document, Entry, Link, Metadata};
use espi_model::raw::{QualifiedName, RawAttribute, RawElement, RawNode};
use espi_model::resource::{ATOM_NS, Namespace, Resource, ResourceVisitor};

/// The namespace bound to the `xml` prefix by definition.
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
use espi_model::schema::{Element, ElementWriter, Scalar};
use std::io::{self, Write};

/// Writer settings.
///
/// ```
/// assert!(espi_xml::WriteOptions::indented().indent);
/// assert!(!espi_xml::WriteOptions::default().indent);
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Indent nested elements by two spaces, one per line (default: compact).
    pub indent: bool,
}

impl WriteOptions {
    /// Compact output (the default).
    pub fn compact() -> Self {
        WriteOptions { indent: false }
    }

    /// Indented output, one element per line.
    pub fn indented() -> Self {
        WriteOptions { indent: true }
    }

    /// Indented when `indent` is true, compact otherwise.
    pub fn with_indent(indent: bool) -> Self {
        WriteOptions { indent }
    }
}

/// Output is gathered in memory and handed to the sink in chunks of about this size.
const FLUSH_AT: usize = 64 * 1024;

/// Writes ESPI documents, a feed entry by entry or a whole [`Document`].
///
/// ```
/// use espi_model::atom::Entry;
/// use espi_model::interval_block::{IntervalBlock, IntervalReading};
/// use espi_model::resource::Resource;
/// use espi_xml::{WriteOptions, Writer};
/// let block = IntervalBlock {
///     interval_reading: vec![IntervalReading { value: Some(42), ..Default::default() }],
///     ..Default::default()
/// };
/// let entry = Entry { content: vec![Resource::IntervalBlock(block)], ..Default::default() };
/// let mut writer = Writer::new(Vec::new(), WriteOptions::default());
/// writer.start_feed(&Default::default()).unwrap();
/// writer.write_entry(&entry).unwrap();
/// let xml = String::from_utf8(writer.finish().unwrap()).unwrap();
/// assert!(xml.contains("<espi:IntervalReading><espi:value>42</espi:value></espi:IntervalReading>"));
/// ```
pub struct Writer<W: Write> {
    out: W,
    buf: String,
    options: WriteOptions,
    depth: usize,
    /// Namespace bindings in scope, innermost last: (prefix, uri); `None` is the default namespace.
    scopes: Vec<(Option<String>, String)>,
    open_root: Option<&'static str>,
    scalar_text: String,
    /// `scopes.len()` when the tag being written began: its own declarations follow.
    tag_mark: usize,
    /// The schema of the resources written so far: usage and customer data never
    /// share a document.
    family: Option<Namespace>,
    /// The namespace of the resource being written, which its children share.
    namespace: Namespace,
}

impl<W: Write> Writer<W> {
    /// A writer into `out` (wrap files in a `BufWriter` is not needed: output is buffered).
    pub fn new(out: W, options: WriteOptions) -> Self {
        Writer {
            out,
            buf: String::with_capacity(FLUSH_AT + 4096),
            options,
            depth: 0,
            scopes: Vec::new(),
            open_root: None,
            scalar_text: String::new(),
            tag_mark: 0,
            family: None,
            namespace: Namespace::Espi,
        }
    }

    /// Writes the XML declaration, the `feed` start tag and the feed's metadata.
    pub fn start_feed(&mut self, meta: &Metadata) -> io::Result<()> {
        self.start_feed_of(meta, Namespace::Espi)
    }

    /// Like [`start_feed`](Self::start_feed) for a feed of `namespace` resources:
    /// the root declares that namespace's prefix (`cust` for customer data), so the
    /// entries need no declarations of their own.
    pub fn start_feed_of(&mut self, meta: &Metadata, namespace: Namespace) -> io::Result<()> {
        if self.open_root.is_some() {
            return Err(misuse("start_feed called twice"));
        }
        self.declaration_and_root("feed", &meta.attributes, namespace)?;
        self.depth = 1;
        self.write_metadata(meta)?;
        self.flush_if_full()
    }

    /// Writes one entry.
    pub fn write_entry(&mut self, entry: &Entry) -> io::Result<()> {
        if self.open_root != Some("feed") {
            return Err(misuse("write_entry called before start_feed"));
        }
        self.newline();
        let mark = self.start_tag("entry", &entry.meta.attributes, "")?;
        self.depth += 1;
        self.write_entry_body(entry)?;
        self.depth -= 1;
        self.newline();
        self.buf.push_str("</entry>");
        self.scopes.truncate(mark);
        self.flush_if_full()
    }

    /// Writes `<name` with namespace `declarations` (already formatted) and
    /// `attributes`, and `>`. Returns the scope mark to restore after the end tag.
    fn start_tag(
        &mut self,
        name: &str,
        attributes: &[RawAttribute],
        declarations: &str,
    ) -> io::Result<usize> {
        let mark = self.scopes.len();
        self.tag_mark = mark;
        let mut tag = format!("<{name}{declarations}");
        let mut declared = String::new();
        for attribute in attributes {
            let attribute_name = self.attribute_qname(&attribute.name, &mut declared)?;
            push_attribute(&mut tag, &attribute_name, &attribute.value)?;
        }
        tag.push_str(&declared);
        tag.push('>');
        self.buf.push_str(&tag);
        Ok(mark)
    }

    /// Closes the root element, flushes and returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(root) = self.open_root.take() {
            self.depth = 0;
            self.newline();
            self.buf.push_str("</");
            self.buf.push_str(root);
            self.buf.push('>');
        }
        self.buf.push('\n');
        self.flush()?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Writes a whole document: a feed, an entry root or a bare resource root.
    pub fn write_document(mut self, document: &Document) -> io::Result<W> {
        let namespace = document_namespace(document);
        match document {
            Document::Feed(feed) => {
                self.start_feed_of(&feed.meta, namespace)?;
                for entry in &feed.entries {
                    self.write_entry(entry)?;
                }
            }
            Document::Entry(entry) => {
                self.declaration_and_root("entry", &entry.meta.attributes, namespace)?;
                self.depth = 1;
                self.write_entry_body(entry)?;
            }
            Document::Resource(resource) => {
                self.buf.push_str(DECLARATION);
                self.write_resource(resource)?;
            }
        }
        self.finish()
    }

    /// The declaration and the root's start tag, which binds the Atom namespace as
    /// the default and `namespace` to its prefix.
    fn declaration_and_root(
        &mut self,
        root: &'static str,
        attributes: &[RawAttribute],
        namespace: Namespace,
    ) -> io::Result<()> {
        self.buf.push_str(DECLARATION);
        self.scopes.push((None, ATOM_NS.into()));
        self.scopes
            .push((Some(namespace.prefix().into()), namespace.uri().into()));
        let declarations = format!(
            " xmlns=\"{ATOM_NS}\" xmlns:{}=\"{}\"",
            namespace.prefix(),
            namespace.uri()
        );
        self.start_tag(root, attributes, &declarations)?;
        self.open_root = Some(root);
        Ok(())
    }

    fn write_entry_body(&mut self, entry: &Entry) -> io::Result<()> {
        self.write_metadata(&entry.meta)?;
        // An empty content element is written when it carries attributes, which would
        // otherwise be lost (found by the xml_strict fuzz target).
        if !entry.content.is_empty() || !entry.content_attributes.is_empty() {
            self.newline();
            self.start_tag("content", &entry.content_attributes, "")?;
            self.depth += 1;
            for resource in &entry.content {
                self.write_resource(resource)?;
            }
            self.depth -= 1;
            self.newline();
            self.buf.push_str("</content>");
        }
        Ok(())
    }

    fn write_metadata(&mut self, meta: &Metadata) -> io::Result<()> {
        for (name, value) in [
            ("id", &meta.id),
            ("title", &meta.title),
            ("published", &meta.published),
            ("updated", &meta.updated),
        ] {
            if let Some(value) = value {
                self.newline();
                self.buf.push('<');
                self.buf.push_str(name);
                self.buf.push('>');
                escape_into(&mut self.buf, value, false)?;
                self.buf.push_str("</");
                self.buf.push_str(name);
                self.buf.push('>');
            }
        }
        for link in &meta.links {
            self.write_link(link)?;
        }
        for raw in &meta.other_elements {
            self.write_raw(raw)?;
        }
        Ok(())
    }

    fn write_link(&mut self, link: &Link) -> io::Result<()> {
        self.newline();
        let mark = self.scopes.len();
        self.tag_mark = mark;
        let mut tag = String::from("<link");
        if let Some(rel) = &link.rel {
            push_attribute(&mut tag, "rel", rel)?;
        }
        push_attribute(&mut tag, "href", &link.href)?;
        if let Some(media_type) = &link.media_type {
            push_attribute(&mut tag, "type", media_type)?;
        }
        for attribute in &link.other_attributes {
            let name = self.attribute_qname(&attribute.name, &mut tag)?;
            push_attribute(&mut tag, &name, &attribute.value)?;
        }
        tag.push_str("/>");
        self.buf.push_str(&tag);
        self.scopes.truncate(mark);
        Ok(())
    }

    /// Writes a resource, refusing one whose schema differs from the resources
    /// already written.
    fn write_resource(&mut self, resource: &Resource) -> io::Result<()> {
        if let Some(namespace) = resource.namespace() {
            match self.family {
                Some(family) if family != namespace => {
                    return Err(misuse(&format!(
                        "{} data after {} data: usage and customer (PII) data cannot share a document",
                        namespace.prefix(),
                        family.prefix()
                    )));
                }
                _ => self.family = Some(namespace),
            }
        }
        match resource.visit(TypedResource { writer: self }) {
            Some(written) => written,
            None => match resource {
                Resource::Unknown(raw) => self.write_raw(raw),
                other => Err(misuse(&format!("cannot write {:?}", other.kind()))),
            },
        }
    }

    /// Writes a typed resource element, declaring its namespace when the enclosing
    /// elements have not.
    fn typed_resource<T: Element>(
        &mut self,
        namespace: Namespace,
        name: &str,
        value: &T,
    ) -> io::Result<()> {
        let mark = self.scopes.len();
        let prefix = namespace.prefix();
        let declaration = if self.binding(Some(prefix)) == Some(namespace.uri()) {
            String::new()
        } else {
            self.scopes
                .push((Some(prefix.into()), namespace.uri().into()));
            format!(" xmlns:{prefix}=\"{}\"", namespace.uri())
        };
        self.namespace = namespace;
        let written = self.complex(name, value, &declaration);
        self.scopes.truncate(mark);
        written
    }

    /// Writes `<espi:` or `</espi:` (or `cust`). Constant strings: this is the hot
    /// path, and a copy of known length is inlined where a `&str` field's is a call.
    #[inline(always)]
    fn tag_start(&mut self, end: bool) {
        let start = match (self.namespace, end) {
            (Namespace::Espi, false) => "<espi:",
            (Namespace::Espi, true) => "</espi:",
            (Namespace::Customer, false) => "<cust:",
            (Namespace::Customer, true) => "</cust:",
        };
        self.buf.push_str(start);
    }

    /// Writes `<prefix:name extra>`, the fields of `value`, and the end tag.
    fn complex<T: Element>(&mut self, name: &str, value: &T, extra: &str) -> io::Result<()> {
        self.newline();
        self.tag_start(false);
        self.buf.push_str(name);
        self.buf.push_str(extra);
        self.buf.push('>');
        let before = self.buf.len();
        self.depth += 1;
        value.write_fields(self)?;
        self.depth -= 1;
        if self.buf.len() > before {
            self.newline();
        }
        self.tag_start(true);
        self.buf.push_str(name);
        self.buf.push('>');
        self.flush_if_full()
    }

    /// Writes a raw element, declaring whatever namespaces it needs that are not in scope.
    fn write_raw(&mut self, raw: &RawElement) -> io::Result<()> {
        self.newline();
        self.raw_element(raw)
    }

    fn raw_element(&mut self, raw: &RawElement) -> io::Result<()> {
        let mark = self.scopes.len();
        self.tag_mark = mark;
        let mut tag = String::from("<");
        let mut declarations = String::new();
        let name = self.element_qname(&raw.name, &mut declarations)?;
        tag.push_str(&name);
        for attribute in &raw.attributes {
            let attribute_name = self.attribute_qname(&attribute.name, &mut declarations)?;
            push_attribute(&mut tag, &attribute_name, &attribute.value)?;
        }
        // An attribute value names these prefixes (`xsi:type="xsd:string"`): they must
        // be bound as written, whatever other prefix the namespace has here.
        for binding in &raw.value_namespaces {
            let prefix = binding.prefix.as_str();
            if self.binding(Some(prefix)) != Some(binding.uri.as_str())
                && !self.bound_in_tag(prefix)
            {
                self.declare(Some(prefix), &binding.uri, &mut declarations)?;
            }
        }
        tag.push_str(&declarations);
        if raw.children.is_empty() {
            tag.push_str("/>");
            self.buf.push_str(&tag);
        } else {
            tag.push('>');
            self.buf.push_str(&tag);
            // Raw content may be mixed: written as read, without indentation.
            for child in &raw.children {
                match child {
                    RawNode::Text(text) => escape_into(&mut self.buf, text, false)?,
                    RawNode::Element(element) => self.raw_element(element)?,
                }
            }
            self.buf.push_str("</");
            self.buf.push_str(&name);
            self.buf.push('>');
        }
        self.scopes.truncate(mark);
        Ok(())
    }

    fn binding(&self, prefix: Option<&str>) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .find(|(bound, _)| bound.as_deref() == prefix)
            .map(|(_, uri)| uri.as_str())
    }

    /// An element's name: with the source's prefix (or default namespace) when it is
    /// bound to the element's namespace here, else with the prefix or default namespace
    /// that is; a namespace not in scope at all is declared as the source had it.
    fn element_qname(
        &mut self,
        name: &QualifiedName,
        declarations: &mut String,
    ) -> io::Result<String> {
        let local = &name.local;
        let Some(uri) = name.namespace.as_deref() else {
            if self.binding(None).is_some_and(|uri| !uri.is_empty()) {
                declarations.push_str(" xmlns=\"\"");
                self.scopes.push((None, String::new()));
            }
            return Ok(local.clone());
        };
        let preferred = name.prefix.as_deref();
        if self.binding(preferred) == Some(uri) {
            return Ok(qualify(preferred, local));
        }
        if let Some(prefix) = self.prefix_in_scope(uri) {
            return Ok(qualify(Some(&prefix), local));
        }
        if self.binding(None) == Some(uri) {
            return Ok(local.clone());
        }
        match preferred {
            None => {
                self.declare(None, uri, declarations)?;
                Ok(local.clone())
            }
            Some(_) => self.prefixed(preferred, uri, local, declarations),
        }
    }

    fn attribute_qname(
        &mut self,
        name: &QualifiedName,
        declarations: &mut String,
    ) -> io::Result<String> {
        match &name.namespace {
            None => Ok(name.local.clone()),
            Some(uri) => self.prefixed(name.prefix.as_deref(), uri, &name.local, declarations),
        }
    }

    /// A prefixed name in namespace `uri`: the `preferred` prefix when it is bound to
    /// `uri` here, else any prefix that is; only a namespace not in scope is declared,
    /// with the `preferred` prefix when this tag leaves it free, else a fresh one.
    fn prefixed(
        &mut self,
        preferred: Option<&str>,
        uri: &str,
        local: &str,
        declarations: &mut String,
    ) -> io::Result<String> {
        if uri == XML_NS {
            return Ok(format!("xml:{local}"));
        }
        if let Some(prefix) = preferred
            && self.binding(Some(prefix)) == Some(uri)
        {
            return Ok(format!("{prefix}:{local}"));
        }
        if let Some(prefix) = self.prefix_in_scope(uri) {
            return Ok(format!("{prefix}:{local}"));
        }
        let prefix = match preferred {
            Some(prefix) if prefix != "xml" && prefix != "xmlns" && !self.bound_in_tag(prefix) => {
                prefix.to_owned()
            }
            _ => self.fresh_prefix(),
        };
        self.declare(Some(&prefix), uri, declarations)?;
        Ok(format!("{prefix}:{local}"))
    }

    /// Declares `prefix` (`None`: the default namespace) for `uri` on the tag being
    /// written.
    fn declare(
        &mut self,
        prefix: Option<&str>,
        uri: &str,
        declarations: &mut String,
    ) -> io::Result<()> {
        declarations.push_str(" xmlns");
        if let Some(prefix) = prefix {
            declarations.push(':');
            declarations.push_str(prefix);
        }
        declarations.push_str("=\"");
        escape_into(declarations, uri, true)?;
        declarations.push('"');
        self.scopes
            .push((prefix.map(str::to_owned), uri.to_owned()));
        Ok(())
    }

    /// Whether the tag being written already declares `prefix`.
    fn bound_in_tag(&self, prefix: &str) -> bool {
        self.scopes[self.tag_mark.min(self.scopes.len())..]
            .iter()
            .any(|(bound, _)| bound.as_deref() == Some(prefix))
    }

    /// A prefix in scope that is bound to `uri` (and not shadowed).
    fn prefix_in_scope(&self, uri: &str) -> Option<String> {
        self.scopes
            .iter()
            .rev()
            .filter_map(|(prefix, bound)| prefix.as_deref().filter(|_| bound == uri))
            .find(|prefix| self.binding(Some(prefix)) == Some(uri))
            .map(str::to_owned)
    }

    fn fresh_prefix(&self) -> String {
        (1..)
            .map(|n| format!("ns{n}"))
            .find(|prefix| self.binding(Some(prefix)).is_none())
            .unwrap_or_default()
    }

    fn newline(&mut self) {
        if self.options.indent {
            self.buf.push('\n');
            for _ in 0..self.depth {
                self.buf.push_str("  ");
            }
        }
    }

    fn flush_if_full(&mut self) -> io::Result<()> {
        if self.buf.len() >= FLUSH_AT {
            self.flush()
        } else {
            Ok(())
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(self.buf.as_bytes())?;
        self.buf.clear();
        Ok(())
    }
}

impl<W: Write> ElementWriter for Writer<W> {
    type Error = io::Error;

    fn scalar<T: Scalar>(&mut self, name: &'static str, value: &T) -> io::Result<()> {
        self.newline();
        self.tag_start(false);
        self.buf.push_str(name);
        self.buf.push('>');
        let mut text = std::mem::take(&mut self.scalar_text);
        text.clear();
        value.write_text(&mut text);
        escape_into(&mut self.buf, &text, false)?;
        self.scalar_text = text;
        self.tag_start(true);
        self.buf.push_str(name);
        self.buf.push('>');
        Ok(())
    }

    fn element<T: Element>(&mut self, name: &'static str, value: &T) -> io::Result<()> {
        self.complex(name, value, "")
    }

    fn raw(&mut self, value: &RawElement) -> io::Result<()> {
        self.write_raw(value)
    }
}

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// Passes a typed resource to [`Writer::typed_resource`] with its own type.
struct TypedResource<'a, W: Write> {
    writer: &'a mut Writer<W>,
}

impl<W: Write> ResourceVisitor for TypedResource<'_, W> {
    type Output = io::Result<()>;
    fn visit<T: Element>(
        self,
        namespace: Namespace,
        name: &'static str,
        value: &T,
    ) -> io::Result<()> {
        self.writer.typed_resource(namespace, name, value)
    }
}

/// The schema of a document's first resource in the ESPI or customer namespace
/// (ESPI when there is none), which its root declares.
fn document_namespace(document: &Document) -> Namespace {
    let first = match document {
        Document::Feed(feed) => feed
            .entries
            .iter()
            .flat_map(|entry| &entry.content)
            .find_map(Resource::namespace),
        Document::Entry(entry) => entry.content.iter().find_map(Resource::namespace),
        Document::Resource(resource) => resource.namespace(),
    };
    first.unwrap_or(Namespace::Espi)
}

fn misuse(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.to_owned())
}

/// Writes a whole document to `out`.
pub fn write_document<W: Write>(
    document: &Document,
    out: W,
    options: WriteOptions,
) -> io::Result<W> {
    Writer::new(out, options).write_document(document)
}

/// `prefix:local`, or `local` without a prefix.
fn qualify(prefix: Option<&str>, local: &str) -> String {
    match prefix {
        Some(prefix) => format!("{prefix}:{local}"),
        None => local.to_owned(),
    }
}

fn push_attribute(tag: &mut String, name: &str, value: &str) -> io::Result<()> {
    tag.push(' ');
    tag.push_str(name);
    tag.push_str("=\"");
    escape_into(tag, value, true)?;
    tag.push('"');
    Ok(())
}

/// Escapes markup characters; in attributes also quotes and the whitespace that
/// attribute normalisation would otherwise turn into spaces. Characters XML 1.0 cannot
/// carry at all (control characters other than tab, line feed and carriage return, and
/// U+FFFE/U+FFFF) are an error: no escape can represent them.
fn escape_into(out: &mut String, text: &str, attribute: bool) -> io::Result<()> {
    let needs_escape = |c: char| {
        matches!(c, '&' | '<' | '>' | '\r' | '\u{fffe}' | '\u{ffff}')
            || (c < ' ' && c != '\t' && c != '\n')
            || (attribute && matches!(c, '"' | '\n' | '\t'))
    };
    if !text.contains(needs_escape) {
        out.push_str(text);
        return Ok(());
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if c < ' ' || c == '\u{fffe}' || c == '\u{ffff}' => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "character U+{:04X} cannot be written in XML 1.0",
                        u32::from(c)
                    ),
                ));
            }
            other => out.push(other),
        }
    }
    Ok(())
}
