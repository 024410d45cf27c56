//! The `espi_element!` tables against the schemas they describe.
//!
//! Parses `testdata/schema/customer.xsd` and `testdata/schema/espi.xsd`, flattens
//! every complex type through its `xs:extension` chain (base elements first), and
//! checks for each Rust type that `FIELDS` lists the child element names in schema
//! order and `REQUIRED` those that must occur. All mismatches are reported at once.
//!
//! An element is required when its `minOccurs` (default 1) is at least 1 and so is
//! the `minOccurs` of every `xs:sequence` around it inside its type (customer.xsd
//! `UsagePoints` repeats an optional sequence; espi.xsd `ProgramIdMappings` a
//! required one). A sequence's `maxOccurs` does not change the names or the order.

use std::collections::BTreeMap;
use std::path::PathBuf;

use espi_model::schema::Element;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

// ---------------------------------------------------------------------------
// A minimal XSD reader: the element tree of the schema, names without prefixes.
// ---------------------------------------------------------------------------

/// An element of the schema document.
#[derive(Debug)]
struct Node {
    /// Local name, e.g. `complexType`.
    name: String,
    /// Attributes (local name, value).
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Node {
    fn from_start(start: &BytesStart<'_>) -> Node {
        let attributes = start
            .attributes()
            .map(|attribute| {
                let attribute = attribute.expect("well-formed attribute");
                (
                    attribute.key.local_name().as_ref().to_owned(),
                    attribute.value.as_ref().to_owned(),
                )
            })
            .collect();
        Node {
            name: start.local_name().as_ref().to_owned(),
            attributes,
            children: Vec::new(),
        }
    }

    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// `minOccurs`, 1 when absent.
    fn min_occurs(&self) -> u64 {
        self.attribute("minOccurs")
            .map_or(1, |text| text.parse().expect("numeric minOccurs"))
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The first descendant `xs:element` named `name`, depth first.
    fn find_element(&self, name: &str) -> Option<&Node> {
        self.children.iter().find_map(|child| {
            if child.name == "element" && child.attribute("name") == Some(name) {
                Some(child)
            } else {
                child.find_element(name)
            }
        })
    }
}

/// Drops the prefix of a QName attribute value (`xs:anyURI` → `anyURI`).
fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

/// A parsed schema and the flattening of its types.
struct Schema {
    file: &'static str,
    /// Top-level `xs:complexType`s by name.
    complex_types: BTreeMap<String, Node>,
}

/// A child element of a flattened type: its name and whether it is required.
type Particle = (String, bool);

impl Schema {
    fn load(file: &'static str) -> Schema {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../testdata/schema")
            .join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
        let mut reader = Reader::from_str(&text);
        let mut stack: Vec<Node> = vec![Node {
            name: String::new(),
            attributes: Vec::new(),
            children: Vec::new(),
        }];
        loop {
            match reader.read_event().expect("well-formed schema") {
                Event::Start(start) => stack.push(Node::from_start(&start)),
                Event::Empty(start) => {
                    let node = Node::from_start(&start);
                    stack.last_mut().expect("open parent").children.push(node);
                }
                Event::End(_) => {
                    let node = stack.pop().expect("open element");
                    stack.last_mut().expect("open parent").children.push(node);
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let document = stack.pop().expect("document node");
        let root = document
            .children
            .into_iter()
            .find(|node| node.name == "schema")
            .expect("xs:schema root");
        let complex_types = root
            .children
            .into_iter()
            .filter(|node| node.name == "complexType")
            .map(|node| {
                let name = node
                    .attribute("name")
                    .expect("named complexType")
                    .to_owned();
                (name, node)
            })
            .collect();
        Schema {
            file,
            complex_types,
        }
    }

    /// The type at `path`: a top-level complex type name, or `Type/element` for
    /// the anonymous complex type of an element declared inside `Type`.
    fn type_at(&self, path: &str) -> Result<&Node, String> {
        let mut parts = path.split('/');
        let top = parts.next().unwrap_or_default();
        let mut node = self
            .complex_types
            .get(top)
            .ok_or_else(|| format!("{} has no complexType {top:?}", self.file))?;
        for element in parts {
            node = node
                .find_element(element)
                .and_then(|element| element.children_named("complexType").next())
                .ok_or_else(|| format!("{}: no anonymous complexType at {path:?}", self.file))?;
        }
        Ok(node)
    }

    /// Whether the top-level type `name` has simple content (no child elements).
    fn has_simple_content(&self, name: &str) -> bool {
        self.complex_types
            .get(name)
            .is_some_and(|node| node.children_named("simpleContent").next().is_some())
    }

    /// The child elements of `node`, base types first.
    fn flatten(&self, node: &Node) -> Result<Vec<Particle>, String> {
        let mut out = Vec::new();
        for child in &node.children {
            match child.name.as_str() {
                "complexContent" => {
                    for derivation in &child.children {
                        match derivation.name.as_str() {
                            "extension" => {
                                let base = derivation.attribute("base").unwrap_or_default();
                                let base_type = self.type_at(local(base))?;
                                out.extend(self.flatten(base_type)?);
                                self.collect(derivation, true, &mut out)?;
                            }
                            "annotation" => {}
                            other => return Err(format!("unsupported complexContent/{other}")),
                        }
                    }
                }
                "sequence" => self.collect_sequence(child, true, &mut out)?,
                "simpleContent" | "annotation" | "attribute" => {}
                other => return Err(format!("unsupported complexType/{other}")),
            }
        }
        Ok(out)
    }

    /// The particles of the `xs:sequence` children of `node`.
    fn collect(&self, node: &Node, required: bool, out: &mut Vec<Particle>) -> Result<(), String> {
        for sequence in node.children_named("sequence") {
            self.collect_sequence(sequence, required, out)?;
        }
        Ok(())
    }

    fn collect_sequence(
        &self,
        sequence: &Node,
        outer_required: bool,
        out: &mut Vec<Particle>,
    ) -> Result<(), String> {
        let required = outer_required && sequence.min_occurs() >= 1;
        for child in &sequence.children {
            match child.name.as_str() {
                "element" => {
                    let name = child
                        .attribute("name")
                        .or_else(|| child.attribute("ref").map(local))
                        .ok_or("element without name or ref")?;
                    out.push((name.to_owned(), required && child.min_occurs() >= 1));
                }
                "sequence" => self.collect_sequence(child, required, out)?,
                "annotation" => {}
                other => return Err(format!("unsupported sequence/{other}")),
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The Rust tables to check.
// ---------------------------------------------------------------------------

/// One Rust type and the schema type it declares.
struct Row {
    /// Schema file.
    file: &'static str,
    /// Schema type: a complex type name, or `Type/element` for an anonymous type.
    path: &'static str,
    /// The Rust type's path, for messages.
    rust: &'static str,
    type_name: &'static str,
    fields: &'static [&'static str],
    required: &'static [&'static str],
    /// Whether the Rust type is shared with a schema type of another name
    /// (espi.xsd `ReadingInterharmonic` is `RationalNumber`), so its `TYPE_NAME` differs.
    shared: bool,
}

fn row<T: Element>(
    file: &'static str,
    path: &'static str,
    rust: &'static str,
    shared: bool,
) -> Row {
    Row {
        file,
        path,
        rust,
        type_name: T::TYPE_NAME,
        fields: T::FIELDS,
        required: T::REQUIRED,
        shared,
    }
}

const CUSTOMER: &str = "customer.xsd";
const ESPI: &str = "espi.xsd";

macro_rules! rows {
    ($($file:expr, $path:literal => $ty:ty $(, $shared:ident)?;)*) => {
        vec![$(row::<$ty>($file, $path, stringify!($ty), rows!(@shared $($shared)?)),)*]
    };
    (@shared) => { false };
    (@shared shared) => { true };
}

/// Every Rust type declared for a schema type, with its schema type.
fn rows() -> Vec<Row> {
    use espi_model::customer;
    rows! {
        // customer.xsd: the resources.
        CUSTOMER, "Customer" => customer::Customer;
        CUSTOMER, "CustomerAccount" => customer::CustomerAccount;
        CUSTOMER, "CustomerAgreement" => customer::CustomerAgreement;
        CUSTOMER, "EndDevice" => customer::EndDevice;
        CUSTOMER, "Meter" => customer::Meter;
        CUSTOMER, "ProgramDateIdMappings" => customer::ProgramDateIdMappings;
        CUSTOMER, "ServiceLocation" => customer::ServiceLocation;
        CUSTOMER, "ServiceSupplier" => customer::ServiceSupplier;
        CUSTOMER, "Statement" => customer::Statement;
        // customer.xsd: the other complex types.
        CUSTOMER, "AcceptanceTest" => customer::AcceptanceTest;
        CUSTOMER, "AccountNotification" => customer::AccountNotification;
        CUSTOMER, "Agreement" => customer::Agreement;
        CUSTOMER, "Asset" => customer::Asset;
        CUSTOMER, "AssetContainer" => customer::AssetContainer;
        CUSTOMER, "BatchItemInfo" => espi_model::identified_object::BatchItemInfo;
        CUSTOMER, "BatchListType" => espi_model::batch_list::BatchList;
        CUSTOMER, "DateTimeInterval" => customer::DateTimeInterval;
        CUSTOMER, "DemandResponseProgram" => customer::DemandResponseProgram;
        CUSTOMER, "Document" => customer::Document;
        CUSTOMER, "ElectronicAddress" => customer::ElectronicAddress;
        CUSTOMER, "IdentifiedObject" => customer::IdentifiedObject;
        CUSTOMER, "LifecycleDate" => customer::LifecycleDate;
        CUSTOMER, "Location" => customer::Location;
        CUSTOMER, "MeterMultiplier" => customer::MeterMultiplier;
        CUSTOMER, "Object" => customer::Object;
        CUSTOMER, "Organisation" => customer::Organisation;
        CUSTOMER, "OrganisationRole" => customer::OrganisationRole;
        CUSTOMER, "PositionPoint" => customer::PositionPoint;
        CUSTOMER, "Priority" => customer::Priority;
        CUSTOMER, "ProgramDate" => customer::ProgramDate;
        CUSTOMER, "ProgramDateIdMapping" => customer::ProgramDateIdMapping;
        CUSTOMER, "StatementRef" => customer::StatementRef;
        CUSTOMER, "Status" => customer::Status;
        CUSTOMER, "StreetAddress" => customer::StreetAddress;
        CUSTOMER, "StreetDetail" => customer::StreetDetail;
        CUSTOMER, "SummaryMeasurement" => espi_model::usage_summary::SummaryMeasurement;
        CUSTOMER, "TelephoneNumber" => customer::TelephoneNumber;
        CUSTOMER, "TimeConfiguration" => customer::TimeConfiguration;
        CUSTOMER, "TownDetail" => customer::TownDetail;
        CUSTOMER, "UsagePoints" => customer::UsagePoints;
        CUSTOMER, "WorkLocation" => customer::WorkLocation;
        // espi.xsd.
        ESPI, "ApplicationInformation" => espi_model::application_information::ApplicationInformation;
        ESPI, "Authorization" => espi_model::authorization::Authorization;
        ESPI, "IntervalBlock" => espi_model::interval_block::IntervalBlock;
        ESPI, "MeterReading" => espi_model::meter_reading::MeterReading;
        ESPI, "ReadingType" => espi_model::reading_type::ReadingType;
        ESPI, "UsagePoint" => espi_model::usage_point::UsagePoint;
        ESPI, "ElectricPowerQualitySummary" => espi_model::quality_summary::ElectricPowerQualitySummary;
        ESPI, "ElectricPowerUsageSummary" => espi_model::usage_summary::ElectricPowerUsageSummary;
        ESPI, "UsageSummary" => espi_model::usage_summary::UsageSummary;
        ESPI, "TimeConfiguration" => espi_model::local_time_parameters::LocalTimeParameters;
        ESPI, "ProgramIdMappings" => espi_model::program_id_mappings::ProgramIdMappings;
        ESPI, "ProgramIdMappings/programIdMapping" => espi_model::program_id_mappings::ProgramIdMapping;
        ESPI, "IntervalReading" => espi_model::interval_block::IntervalReading;
        ESPI, "ReadingQuality" => espi_model::interval_block::ReadingQuality;
        ESPI, "ServiceCategory" => espi_model::usage_point::ServiceCategory;
        ESPI, "SummaryMeasurement" => espi_model::usage_summary::SummaryMeasurement;
        ESPI, "BatchItemInfo" => espi_model::identified_object::BatchItemInfo;
        ESPI, "ServiceDeliveryPoint" => espi_model::usage_point::ServiceDeliveryPoint;
        ESPI, "DateTimeInterval" => espi_model::interval::DateTimeInterval;
        ESPI, "ServiceStatus" => espi_model::service_status::ServiceStatus;
        ESPI, "RationalNumber" => espi_model::reading_type::RationalNumber;
        ESPI, "ReadingInterharmonic" => espi_model::reading_type::RationalNumber, shared;
        ESPI, "BatchListType" => espi_model::batch_list::BatchList;
        ESPI, "LineItem" => espi_model::usage_summary::LineItem;
        ESPI, "PnodeRefs" => espi_model::usage_point::PnodeRefs;
        ESPI, "AggregateNodeRefs" => espi_model::usage_point::AggregateNodeRefs;
        ESPI, "TariffRiderRefs" => espi_model::usage_summary::TariffRiderRefs;
        ESPI, "PnodeRef" => espi_model::usage_point::PnodeRef;
        ESPI, "AggregateNodeRef" => espi_model::usage_point::AggregateNodeRef;
        ESPI, "TariffRiderRef" => espi_model::usage_summary::TariffRiderRef;
        ESPI, "BillingChargeSource" => espi_model::usage_summary::BillingChargeSource;
    }
}

/// Complex types with simple content (an `xs:anyURI` value): no table, a
/// `String` alias in Rust.
const SIMPLE_CONTENT: &[(&str, &str)] = &[(CUSTOMER, "PricingStructure"), (CUSTOMER, "UsagePoint")];

/// Complex types deliberately without a Rust type: espi.xsd's abstract bases,
/// whose elements every espi type repeats.
const NOT_DECLARED: &[(&str, &str)] = &[(ESPI, "Object"), (ESPI, "IdentifiedObject")];

// ---------------------------------------------------------------------------
// The checks.
// ---------------------------------------------------------------------------

/// A mismatch between one Rust table and its schema type, or `None`.
fn compare(schema: &Schema, row: &Row) -> Option<String> {
    let node = match schema.type_at(row.path) {
        Ok(node) => node,
        Err(error) => return Some(format!("{} {} ({}): {error}", row.file, row.path, row.rust)),
    };
    let particles = match schema.flatten(node) {
        Ok(particles) => particles,
        Err(error) => return Some(format!("{} {} ({}): {error}", row.file, row.path, row.rust)),
    };
    let expected_fields: Vec<&str> = particles.iter().map(|(name, _)| name.as_str()).collect();
    let expected_required: Vec<&str> = particles
        .iter()
        .filter(|(_, required)| *required)
        .map(|(name, _)| name.as_str())
        .collect();
    let schema_name = row.path.rsplit('/').next().unwrap_or(row.path);

    let mut problems = Vec::new();
    if expected_fields != row.fields {
        let only_schema: Vec<&str> = expected_fields
            .iter()
            .filter(|name| !row.fields.contains(name))
            .copied()
            .collect();
        let only_rust: Vec<&str> = row
            .fields
            .iter()
            .filter(|name| !expected_fields.contains(name))
            .copied()
            .collect();
        problems.push(format!(
            "  FIELDS\n    schema: {expected_fields:?}\n    rust:   {:?}\n    only in the schema: {only_schema:?}; only in Rust: {only_rust:?}",
            row.fields
        ));
    }
    if expected_required != row.required {
        problems.push(format!(
            "  REQUIRED\n    schema: {expected_required:?}\n    rust:   {:?}",
            row.required
        ));
    }
    if !row.shared && row.type_name != schema_name {
        problems.push(format!(
            "  TYPE_NAME\n    schema: {schema_name:?}\n    rust:   {:?}",
            row.type_name
        ));
    }
    if problems.is_empty() {
        None
    } else {
        Some(format!(
            "{} {} (Rust {}):\n{}",
            row.file,
            row.path,
            row.rust,
            problems.join("\n")
        ))
    }
}

#[test]
fn tables_match_the_schemas() {
    let schemas = [Schema::load(CUSTOMER), Schema::load(ESPI)];
    let schema = |file: &str| {
        schemas
            .iter()
            .find(|schema| schema.file == file)
            .expect("loaded schema")
    };
    let rows = rows();
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|row| compare(schema(row.file), row))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} tables do not match the schemas:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_complex_type_has_a_rust_type() {
    let rows = rows();
    let mut missing = Vec::new();
    for schema in [Schema::load(CUSTOMER), Schema::load(ESPI)] {
        for name in schema.complex_types.keys() {
            let key = (schema.file, name.as_str());
            let covered = rows.iter().any(|row| (row.file, row.path) == key)
                || NOT_DECLARED.contains(&key)
                || (SIMPLE_CONTENT.contains(&key) && schema.has_simple_content(name));
            if !covered {
                missing.push(format!("{} {name}", schema.file));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "complex types without a Rust table: {missing:?}"
    );
}

#[test]
fn simple_content_types_are_strings() {
    // customer.xsd PricingStructure and UsagePoint extend xs:anyURI.
    let pricing: espi_model::customer::PricingStructure =
        String::from("https://example.com/tariff/E-1");
    let usage_point: espi_model::customer::UsagePoint =
        String::from("https://example.com/UsagePoint/1");
    let agreement = espi_model::customer::CustomerAgreement {
        pricing_structures: vec![pricing],
        ..Default::default()
    };
    let list = espi_model::customer::UsagePoints {
        usage_point: vec![usage_point],
        ..Default::default()
    };
    assert_eq!(agreement.pricing_structures.len(), list.usage_point.len());
}

#[test]
fn flattening_follows_the_extension_chain() {
    // A self-check of the reader on a deep chain:
    // Meter → EndDevice → AssetContainer → Asset → IdentifiedObject → Object.
    let schema = Schema::load(CUSTOMER);
    let meter = schema
        .type_at("Meter")
        .and_then(|node| schema.flatten(node));
    let names: Vec<String> = meter
        .expect("Meter flattens")
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(names.len(), 3 + 12 + 4 + 3);
    assert_eq!(names[..4], ["extension", "batchItemInfo", "name", "type"]);
    assert_eq!(
        names[names.len() - 3..],
        ["formNumber", "MeterMultipliers", "intervalLength"]
    );
    // The optional repeated sequence of UsagePoints makes its element optional.
    let usage_points = schema
        .type_at("UsagePoints")
        .and_then(|node| schema.flatten(node))
        .expect("UsagePoints flattens");
    assert_eq!(
        usage_points,
        [
            ("extension".to_owned(), false),
            ("UsagePoint".to_owned(), false)
        ]
    );
}
