//! Where an IntervalBlock belongs, found from the usage entries seen so far: its
//! UsagePoint, MeterReading, ReadingType and LocalTimeParameters, made into a small
//! document the model's flat view interprets exactly as it would the whole one.

use espi_model::atom::Entry;
use espi_model::code_list::CodeList;
use espi_model::link::{
    LinkNode, MeterReadingLinks, UnplacedBlocks, UsagePointLinks, UsageTree, link, normalize_href,
};
use espi_model::resource::{Resource, ResourceKind};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

/// What one IntervalBlock needs to become rows: its UsagePoint's and MeterReading's
/// labels, and a three-entry document (LocalTimeParameters, ReadingType, the block)
/// with a one-branch tree, so that the model's flat view interprets the block exactly
/// as it would in the whole document.
pub(crate) struct BlockContext {
    pub(crate) usage_point: String,
    /// The MeterReading's `self`; for a block of no known MeterReading, its `up`.
    pub(crate) meter_reading: String,
    pub(crate) service_kind: String,
    pub(crate) currency: String,
    pub(crate) flow_direction: String,
    /// Why `start_local` will be on standard time or empty, if it will.
    pub(crate) local_time_warning: Option<String>,
    pub(crate) entries: Vec<Entry>,
    pub(crate) tree: UsageTree,
}

/// Where a block's context entries are, as indices into the kept entries.
struct Placement {
    usage_point: Option<usize>,
    meter_reading: Option<usize>,
    reading_type: Option<usize>,
    local_time_parameters: Option<usize>,
    linked: bool,
}

/// The slots of [`BlockContext::entries`].
const LOCAL_TIME_SLOT: usize = 0;
const READING_TYPE_SLOT: usize = 1;
pub(crate) const BLOCK_SLOT: usize = 2;

/// The usage entries seen so far and the contexts resolved from them.
#[derive(Default)]
pub(crate) struct Linker {
    /// Link nodes of the kept entries, plus room for one probe at the end.
    nodes: Vec<LinkNode>,
    kept: Vec<Entry>,
    /// Resolved contexts by normalised `up` href; cleared when an entry is added,
    /// because a new MeterReading, ReadingType or LocalTimeParameters can change them.
    by_up: HashMap<String, usize>,
    contexts: Vec<BlockContext>,
    /// The local time warnings of the contexts made so far, each once.
    pub(crate) warnings: Vec<String>,
}

impl Linker {
    /// Keeps an entry that linking needs; true when it was one.
    pub(crate) fn add(&mut self, entry: &Entry) -> bool {
        let kind = entry
            .resource()
            .map_or(ResourceKind::Unknown, |resource| resource.kind());
        let needed = matches!(
            kind,
            ResourceKind::UsagePoint
                | ResourceKind::MeterReading
                | ResourceKind::ReadingType
                | ResourceKind::LocalTimeParameters
        );
        if needed {
            self.nodes.push(LinkNode::from_entry(entry));
            self.kept.push(entry.clone());
            self.by_up.clear();
            self.contexts.clear();
        }
        needed
    }

    pub(crate) fn context_mut(&mut self, index: usize) -> &mut BlockContext {
        &mut self.contexts[index]
    }

    /// The context of a block: its MeterReading must be linked and, unless `last`
    /// (the end of the input, when nothing more can arrive), have its ReadingType.
    pub(crate) fn resolve(&mut self, block: &Entry, last: bool) -> Option<usize> {
        let up = normalize_href(block.meta.up_href().unwrap_or_default());
        if let Some(&index) = self.by_up.get(up) {
            return Some(index);
        }
        let (point, reading) = self.place(block)?;
        if reading.reading_type.is_none() && !last {
            return None;
        }
        let context = self.context(
            &Placement {
                usage_point: Some(point.entry),
                meter_reading: Some(reading.entry),
                reading_type: reading.reading_type,
                local_time_parameters: point.local_time_parameters,
                linked: true,
            },
            block,
        );
        self.note(&context);
        self.contexts.push(context);
        let index = self.contexts.len() - 1;
        self.by_up.insert(up.to_owned(), index);
        Some(index)
    }

    fn note(&mut self, context: &BlockContext) {
        if let Some(warning) = &context.local_time_warning
            && !self.warnings.contains(warning)
        {
            self.warnings.push(warning.clone());
        }
    }

    /// Links the kept entries with the block as a probe, and finds where it went.
    fn place(&mut self, block: &Entry) -> Option<(UsagePointLinks, MeterReadingLinks)> {
        let (tree, probe) = self.link_probe(block);
        tree.usage_points.into_iter().find_map(|point| {
            let reading = point
                .meter_readings
                .iter()
                .find(|reading| reading.interval_blocks.contains(&probe))?
                .clone();
            Some((point, reading))
        })
    }

    fn link_probe(&mut self, block: &Entry) -> (UsageTree, usize) {
        self.nodes.push(LinkNode::from_entry(block));
        let probe = self.nodes.len() - 1;
        let tree = link(&self.nodes);
        self.nodes.pop();
        (tree, probe)
    }

