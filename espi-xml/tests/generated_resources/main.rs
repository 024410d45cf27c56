//! Generated values of every resource type the model has, driven by the model's own
//! tables so that kinds added later are covered without a change here:
//!
//! 1. `every_kind_reads_back_equal` (proptest): for each kind of
//!    `ResourceKind::KNOWN`, a generated value read back from what the writer writes
//!    (compact and indented; in a feed per namespace, as an entry root and as a bare
//!    root) is equal, lenient reading reports no diagnostic, strict reading accepts
//!    it, and no namespace is declared again where a prefix in scope binds it.
//! 2. `generated_documents_validate_with_xmllint`: documents written from fixed seeds
//!    validate against the ESPI 4.0 schemas in `testdata/schema` (one xmllint run).
//! 3. `the_generator_fills_every_kind_and_every_field`: over the fixed seeds every
//!    kind is generated and every field of every type reached is filled, so the other
//!    tests cannot pass on empty resources.
//! 4. `every_facet_is_enforced_by_its_scalar`: the generator trusts `Scalar::check`
//!    to keep values schema-valid; every field reached is probed with a text just
//!    beyond its facet, which the check must reject.
//!
//! The generator (`generator.rs`) implements `ResourceBuilder` and `ElementReader`: `kind.build(&mut
//! generator)` fills a value of any kind through the type's own `Element::read_child`,
//! field by field from `Element::FIELDS`. Scalars are chosen without knowing their Rust
//! type: candidate texts (integers, booleans, hex, decimals, strings, the literals a
//! string code list declares in `Scalar::LISTED`) are tried in random order and
//! the first that `Scalar::parse_text` accepts and that satisfies the field's facet is
//! kept.
//!
//! xmllint comes from the Debian package libxml2-utils. Without it the schema check
//! says so on stderr and is not counted; with `ESPI_REQUIRE_XMLLINT=1` (as in CI) a
//! missing xmllint fails the test.

#[path = "../common/mod.rs"]
mod common;
mod generator;

use espi_model::atom::{Document, Entry, Feed, Link, Metadata};
use espi_model::raw::RawElement;
use espi_model::resource::Resource;
use espi_model::resource::{Namespace, ResourceKind, ResourceVisitor};
use espi_model::schema::{Element, ElementWriter, Scalar};
use espi_xml::{ReaderOptions, WriteOptions, read_document, read_document_with, write_document};
use generator::{Coverage, Generator, Rng};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;
use std::path::Path;

// ---------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------

/// The namespaces the model has typed resources in, with their kinds.
fn kinds_by_namespace() -> BTreeMap<Namespace, Vec<ResourceKind>> {
    let mut map: BTreeMap<Namespace, Vec<ResourceKind>> = BTreeMap::new();
    for (kind, namespace, _) in ResourceKind::KNOWN {
        map.entry(*namespace).or_default().push(*kind);
    }
    map
}

fn element_name(kind: ResourceKind) -> &'static str {
    kind.element_name().expect("a known kind has a name")
}

/// `prefix:Name` of a kind (the two schemas share some element names).
fn qualified_label(kind: ResourceKind, separator: char) -> String {
    let (namespace, name) = kind.qualified_name().expect("a known kind has a name");
    format!("{}{separator}{name}", namespace.prefix())
}

