//! The value generator of these tests: it plays the XML reader for any `Element`,
//! filling each field through the type's own `read_child` (see `main.rs`).

use espi_model::raw::{QualifiedName, RawAttribute, RawElement, RawNode};
use espi_model::resource::Resource;
use espi_model::resource::{Namespace, ResourceBuilder, ResourceKind};
use espi_model::schema::{Element, ElementReader, Facet, Field, Scalar};
use std::collections::{BTreeMap, BTreeSet};
use std::convert::Infallible;

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

/// SplitMix64: small, fast and fully determined by its seed.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// An index into a slice of `len` (> 0) items.
    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= probability && probability > 0.0
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// An integer from `min` to `max`, both included.
    pub(crate) fn between(&mut self, min: i64, max: i64) -> i64 {
        let span = (i128::from(max) - i128::from(min) + 1) as u128;
        let offset = (u128::from(self.next()) % span) as i128;
        (i128::from(min) + offset) as i64
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------
// Candidate texts for scalars
// ---------------------------------------------------------------------------

/// Characters of generated strings: ASCII, markup characters and quotes, XML
/// whitespace (CR included), non-ASCII. Left out are `:`, `%`, `#`, `[` and `]`,
/// which can make a string an invalid `xs:anyURI` (the model types URIs as `String`
/// with no facet, so the generator cannot tell them from plain strings).
const STRING_CHARS: &[char] = &[
    'a', 'b', 'e', 'k', 'q', 'x', 'z', 'A', 'M', 'Z', '0', '1', '7', '9', ' ', ' ', '-', '.', '_',
    '~', '/', '?', '=', '&', '<', '>', '"', '\'', '(', ')', '*', '+', ',', ';', '!', '$', '@', 'é',
    '¢', '€', 'ß', '中', '😀', '\t', '\n', '\r',
];

/// Groups of candidate texts, tried group by group in a random (weighted) order.
#[derive(Debug, Clone, Copy)]
enum Group {
    Integers,
    Booleans,
    Hex,
    Decimals,
    Strings,
    Literals,
}

const GROUPS: [(Group, u64); 6] = [
    (Group::Strings, 4),
    (Group::Integers, 1),
    (Group::Booleans, 1),
    (Group::Hex, 1),
    (Group::Decimals, 1),
    (Group::Literals, 1),
];

const INT48_MAX: i64 = 1 << 47;

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

/// Which fields of which Rust type were filled (or written), by `type_name`.
pub(crate) type Coverage =
    BTreeMap<&'static str, (&'static [&'static str], BTreeSet<&'static str>)>;

/// Nesting beyond which optional fields are left out (required ones are still filled).
const MAX_DEPTH: usize = 8;

/// A deterministic value generator for any `Element`, through the type's own
/// `read_child`: it plays the XML reader.
pub(crate) struct Generator {
    pub(crate) rng: Rng,
    namespace: Namespace,
    /// Probability of filling an optional field.
    density: f64,
    depth: usize,
    /// The field being filled (the element name `raw()` produces).
    field: &'static str,
    /// Fields filled, per Rust type.
    pub(crate) requested: Coverage,
    /// Scalars whose `check` accepted a value breaking the field's facet.
    pub(crate) facet_gaps: BTreeSet<String>,
}

impl Generator {
    pub(crate) fn new(seed: u64, namespace: Namespace, density: f64) -> Self {
        Generator {
            rng: Rng(seed),
            namespace,
            density,
            depth: 0,
            field: "",
            requested: Coverage::new(),
            facet_gaps: BTreeSet::new(),
        }
    }

    /// A generator whose density follows from its seed (from only the required fields
    /// to every field).
    pub(crate) fn from_seed(seed: u64, namespace: Namespace) -> Self {
        let density = [0.0, 0.3, 0.6, 0.9, 1.0][(seed % 5) as usize];
        Generator::new(seed, namespace, density)
    }

    /// A resource of `kind`.
    pub(crate) fn resource(&mut self, kind: ResourceKind) -> Resource {
        let Ok(resource) = kind.build(self);
        let resource = resource.unwrap_or_else(|| panic!("{kind:?} built no resource"));
        assert_eq!(resource.kind(), kind, "build of {kind:?}");
        resource
    }

    /// Fills `value` field by field in schema order: every required field, each
    /// optional one with probability `density`, each one to three times (a second
    /// occurrence of an at-most-once field goes to `repeated`, which ignores it).
    fn fill<T: Element>(&mut self, value: &mut T) {
        self.depth += 1;
        assert!(
            self.depth < 4 * MAX_DEPTH,
            "{} nests its required fields without end",
            T::TYPE_NAME
        );
        let shallow = self.depth > MAX_DEPTH;
        for &name in T::FIELDS {
            let required = T::REQUIRED.contains(&name);
            if !required && (shallow || !self.rng.chance(self.density)) {
                continue;
            }
            for _ in 0..=self.rng.below(3) {
                self.field = name;
                let Ok(index) = value.read_child(name.as_bytes(), self);
                assert_eq!(
                    index.map(|index| T::FIELDS[index]),
                    Some(name),
                    "{}::read_child did not take its own field <{name}>",
                    T::TYPE_NAME
                );
                self.requested
                    .entry(std::any::type_name::<T>())
                    .or_insert_with(|| (T::FIELDS, BTreeSet::new()))
                    .1
                    .insert(name);
            }
        }
        // A row whose minimum is above one (`grant_types`: at least 2) gets more.
        for _ in 0..4 {
            let missing = value.missing_required();
            let Some(name) = missing.first().and_then(|name| name.split(' ').next()) else {
                break;
            };
            self.field = name;
            let Ok(_) = value.read_child(name.as_bytes(), self);
        }
        self.depth -= 1;
    }

    /// A value of `S` valid for `field`: the first candidate text that parses and
    /// satisfies the facet.
    fn scalar_value<S: Scalar>(&mut self, field: &'static Field) -> S {
        let mut groups: Vec<(Group, u64)> = GROUPS.to_vec();
        while !groups.is_empty() {
            let total: u64 = groups.iter().map(|(_, weight)| weight).sum();
            let mut roll = self.rng.below(total);
            let chosen = groups
                .iter()
                .position(|(_, weight)| {
                    let hit = roll < *weight;
                    roll = roll.saturating_sub(*weight);
                    hit
                })
                .unwrap_or(0);
            let (group, _) = groups.remove(chosen);
            for text in self.candidates::<S>(group, field.facet) {
                if let Ok(value) = S::parse_text(&text)
                    && value.check(field.facet).is_ok()
                {
                    return value;
                }
            }
        }
        panic!(
            "no candidate text is a valid {} for <{}> (facet {:?}): the generator needs a new kind of candidate",
            std::any::type_name::<S>(),
            field.name,
            field.facet
        );
    }

    /// Whether `S::check` rejects a text just beyond `field`'s facet, as it must:
    /// the generator trusts `check` to keep values schema-valid, so a scalar type that
    /// ignores a facet is noted in `facet_gaps`.
    fn probe_facet<S: Scalar>(&mut self, field: &'static Field) {
        let beyond: Vec<String> = match field.facet {
            Facet::None => Vec::new(),
            Facet::MaxLength(limit) => vec!["x".repeat(limit + 1), "é".repeat(limit + 1)],
            Facet::MaxOctets(limit) => vec!["0A".repeat(limit + 1)],
            Facet::Range(min, max) => vec![
                (i128::from(max) + 1).to_string(),
                (i128::from(min) - 1).to_string(),
            ],
            Facet::Int48 => vec![(INT48_MAX + 1).to_string(), (-INT48_MAX - 1).to_string()],
        };
        for text in beyond {
            if let Ok(value) = S::parse_text(&text)
                && value.check(field.facet).is_ok()
            {
                self.facet_gaps.insert(format!(
                    "<{}> ({}): check accepts {:?} although it breaks {:?}",
                    field.name,
                    std::any::type_name::<S>(),
                    text,
                    field.facet
                ));
            }
        }
    }

    fn candidates<S: Scalar>(&mut self, group: Group, facet: Facet) -> Vec<String> {
        let mut texts = match group {
            Group::Integers => self.integers(facet),
            Group::Booleans => ["true", "false", "1", "0"].map(String::from).to_vec(),
            Group::Hex => self.hex(facet),
            Group::Decimals => ["1.5", "-0.25", "3E2", "0.1", "-7", "INF", "-INF", "1e-3"]
                .map(String::from)
                .to_vec(),
            Group::Strings => self.strings(facet),
            Group::Literals => S::LISTED
                .iter()
                .map(|literal| (*literal).to_owned())
                .collect(),
        };
        self.rng.shuffle(&mut texts);
        texts
    }

    fn integers(&mut self, facet: Facet) -> Vec<String> {
        let rng = &mut self.rng;
        let mut values: Vec<i128> = vec![
            0,
            rng.between(1, 9).into(),
            rng.between(0, 255).into(),
            rng.between(-32768, 32767).into(),
            rng.between(0, 65535).into(),
            rng.between(0, u32::MAX.into()).into(),
            rng.between(-INT48_MAX, INT48_MAX).into(),
            (rng.next() as i64).into(),
            rng.next().into(),
            INT48_MAX.into(),
            (-INT48_MAX).into(),
            i64::MAX.into(),
            i64::MIN.into(),
            u64::MAX.into(),
            255,
            65535,
            -1,
        ];
        if let Facet::Range(min, max) = facet {
            values.extend([min, max, rng.between(min, max)].map(i128::from));
        }
        let mut texts: Vec<String> = values.iter().map(i128::to_string).collect();
        // Lexical forms XSD allows for the same values: a plus sign, leading zeros.
        texts.push(format!("+{}", rng.between(0, 100)));
        texts.push(format!("00{}", rng.between(0, 9)));
        texts
    }

    fn hex(&mut self, facet: Facet) -> Vec<String> {
        let max_octets = match facet {
            Facet::MaxOctets(limit) => limit.min(8),
            _ => 4,
        };
        (0..4)
            .map(|_| {
                let octets = self.rng.index(max_octets + 1);
                (0..octets)
                    .map(|_| {
                        let byte = self.rng.below(256);
                        if self.rng.chance(0.5) {
                            format!("{byte:02X}")
                        } else {
                            format!("{byte:02x}")
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn strings(&mut self, facet: Facet) -> Vec<String> {
        let limit = match facet {
            Facet::MaxLength(limit) => Some(limit),
            _ => None,
        };
        let short = limit.unwrap_or(24).min(24);
        let mut texts = vec![
            self.random_string(short),
            self.random_string(short),
            self.random_string(short),
            format!(" {} ", self.random_string(short.saturating_sub(2))),
            self.pick_str(&[" ", "\n", "\t \r\n", "", "  "]).to_owned(),
            format!(
                "https://example.com/espi/1_1/resource/Batch/Subscription/{}?a=b&c=d",
                self.rng.below(1000)
            ),
        ];
        if let Some(limit) = limit {
            // Exactly the limit, counted in characters (some of them multi-byte).
            texts.push((0..limit).map(|_| *self.rng.pick(STRING_CHARS)).collect());
        }
        texts
            .into_iter()
            .map(|text| match limit {
                Some(limit) => text.chars().take(limit).collect(),
                None => text,
            })
            .collect()
    }

    pub(crate) fn random_string(&mut self, max_len: usize) -> String {
        let len = self.rng.index(max_len + 1);
        (0..len).map(|_| *self.rng.pick(STRING_CHARS)).collect()
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.rng.index(items.len())]
    }

    /// Text for raw XML: any characters, never empty.
    fn text(&mut self) -> String {
        let text = self.random_string(12);
        if text.is_empty() { "t".into() } else { text }
    }

    /// `xs:anyType` content (an `extension`, a `denominator`) named after the field
    /// being filled: attributes, text and foreign elements, all schema-valid since
    /// anyType's wildcards are lax. Its name has the prefix the writer declares, or
    /// another one, or none (the default namespace), as files from different
    /// utilities do.
    fn raw_element(&mut self) -> RawElement {
        let prefix = match self.rng.below(3) {
            0 => Some(self.namespace.prefix()),
            1 => Some("ns0"),
            _ => None,
        };
        let mut element = RawElement {
            name: QualifiedName {
                namespace: Some(self.namespace.uri().to_owned()),
                local: self.field.to_owned(),
                prefix: prefix.map(str::to_owned),
            },
            attributes: Vec::new(),
            children: Vec::new(),
            value_namespaces: Vec::new(),
        };
        // anyType takes any attribute (its xs:anyAttribute is lax).
        if self.rng.chance(0.4) {
            element.attributes.push(RawAttribute {
                name: name(None, None, "note"),
                value: self.random_string(8),
            });
        }
        let mut text_last = false;
        for _ in 0..self.rng.below(4) {
            if !text_last && self.rng.chance(0.4) {
                element.children.push(RawNode::Text(self.text()));
                text_last = true;
                continue;
            }
            let child_name = match self.rng.below(3) {
                0 => name(Some("urn:example:x"), Some("x"), "leaf"),
                1 => name(Some("urn:example:y"), None, "item"),
                _ => name(None, None, "plain"),
            };
            let mut child = RawElement {
                name: child_name,
                attributes: vec![RawAttribute {
                    name: name(None, None, "a"),
                    value: self.random_string(6),
                }],
                children: Vec::new(),
                value_namespaces: Vec::new(),
            };
            if self.rng.chance(0.6) {
                child.children.push(RawNode::Text(self.text()));
            }
            element.children.push(RawNode::Element(child));
            text_last = false;
        }
        element
    }
}

fn name(namespace: Option<&str>, prefix: Option<&str>, local: &str) -> QualifiedName {
    QualifiedName {
        namespace: namespace.map(str::to_owned),
        local: local.to_owned(),
        prefix: prefix.map(str::to_owned),
    }
}

impl ResourceBuilder for Generator {
    type Error = Infallible;
    fn build<T: Element>(&mut self) -> Result<T, Infallible> {
        let mut value = T::default();
        self.fill(&mut value);
        Ok(value)
    }
}

impl ElementReader for Generator {
    type Error = Infallible;

    fn scalar<T: Scalar>(&mut self, field: &'static Field) -> Result<Option<T>, Infallible> {
        assert_eq!(field.name, self.field, "read_child passed another field");
        self.probe_facet::<T>(field);
        Ok(Some(self.scalar_value(field)))
    }

    fn element<T: Element>(&mut self, value: &mut T) -> Result<(), Infallible> {
        self.fill(value);
        Ok(())
    }

    fn raw(&mut self) -> Result<RawElement, Infallible> {
        Ok(self.raw_element())
    }

    fn repeated(&mut self, _field: &'static Field) -> Result<(), Infallible> {
        Ok(())
    }
}