    /// The context of a block the tree cannot place: what its links still tell.
    pub(crate) fn unplaced_context(&mut self, block: &Entry) -> BlockContext {
        let (tree, probe) = self.link_probe(block);
        let group = tree
            .unplaced
            .into_iter()
            .find(|group| group.interval_blocks.contains(&probe))
            .unwrap_or_default();
        let context = self.context(
            &Placement {
                usage_point: group.usage_point,
                meter_reading: group.meter_reading,
                reading_type: group.reading_type,
                local_time_parameters: group.local_time_parameters,
                linked: false,
            },
            block,
        );
        self.note(&context);
        context
    }

    fn context(&self, placement: &Placement, block: &Entry) -> BlockContext {
        let kept = |index: Option<usize>| index.and_then(|index| self.kept.get(index));
        let local_time = kept(placement.local_time_parameters);
        let reading_type = kept(placement.reading_type);
        let href = |index: Option<usize>| {
            kept(index)
                .and_then(|entry| entry.meta.self_href())
                .map(str::to_owned)
        };
        let usage_point = href(placement.usage_point).unwrap_or_default();
        let meter_reading = match placement.meter_reading {
            Some(index) => href(Some(index)).unwrap_or_default(),
            None => block.meta.up_href().unwrap_or_default().to_owned(),
        };
        let service_kind = match kept(placement.usage_point).and_then(Entry::resource) {
            Some(Resource::UsagePoint(usage_point)) => usage_point
                .service_kind()
                .map(|kind| label(kind).into_owned()),
            _ => None,
        };
        let reading_type_resource = match reading_type.and_then(Entry::resource) {
            Some(Resource::ReadingType(reading_type)) => Some(reading_type),
            _ => None,
        };
        let currency = reading_type_resource
            .and_then(|reading_type| reading_type.currency)
            .map(|currency| {
                currency
                    .alpha_code()
                    .map_or_else(|| currency.code().to_string(), str::to_owned)
            });
        let flow_direction = reading_type_resource
            .and_then(|reading_type| reading_type.flow_direction)
            .map(|direction| label(direction).into_owned());
        let local_time_warning = local_time_warning(&usage_point, &meter_reading, local_time);
        let local_time_slot = local_time.map(|_| LOCAL_TIME_SLOT);
        let reading_type_slot = reading_type.map(|_| READING_TYPE_SLOT);
        // A one-branch tree over the three slots: linked, or one unplaced group.
        let tree = if placement.linked {
            UsageTree {
                usage_points: vec![UsagePointLinks {
                    entry: LOCAL_TIME_SLOT,
                    local_time_parameters: local_time_slot,
                    meter_readings: vec![MeterReadingLinks {
                        entry: READING_TYPE_SLOT,
                        reading_type: reading_type_slot,
                        interval_blocks: vec![BLOCK_SLOT],
                    }],
                    ..UsagePointLinks::default()
                }],
                ..UsageTree::default()
            }
        } else {
            UsageTree {
                unplaced: vec![UnplacedBlocks {
                    reading_type: reading_type_slot,
                    local_time_parameters: local_time_slot,
                    interval_blocks: vec![BLOCK_SLOT],
                    ..UnplacedBlocks::default()
                }],
                ..UsageTree::default()
            }
        };
        BlockContext {
            usage_point,
            meter_reading,
            service_kind: service_kind.unwrap_or_default(),
            currency: currency.unwrap_or_default(),
            flow_direction: flow_direction.unwrap_or_default(),
            local_time_warning,
            entries: vec![
                local_time.cloned().unwrap_or_default(),
                reading_type.cloned().unwrap_or_default(),
                Entry::default(),
            ],
            tree,
        }
    }
}

/// Why the rows of a context will have `start_local` on standard time or empty.
fn local_time_warning(
    usage_point: &str,
    meter_reading: &str,
    local_time: Option<&Entry>,
) -> Option<String> {
    let whose = if usage_point.is_empty() {
        format!("the readings of {meter_reading} (usage point unknown)")
    } else {
        format!("usage point {usage_point}")
    };
    let parameters = match local_time.and_then(Entry::resource) {
        Some(Resource::LocalTimeParameters(parameters)) => parameters,
        _ => {
            return Some(format!(
                "{whose}: no LocalTimeParameters, start_local is left empty (start_utc is the instant)"
            ));
        }
    };
    let href = local_time
        .and_then(|entry| entry.meta.self_href())
        .unwrap_or("-");
    match parameters.rules().map(|rules| rules.validate()) {
        None => Some(format!(
            "{whose}: LocalTimeParameters {href} lack an element, start_local is left empty"
        )),
        Some(Err(error)) => Some(format!(
            "{whose}: LocalTimeParameters {href} cannot be applied ({error}); start_local is \
             on standard time (tzOffset alone, local_clock \"standard\")"
        )),
        Some(Ok(())) => None,
    }
}

/// A code's schema name, or its number for a code the schema does not list.
pub(crate) fn label<C: CodeList>(code: C) -> Cow<'static, str>
where
    C::Code: fmt::Display,
{
    code.name()
        .map_or_else(|| Cow::Owned(code.code().to_string()), Cow::Borrowed)
}