/// An RFC 3339 date-time (also an xs:dateTime) from 1970 to 2099.
fn date_time(rng: &mut Rng) -> String {
    let seconds = rng.between(0, 4_102_444_799);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let time = seconds.rem_euclid(86_400);
    let fraction = match rng.below(3) {
        0 => format!(".{:03}", rng.below(1000)),
        _ => String::new(),
    };
    let zone = *rng.pick(&["Z", "+00:00", "-05:00", "+05:30", "+14:00"]);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{fraction}{zone}",
        time / 3600,
        time / 60 % 60,
        time % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn uuid(rng: &mut Rng) -> String {
    let hex = format!("{:016x}{:016x}", rng.next(), rng.next());
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Atom metadata; `published` only for entries (atom.xsd's feedType has none).
fn metadata(generator: &mut Generator, path: &str, entry: bool) -> Metadata {
    let rng = &mut generator.rng;
    let base = "https://example.com/DataCustodian/espi/1_1/resource";
    let mut links = vec![Link::new("self", &format!("{base}/{path}"))];
    if rng.chance(0.5) {
        links.push(Link::new("up", &format!("{base}/{path}/..")));
    }
    let id = uuid(rng);
    let updated = date_time(rng);
    let published = (entry && rng.chance(0.3)).then(|| date_time(rng));
    Metadata {
        id: Some(id),
        title: Some(generator.random_string(16)),
        published,
        updated: Some(updated),
        links,
        ..Metadata::default()
    }
}

fn entry(generator: &mut Generator, resource: Resource, index: usize) -> Entry {
    let name = element_name(resource.kind());
    Entry {
        meta: metadata(generator, &format!("{name}/{index}"), true),
        content: vec![resource],
        ..Entry::default()
    }
}

/// A feed with one entry per resource.
fn feed(generator: &mut Generator, resources: Vec<Resource>) -> Document {
    let meta = metadata(generator, "Batch/Subscription/1", false);
    let entries = resources
        .into_iter()
        .enumerate()
        .map(|(index, resource)| entry(generator, resource, index))
        .collect();
    Document::Feed(Feed { meta, entries })
}

fn write(document: &Document, indent: bool) -> Vec<u8> {
    write_document(document, Vec::new(), WriteOptions::with_indent(indent))
        .expect("the writer accepts a generated document")
}

/// Writes `document` and reads it back leniently and strictly; a description of what
/// went wrong, if anything.
fn round_trip(document: &Document, indent: bool) -> Result<(), String> {
    let written = write(document, indent);
    let xml = String::from_utf8_lossy(&written);
    let redundant = common::redundant_declarations(&written);
    if !redundant.is_empty() {
        return Err(format!(
            "namespaces declared again although bound in scope:\n{}\n{xml}",
            redundant.join("\n")
        ));
    }
    let lenient = read_document(&written[..])
        .map_err(|error| format!("lenient read failed: {error}\n{xml}"))?;
    if !lenient.diagnostics.is_empty() {
        let diagnostics: Vec<String> = lenient
            .diagnostics
            .iter()
            .map(|diagnostic| format!("{diagnostic:?}"))
            .collect();
        return Err(format!(
            "lenient read reported diagnostics on a generated document:\n{}\n{xml}",
            diagnostics.join("\n")
        ));
    }
    if lenient.document != *document {
        return Err(format!(
            "the document read back differs{}\n{xml}",
            difference(document, &lenient.document)
        ));
    }
    let strict = read_document_with(&written[..], ReaderOptions::strict())
        .map_err(|error| format!("strict read failed: {error}\n{xml}"))?;
    if strict.document != *document {
        return Err(format!(
            "the document read back strictly differs{}\n{xml}",
            difference(document, &strict.document)
        ));
    }
    Ok(())
}

/// The first resource that differs, with both values.
fn difference(expected: &Document, actual: &Document) -> String {
    let expected_resources: Vec<&Resource> = expected.resources().collect();
    let actual_resources: Vec<&Resource> = actual.resources().collect();
    for (index, want) in expected_resources.iter().enumerate() {
        match actual_resources.get(index) {
            Some(got) if got == want => {}
            Some(got) => {
                return format!(
                    " in resource {index} ({:?}):\nwritten: {want:#?}\nread:    {got:#?}",
                    want.kind()
                );
            }
            None => return format!(": resource {index} ({:?}) is missing", want.kind()),
        }
    }
    if actual_resources.len() != expected_resources.len() {
        return format!(
            ": {} resources read, {} written",
            actual_resources.len(),
            expected_resources.len()
        );
    }
    " in the Atom metadata".into()
}

/// The documents made from one seed: a feed per namespace holding one resource of
/// each of its kinds, and each resource as an entry root and a bare root.
struct Generated {
    feeds: Vec<(Namespace, Document)>,
    /// (kind, entry-root document, bare-root document)
    singles: Vec<(ResourceKind, Document, Document)>,
    requested: Coverage,
    facet_gaps: BTreeSet<String>,
}

fn generate(seed: u64, density: Option<f64>) -> Generated {
    let mut feeds = Vec::new();
    let mut singles = Vec::new();
    let mut requested = Coverage::new();
    let mut facet_gaps = BTreeSet::new();
    for (namespace, kinds) in kinds_by_namespace() {
        let mut generator = match density {
            Some(density) => Generator::new(seed, namespace, density),
            None => Generator::from_seed(seed, namespace),
        };
        let resources: Vec<Resource> = kinds.iter().map(|kind| generator.resource(*kind)).collect();
        for (index, resource) in resources.iter().enumerate() {
            let entry_root = Document::Entry(entry(&mut generator, resource.clone(), index));
            let bare_root = Document::Resource(Box::new(resource.clone()));
            singles.push((resource.kind(), entry_root, bare_root));
        }
        feeds.push((namespace, feed(&mut generator, resources)));
        merge(&mut requested, std::mem::take(&mut generator.requested));
        facet_gaps.append(&mut generator.facet_gaps);
    }
    Generated {
        feeds,
        singles,
        requested,
        facet_gaps,
    }
}

fn merge(into: &mut Coverage, from: Coverage) {
    for (type_name, (fields, names)) in from {
        into.entry(type_name)
            .or_insert_with(|| (fields, BTreeSet::new()))
            .1
            .extend(names);
    }
}

// ---------------------------------------------------------------------------
// 1. Round trip
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(Config { cases: 64, failure_persistence: None, ..Config::default() })]

    #[test]
    fn every_kind_reads_back_equal(seed in any::<u64>()) {
        let generated = generate(seed, None);
        for indent in [false, true] {
            // Smallest documents first, so that a failure shows one resource alone.
            for (kind, entry_root, bare_root) in &generated.singles {
                for (form, document) in [("bare root", bare_root), ("entry root", entry_root)] {
                    if let Err(failure) = round_trip(document, indent) {
                        return Err(TestCaseError::fail(format!(
                            "seed {seed}, {kind:?} as {form} (indent {indent}): {failure}"
                        )));
                    }
                }
            }
            for (namespace, document) in &generated.feeds {
                if let Err(failure) = round_trip(document, indent) {
                    return Err(TestCaseError::fail(format!(
                        "seed {seed}, {namespace:?} feed (indent {indent}): {failure}"
                    )));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// 2. Schema validity
// ---------------------------------------------------------------------------

/// Fixed seeds of the schema and coverage tests, with the density of each: every
/// field, only the required ones, and mixes.
const FIXED: [(u64, f64); 6] = [(1, 1.0), (2, 0.0), (3, 0.5), (4, 0.8), (5, 0.3), (6, 1.0)];

#[test]
fn generated_documents_validate_with_xmllint() {
    if !common::xmllint_available() {
        return;
    }
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("generated");
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    let mut files = Vec::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut save = |name: String, document: &Document, indent: bool| {
        let file = out_dir.join(name);
        std::fs::write(&file, write(document, indent)).expect("write temp file");
        files.push(file);
    };
    for (round, (seed, density)) in FIXED.into_iter().enumerate() {
        let generated = generate(seed, Some(density));
        let indent = round % 2 == 1;
        for (namespace, document) in &generated.feeds {
            for resource in document.resources() {
                *per_kind
                    .entry(qualified_label(resource.kind(), ':'))
                    .or_default() += 1;
            }
            save(
                format!("seed{seed}-{}-feed.xml", namespace.prefix()),
                document,
                indent,
            );
        }
        // Entry and bare roots of every kind, from the first two seeds.
        if round < 2 {
            for (kind, entry_root, bare_root) in &generated.singles {
                let name = qualified_label(*kind, '-');
                save(format!("seed{seed}-{name}-entry.xml"), entry_root, !indent);
                save(format!("seed{seed}-{name}-bare.xml"), bare_root, indent);
            }
        }
    }
    let (validated, rejected) = common::validate(&files);
    let counts: Vec<String> = per_kind
        .iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect();
    println!(
        "xmllint validated {validated} of {} generated documents; resources in the feeds: {} ({})",
        files.len(),
        per_kind.values().sum::<usize>(),
        counts.join(", ")
    );
    assert!(
        rejected.is_empty() && validated == files.len(),
        "xmllint rejected generated documents (in {}):\n{}",
        out_dir.display(),
        rejected.join("\n")
    );
}

// ---------------------------------------------------------------------------
// 3. The generator covers every kind and every field
// ---------------------------------------------------------------------------

/// Records the fields a value really holds: what `write_fields` writes.
#[derive(Default)]
struct Recorder {
    stack: Vec<&'static str>,
    written: Coverage,
}

impl Recorder {
    fn record<T: Element>(&mut self) {
        self.written
            .entry(std::any::type_name::<T>())
            .or_insert_with(|| (T::FIELDS, BTreeSet::new()));
    }

    fn note(&mut self, name: &str) {
        let current = self.stack.last().expect("inside an element");
        let (fields, names) = self.written.get_mut(current).expect("recorded");
        let field = fields
            .iter()
            .find(|field| **field == name)
            .unwrap_or_else(|| panic!("{current} wrote <{name}>, which is not one of its fields"));
        names.insert(field);
    }

    fn visit_element<T: Element>(&mut self, value: &T) {
        self.record::<T>();
        self.stack.push(std::any::type_name::<T>());
        let Ok(()) = value.write_fields(self);
        self.stack.pop();
    }
}

impl ElementWriter for Recorder {
    type Error = Infallible;
    fn scalar<T: Scalar>(&mut self, name: &'static str, _value: &T) -> Result<(), Infallible> {
        self.note(name);
        Ok(())
    }
    fn element<T: Element>(&mut self, name: &'static str, value: &T) -> Result<(), Infallible> {
        self.note(name);
        self.visit_element(value);
        Ok(())
    }
    fn raw(&mut self, value: &RawElement) -> Result<(), Infallible> {
        self.note(&value.name.local);
        Ok(())
    }
}

struct RecordVisit<'a>(&'a mut Recorder);

impl ResourceVisitor for RecordVisit<'_> {
    type Output = &'static str;
    fn visit<T: Element>(
        self,
        _namespace: Namespace,
        _name: &'static str,
        value: &T,
    ) -> &'static str {
        self.0.visit_element(value);
        std::any::type_name::<T>()
    }
}

/// Fields of `coverage` never filled, per type.
fn gaps(coverage: &Coverage, types: &BTreeSet<&'static str>) -> Vec<String> {
    coverage
        .iter()
        .filter(|(type_name, _)| types.contains(*type_name))
        .filter_map(|(type_name, (fields, names))| {
            let missing: Vec<&str> = fields
                .iter()
                .filter(|field| !names.contains(*field))
                .copied()
                .collect();
            (!missing.is_empty()).then(|| format!("{type_name}: {}", missing.join(", ")))
        })
        .collect()
}

#[test]
fn the_generator_fills_every_kind_and_every_field() {
    let mut requested = Coverage::new();
    let mut recorder = Recorder::default();
    let mut top_level = BTreeSet::new();
    let mut seen_kinds = BTreeSet::new();
    for (seed, density) in FIXED {
        let generated = generate(seed, Some(density));
        merge(&mut requested, generated.requested);
        for (_, document) in &generated.feeds {
            for resource in document.resources() {
                seen_kinds.insert(resource.kind());
                let type_name = resource
                    .visit(RecordVisit(&mut recorder))
                    .expect("a typed resource");
                top_level.insert(type_name);
            }
        }
    }
    let missing_kinds: Vec<_> = ResourceKind::KNOWN
        .iter()
        .filter(|(kind, _, _)| !seen_kinds.contains(kind))
        .collect();
    assert!(
        missing_kinds.is_empty(),
        "kinds never generated: {missing_kinds:?}"
    );
    let all_types: BTreeSet<&'static str> = recorder.written.keys().copied().collect();
    let nested: BTreeSet<&'static str> = all_types.difference(&top_level).copied().collect();
    for (what, coverage) in [("requested", &requested), ("written", &recorder.written)] {
        let top = gaps(coverage, &top_level);
        assert!(
            top.is_empty(),
            "fields of resource types never {what}:\n{}",
            top.join("\n")
        );
        let inner = gaps(coverage, &nested);
        assert!(
            inner.is_empty(),
            "fields of nested types never {what}:\n{}",
            inner.join("\n")
        );
    }
    let fields: usize = recorder
        .written
        .values()
        .map(|(fields, _)| fields.len())
        .sum();
    println!(
        "{} kinds ({} types with their nested types, {fields} fields) filled over {} seeds",
        ResourceKind::KNOWN.len(),
        recorder.written.len(),
        FIXED.len()
    );
}

// ---------------------------------------------------------------------------
// 4. Every facet is enforced by its scalar's check
// ---------------------------------------------------------------------------

/// The generator keeps a candidate only when `Scalar::check` accepts it for the
/// field's facet, and strict reading relies on the same check: a scalar type that
/// ignores a facet lets schema-invalid values through both. Every field reached over
/// the fixed seeds is probed with texts just beyond its facet.
#[test]
fn every_facet_is_enforced_by_its_scalar() {
    let mut gaps = BTreeSet::new();
    for (seed, density) in FIXED {
        gaps.append(&mut generate(seed, Some(density)).facet_gaps);
    }
    assert!(
        gaps.is_empty(),
        "scalar checks that let a facet violation through:\n{}",
        gaps.into_iter().collect::<Vec<_>>().join("\n")
    );
}
