//! Schema-level checks (`xsd`): what strict reading rejects against the XSDs, found while
//! reading leniently.
//!
//! espi-xml's lenient mode accepts these deviations, keeps what it can (as raw XML where
//! it cannot type it) and reports each as a [`Diagnostic`] with its line and column;
//! strict mode stops at the first. Each kind of deviation has a stable `S` id:
//!
//! | id | deviation |
//! |---|---|
//! | `S001` | an element the schema does not allow here |
//! | `S002` | an element that may occur once occurs again |
//! | `S003` | a required element is missing |
//! | `S004` | elements out of the schema's order |
//! | `S005` | text that does not parse as the element's type (a number, a date, a code-list value) |
//! | `S006` | a value outside its type's facets (Int48 range, string length, hexBinary size, a closed enumeration) |
//! | `S007` | an Atom date that is not an xs:dateTime |
//! | `S008` | an element name with the wrong case of its first letter |
//! | `S009` | an attribute the schema does not allow |
//! | `S010` | an `atom:link` without `href` or `rel`, or with content |
//! | `S011` | text where only elements belong |
//! | `S012` | an element inside a simple-typed element |
//! | `S000` | any other deviation espi-xml reports |
//!
//! All are errors: the document is not schema-valid.

use crate::{Finding, FindingLocation, Severity, ValidationRule};
use espi_model::atom::Document;
use espi_xml::{Diagnostic, DiagnosticKind, ParsedDocument};

const fn rule(id: &'static str, summary: &'static str) -> ValidationRule {
    ValidationRule {
        id,
        function_block: None,
        severity: Severity::Error,
        summary,
    }
}

/// The schema-level rules.
pub const RULES: &[ValidationRule] = &[
    rule("S000", "a schema deviation of another kind"),
    rule("S001", "an element the schema does not allow here"),
    rule("S002", "an element that may occur once occurs again"),
    rule("S003", "a required element is missing"),
    rule("S004", "elements out of the schema's order"),
    rule("S005", "text that does not parse as the element's type"),
    rule("S006", "a value outside its type's facets"),
    rule("S007", "an Atom date that is not an xs:dateTime"),
    rule(
        "S008",
        "an element name with the wrong case of its first letter",
    ),
    rule("S009", "an attribute the schema does not allow"),
    rule("S010", "an atom:link without href or rel, or with content"),
    rule("S011", "text where only elements belong"),
    rule("S012", "an element inside a simple-typed element"),
];

/// The rule id of a kind of deviation.
pub fn rule_id(kind: DiagnosticKind) -> &'static str {
    match kind {
        DiagnosticKind::UnknownElement => "S001",
        DiagnosticKind::RepeatedElement => "S002",
        DiagnosticKind::MissingRequired => "S003",
        DiagnosticKind::OutOfOrder => "S004",
        DiagnosticKind::InvalidValue => "S005",
        DiagnosticKind::FacetViolation => "S006",
        DiagnosticKind::InvalidDate => "S007",
        DiagnosticKind::RecasedName => "S008",
        DiagnosticKind::UnexpectedAttribute => "S009",
        DiagnosticKind::InvalidLink => "S010",
        DiagnosticKind::UnexpectedText => "S011",
        DiagnosticKind::ElementInText => "S012",
        _ => "S000",
    }
}

/// One finding per diagnostic of a lenient read, placed at the diagnostic's line and
/// column and in the entry that holds it.
pub fn check(parsed: &ParsedDocument) -> Vec<Finding> {
    parsed
        .diagnostics
        .iter()
        .map(|diagnostic| finding(parsed, diagnostic))
        .collect()
}

fn finding(parsed: &ParsedDocument, diagnostic: &Diagnostic) -> Finding {
    let entries = parsed.document.entries();
    // Spans are in document order and do not overlap, so the first span that does not
    // end before the diagnostic is the only one that can hold it (a binary search: a
    // file may have a diagnostic in every one of many entries).
    let spans = &parsed.entry_spans;
    let first = spans.partition_point(|span| span.end.offset < diagnostic.position.offset);
    let index = Some(first)
        .filter(|&index| {
            spans
                .get(index)
                .is_some_and(|span| span.contains(diagnostic.position))
        })
        .filter(|&index| index < entries.len());
    let path = match (&parsed.document, index) {
        (Document::Feed(_), Some(index)) => format!("feed/entry[{}]", index + 1),
        (Document::Feed(_), None) => "feed".to_owned(),
        (Document::Entry(_), _) => "entry".to_owned(),
        (Document::Resource(resource), _) => resource.element_name().1.to_owned(),
    };
    finding_at(
        diagnostic,
        index,
        index.and_then(|index| entries[index].meta.id.clone()),
        path,
    )
}

/// The finding of a diagnostic in entry `index` (with `entry_id`) at element `path`.
pub(crate) fn finding_at(
    diagnostic: &Diagnostic,
    index: Option<usize>,
    entry_id: Option<String>,
    path: String,
) -> Finding {
    Finding {
        rule: rule_id(diagnostic.kind),
        function_block: None,
        severity: Severity::Error,
        message: diagnostic.message.clone(),
        location: FindingLocation {
            entry_index: index,
            entry_id,
            path,
            line: Some(diagnostic.position.line),
            column: Some(diagnostic.position.column),
        },
    }
}
