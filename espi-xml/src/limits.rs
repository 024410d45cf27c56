//! Bounds on what one document may make the reader hold, so that hostile input ends in
//! an [`Error::Limit`](crate::Error::Limit) instead of exhausting memory or the stack.

/// Limits on the size and shape of the input, part of
/// [`ReaderOptions`](crate::ReaderOptions). The defaults are far above anything a real
/// Green Button file needs and keep the reader's memory bounded (a few megabytes
/// beyond the entry being decoded); exceeding one is an
/// [`Error::Limit`](crate::Error::Limit) with the position and a message naming the
/// limit and its value.
///
/// | limit | default | what it bounds |
/// |---|---|---|
/// | [`max_depth`](ReaderLimits::max_depth) | 256 | elements open at once (the root is depth 1) |
/// | [`max_text_size`](ReaderLimits::max_text_size) | 1 MiB | bytes of one text node, and of one element's text |
/// | [`max_attribute_size`](ReaderLimits::max_attribute_size) | 64 KiB | bytes of one attribute value |
/// | [`max_entry_size`](ReaderLimits::max_entry_size) | 64 MiB | bytes of one `atom:entry` (or of a root entry or bare resource) |
/// | [`max_document_size`](ReaderLimits::max_document_size) | none | bytes of the whole input |
///
/// Text and markup are bounded as they are read, before they are buffered: the reader
/// never holds more than `max(max_text_size, max_attribute_size)` plus 64 KiB of one
/// text node or tag (a comment, CDATA section or DTD is markup too), whatever the input.
///
/// ```
/// use espi_xml::{EntryReader, Error, ReaderLimits, ReaderOptions};
/// let options = ReaderOptions::lenient().with_limits(ReaderLimits::default().with_max_depth(3));
/// let xml = b"<feed xmlns='http://www.w3.org/2005/Atom'><a><b><c/></b></a></feed>";
/// let error = EntryReader::with_options(&xml[..], options).next().unwrap().unwrap_err();
/// assert!(matches!(error, Error::Limit { .. }));
/// assert!(error.to_string().contains("max_depth = 3"), "{error}");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReaderLimits {
    /// How many elements may be open at once, the root included (default 256). ESPI
    /// nests about ten levels. Raw XML (kept for elements the model does not type) is
    /// bounded at 256 levels below its own root whatever this says, so that the code
    /// that walks it later cannot exhaust the stack.
    pub max_depth: u32,
    /// Bytes of one text node as read, and of one element's text once references and
    /// CDATA are joined (default 1 MiB). ESPI values are a few dozen bytes.
    pub max_text_size: usize,
    /// Bytes of one attribute value as written (default 64 KiB). ESPI's longest
    /// attribute values are link `href`s.
    pub max_attribute_size: usize,
    /// Bytes of one `atom:entry` from the end of its start tag (default 64 MiB), and of
    /// a root that is an entry or a bare resource. A year of 15-minute readings in one
    /// IntervalBlock is about 5 MB.
    pub max_entry_size: u64,
    /// Bytes of the whole input (default `None`: unlimited, since memory does not grow
    /// with the file).
    pub max_document_size: Option<u64>,
}

impl Default for ReaderLimits {
    fn default() -> Self {
        ReaderLimits {
            max_depth: 256,
            max_text_size: 1 << 20,
            max_attribute_size: 64 << 10,
            max_entry_size: 64 << 20,
            max_document_size: None,
        }
    }
}

impl ReaderLimits {
    /// Sets [`max_depth`](ReaderLimits::max_depth).
    pub fn with_max_depth(mut self, max_depth: u32) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// Sets [`max_text_size`](ReaderLimits::max_text_size).
    pub fn with_max_text_size(mut self, bytes: usize) -> Self {
        self.max_text_size = bytes;
        self
    }

    /// Sets [`max_attribute_size`](ReaderLimits::max_attribute_size).
    pub fn with_max_attribute_size(mut self, bytes: usize) -> Self {
        self.max_attribute_size = bytes;
        self
    }

    /// Sets [`max_entry_size`](ReaderLimits::max_entry_size).
    pub fn with_max_entry_size(mut self, bytes: u64) -> Self {
        self.max_entry_size = bytes;
        self
    }

    /// Sets [`max_document_size`](ReaderLimits::max_document_size) (`None`: unlimited).
    pub fn with_max_document_size(mut self, bytes: Option<u64>) -> Self {
        self.max_document_size = bytes;
        self
    }

    /// How many bytes of one piece of markup the reader takes in before refusing it:
    /// room for an attribute value at its limit or CDATA at the text limit, plus the
    /// rest of the tag.
    pub(crate) fn markup_budget(&self) -> u64 {
        (self.max_text_size.max(self.max_attribute_size) as u64).saturating_add(MARKUP_SLACK)
    }

    /// How many bytes of one text node the reader takes in: the limit, plus one byte
    /// to see the `<` that ends a text exactly at it.
    pub(crate) fn text_budget(&self) -> u64 {
        (self.max_text_size as u64).saturating_add(1)
    }
}

/// What a tag may hold beyond its largest allowed attribute value (names, other attributes).
pub(crate) const MARKUP_SLACK: u64 = 64 << 10;

/// Which input bound stopped the reading, as recorded by the input wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tripped {
    /// One text node grew past its budget.
    Text,
    /// One piece of markup (tag, comment, CDATA, declaration, DTD) grew past its budget.
    Markup,
    /// The current entry grew past `max_entry_size`.
    Entry,
    /// The input grew past `max_document_size`.
    Document,
}
