//! The Function Block catalogues and their rules ([`Catalogue`]).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A numbering of the Function Blocks.
///
/// Function Blocks are the numbered capabilities a scope string lists after `FB=`.
/// The numbers mean different things in different eras, so the
/// names are data keyed by a [`Catalogue`]: [`Catalogue::Legacy`] is the numbering of
/// Authorization.docx and the Green Button developer pages that PG&E and the OpenESPI
/// samples still use, and [`Catalogue::Current`] is the GBA certification numbering
/// of ESPI 3.3/4.0 (greenbuttonalliance.org/function-blocks). A number a catalogue does not know is not
/// an error: [`Catalogue::lookup`] returns `None` and the number is kept.
///
/// The dependency rules GBA states are for the current numbering:
/// [`check_function_blocks`] applies the one that holds for every scope (FB_04 needs a commodity) and
/// [`check_minimal_set`] the minimal Connect My Data certification sets.
///
/// ```
/// use espi_auth::{check_function_blocks, Catalogue};
///
/// let fb4 = Catalogue::Current.lookup(4).expect("FB_04 is in the current list");
/// assert_eq!(fb4.name, "Interval Metering");
/// // FB_04 alone does not say which commodity: one of FB_05/10/11/29 is missing.
/// assert_eq!(check_function_blocks(&[4], Catalogue::Current).len(), 1);
/// assert!(check_function_blocks(&[4, 10], Catalogue::Current).is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Catalogue {
    /// The legacy numbering of Authorization.docx Appendix C and the Green Button
    /// developer pages; FB_46–FB_50 are the retail-customer blocks.
    Legacy,
    /// The current GBA certification numbering; FB_51–FB_70 are the
    /// retail-customer blocks.
    Current,
}

/// Whether a certification requires a Function Block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlockRequirement {
    /// Required of both Connect My Data and Download My Data ("M" in GBA's list).
    Mandatory,
    /// Required of Connect My Data only ("CMD"; the legacy list's "Min" means this).
    ConnectMyData,
    /// Required of Download My Data only ("DMD").
    DownloadMyData,
    /// Not required by any certification.
    Optional,
}

/// Which data a Function Block is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlockGroup {
    /// Energy usage data: UsagePoints, readings, summaries, and the services around them.
    UsageData,
    /// Retail customer (PII) data: customer, account, agreement, service location.
    RetailCustomer,
}

/// One row of a catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FunctionBlockInfo {
    /// The number written after `FB=` (`4` for FB_04).
    pub number: u16,
    /// The name as published.
    pub name: &'static str,
    /// Which data the block is about.
    pub group: BlockGroup,
    /// Which certification requires it.
    pub requirement: BlockRequirement,
    /// Remarks from the sources (conflicts, what the block covers); empty when none.
    pub notes: &'static str,
}

impl fmt::Display for FunctionBlockInfo {
    /// Writes `FB_04 Interval Metering`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FB_{:02} {}", self.number, self.name)
    }
}

impl Catalogue {
    /// Every block this catalogue names, in ascending order of number.
    pub fn entries(self) -> &'static [FunctionBlockInfo] {
        match self {
            Catalogue::Legacy => LEGACY,
            Catalogue::Current => CURRENT,
        }
    }

    /// The block with this number, or `None` when the catalogue does not name it.
    ///
    /// ```
    /// use espi_auth::Catalogue;
    ///
    /// // FB_31 changed meaning between the two numberings.
    /// assert_eq!(Catalogue::Legacy.lookup(31).map(|b| b.name), Some("Core REST Services"));
    /// assert!(Catalogue::Current.lookup(31).unwrap().name.starts_with("Usage Data Authorization"));
    /// assert_eq!(Catalogue::Current.lookup(14), None);
    /// ```
    pub fn lookup(self, number: u16) -> Option<&'static FunctionBlockInfo> {
        // The tables are sorted by number (a unit test checks it), so a binary search is exact.
        let entries = self.entries();
        entries
            .binary_search_by_key(&number, |info| info.number)
            .ok()
            .map(|index| &entries[index])
    }

    /// The name of block `number`, or `None` when the catalogue does not name it.
    pub fn name(self, number: u16) -> Option<&'static str> {
        self.lookup(number).map(|info| info.name)
    }
}

impl fmt::Display for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Catalogue::Legacy => f.write_str("legacy Function Block numbering"),
            Catalogue::Current => f.write_str("current GBA Function Block numbering"),
        }
    }
}

/// A rule of GBA's Function Block certification that a list of Function Blocks can
/// break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BlockRule {
    /// FB_04 Interval Metering requires at least one of FB_05, FB_10, FB_11, FB_29.
    IntervalMeteringNeedsCommodity,
    /// The minimal Connect My Data usage-data certification:
    /// FB_01, FB_03, FB_04, one of FB_05/10/11/29, FB_13, FB_31, FB_37, FB_39.
    MinimalCmdUsageData,
    /// The minimal Connect My Data retail-customer certification:
    /// FB_51, FB_53, FB_64, FB_65, FB_69.
    MinimalCmdRetailCustomer,
}

impl fmt::Display for BlockRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlockRule::IntervalMeteringNeedsCommodity => {
                f.write_str("FB_04 Interval Metering needs a commodity block")
            }
            BlockRule::MinimalCmdUsageData => {
                f.write_str("minimal Connect My Data usage-data certification")
            }
            BlockRule::MinimalCmdRetailCustomer => {
                f.write_str("minimal Connect My Data retail-customer certification")
            }
        }
    }
}

/// What a list lacks to satisfy a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MissingBlocks {
    /// This block.
    Block(u16),
    /// At least one of these blocks.
    AnyOf(Vec<u16>),
}

impl fmt::Display for MissingBlocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissingBlocks::Block(number) => write!(f, "FB_{number:02}"),
            MissingBlocks::AnyOf(numbers) => {
                f.write_str("one of ")?;
                for (index, number) in numbers.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "FB_{number:02}")?;
                }
                Ok(())
            }
        }
    }
}

/// A broken rule: which rule, and everything missing for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Violation {
    /// The rule that is broken.
    pub rule: BlockRule,
    /// What the list would need to add, in the order the rule states it.
    pub missing: Vec<MissingBlocks>,
}

impl fmt::Display for Violation {
    /// Writes e.g. `FB_04 Interval Metering needs a commodity block: missing one of FB_05, …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: missing ", self.rule)?;
        for (index, missing) in self.missing.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{missing}")?;
        }
        f.write_str(" (GBA Function Block rules)")
    }
}

/// The commodity blocks listed under FB_04 that satisfy its dependency (GBA's FB_04
/// page).
pub const INTERVAL_METERING_COMMODITIES: [u16; 4] = [5, 10, 11, 29];

/// A minimal certification set implied by GBA's mandatory blocks and dependency
/// rules, for [`check_minimal_set`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MinimalSet {
    /// FB_01 + FB_03 + FB_04 + {05|10|11|29} + FB_13 + FB_31 + FB_37 + FB_39.
    CmdUsageData,
    /// FB_51 + FB_53 + FB_64 + FB_65 + FB_69.
    CmdRetailCustomer,
}

/// The dependency rules every list of Function Blocks must satisfy in `catalogue`.
///
/// For [`Catalogue::Current`] that is the FB_04 rule of GBA's FB_04 page: FB_04 names
/// interval metering without a commodity, so it needs one of FB_05, FB_10, FB_11, FB_29.
/// The legacy numbering publishes no dependency rule (its "Min" column is a certification
/// set, not a dependency), so [`Catalogue::Legacy`] yields no violations.
///
/// The minimal certification sets are not applied here: a customer's authorization
/// legitimately grants a subset of what the Data Custodian is certified for, so those
/// sets are checked only on request, with [`check_minimal_set`].
///
/// ```
/// use espi_auth::{check_function_blocks, BlockRule, Catalogue, MissingBlocks};
///
/// let violations = check_function_blocks(&[4, 15], Catalogue::Current);
/// assert_eq!(violations[0].rule, BlockRule::IntervalMeteringNeedsCommodity);
/// assert_eq!(violations[0].missing, vec![MissingBlocks::AnyOf(vec![5, 10, 11, 29])]);
/// assert!(check_function_blocks(&[4, 15], Catalogue::Legacy).is_empty());
/// ```
pub fn check_function_blocks(function_blocks: &[u16], catalogue: Catalogue) -> Vec<Violation> {
    let mut violations = Vec::new();
    if catalogue == Catalogue::Current
        && function_blocks.contains(&4)
        && !has_any(function_blocks, &INTERVAL_METERING_COMMODITIES)
    {
        violations.push(Violation {
            rule: BlockRule::IntervalMeteringNeedsCommodity,
            missing: vec![MissingBlocks::AnyOf(INTERVAL_METERING_COMMODITIES.to_vec())],
        });
    }
    violations
}

/// Whether `function_blocks` (current numbering) contains a minimal certification set;
/// `None` when it does, otherwise the violation listing every missing block.
///
/// ```
/// use espi_auth::{check_minimal_set, MinimalSet, MissingBlocks};
///
/// // A GBA example scope (of its ApplicationInformation API description) is exactly the minimal usage-data set.
/// assert_eq!(check_minimal_set(&[1, 3, 4, 5, 13, 31, 37, 39], MinimalSet::CmdUsageData), None);
/// let violation = check_minimal_set(&[51, 53], MinimalSet::CmdRetailCustomer).unwrap();
/// assert_eq!(violation.missing, vec![MissingBlocks::Block(64), MissingBlocks::Block(65), MissingBlocks::Block(69)]);
/// ```
pub fn check_minimal_set(function_blocks: &[u16], set: MinimalSet) -> Option<Violation> {
    let (rule, required): (BlockRule, &[u16]) = match set {
        MinimalSet::CmdUsageData => (BlockRule::MinimalCmdUsageData, &[1, 3, 4, 13, 31, 37, 39]),
        MinimalSet::CmdRetailCustomer => {
            (BlockRule::MinimalCmdRetailCustomer, &[51, 53, 64, 65, 69])
        }
    };
    let mut missing: Vec<MissingBlocks> = required
        .iter()
        .filter(|number| !function_blocks.contains(number))
        .map(|&number| MissingBlocks::Block(number))
        .collect();
    if set == MinimalSet::CmdUsageData && !has_any(function_blocks, &INTERVAL_METERING_COMMODITIES)
    {
        // The commodity alternative sits right after FB_04 in the rule as stated, so a
        // report reads in the same order as GBA states it.
        let position = missing
            .iter()
            .position(|m| matches!(m, MissingBlocks::Block(n) if *n > 4))
            .unwrap_or(missing.len());
        missing.insert(
            position,
            MissingBlocks::AnyOf(INTERVAL_METERING_COMMODITIES.to_vec()),
        );
    }
    if missing.is_empty() {
        None
    } else {
        Some(Violation { rule, missing })
    }
}

fn has_any(function_blocks: &[u16], candidates: &[u16]) -> bool {
    candidates.iter().any(|c| function_blocks.contains(c))
}

const fn block(
    number: u16,
    name: &'static str,
    group: BlockGroup,
    requirement: BlockRequirement,
    notes: &'static str,
) -> FunctionBlockInfo {
    FunctionBlockInfo {
        number,
        name,
        group,
        requirement,
        notes,
    }
}

use BlockGroup::{RetailCustomer as Rc, UsageData as Ud};
use BlockRequirement::{
    ConnectMyData as Cmd, DownloadMyData as Dmd, Mandatory as Man, Optional as Opt,
};

/// The legacy list (Authorization.docx Appendix C, the table "Function Blocks Terms
/// for Scope" of the Green Button developer pages), transcribed row by row. "Min" there is the legacy Connect My Data
/// minimum, recorded here as [`BlockRequirement::ConnectMyData`].
static LEGACY: &[FunctionBlockInfo] = &[
    block(
        1,
        "Common Data Custodian",
        Ud,
        Opt,
        "\"Valid NAESB Standard\" in the mind-map",
    ),
    block(2, "Green Button Download My Data", Ud, Opt, ""),
    block(
        3,
        "Core Green Button Connect My Data",
        Ud,
        Opt,
        "ApplicationInformation/{id} GET, Authorization GET, Batch/Subscription GET, ReadServiceStatus GET, Notification POST",
    ),
    block(4, "Interval Metering", Ud, Opt, ""),
    block(5, "Interval Electricity Metering", Ud, Opt, ""),
    block(6, "Demand Electricity Metering", Ud, Opt, ""),
    block(7, "Net Metering", Ud, Opt, ""),
    block(8, "Forward and Reverse Metering", Ud, Opt, ""),
    block(9, "Register Values", Ud, Opt, ""),
    block(10, "Gas", Ud, Opt, ""),
    block(11, "Water", Ud, Opt, ""),
    block(12, "Cost of Interval Data", Ud, Opt, ""),
    block(13, "Security and Privacy classes (HTTPS)", Ud, Cmd, ""),
    block(14, "Authorization and Authentication (OAuth)", Ud, Cmd, ""),
    block(15, "Usage Summary", Ud, Opt, ""),
    block(16, "Usage Summary with Cost", Ud, Opt, ""),
    block(17, "Power Quality Summary", Ud, Opt, ""),
    block(18, "Multiple Usage Points", Ud, Opt, ""),
    block(
        19,
        "Partial update data",
        Ud,
        Cmd,
        "IntervalBlocks without full data sets",
    ),
    block(
        27,
        "Usage Summary with Demands and Previous Day Attributes",
        Ud,
        Opt,
        "",
    ),
    block(
        28,
        "Usage Summary Costs for Current Billing Period",
        Ud,
        Opt,
        "",
    ),
    block(29, "Temperature", Ud, Opt, ""),
    block(
        31,
        "Core REST Services",
        Ud,
        Opt,
        "Third Party access to Subscription/Authorization",
    ),
    block(
        32,
        "Resource Level REST",
        Ud,
        Opt,
        "UsagePoints, MeterReadings … and collections",
    ),
    block(
        33,
        "Management REST Interfaces",
        Ud,
        Opt,
        "GET/PUT/POST/DELETE individual resources",
    ),
    block(34, "SFTP for Bulk", Ud, Opt, ""),
    block(35, "REST for Bulk", Ud, Opt, ""),
    block(
        36,
        "Third Party (Client) Dynamic Registration",
        Ud,
        Opt,
        "\"Use Case 1\"",
    ),
    block(37, "Query Parameters", Ud, Cmd, ""),
    block(38, "On Demand Requests (without notification)", Ud, Opt, ""),
    block(39, "PUSH model (notification followed by GET)", Ud, Cmd, ""),
    block(
        40,
        "Offline Authorization",
        Ud,
        Opt,
        "manual; still produces an Authorization resource",
    ),
    block(
        41,
        "Manage Authorization Resource or Manage ApplicationInformation",
        Ud,
        Opt,
        "sources disagree: the API table and GBA's list against the scope pages",
    ),
    block(
        42,
        "Third Party Core REST Services (Notification endpoint)",
        Ud,
        Opt,
        "",
    ),
    block(43, "Third Party Management REST Services", Ud, Opt, ""),
    block(
        44,
        "Manage ApplicationInformation Resource or Manage Authorization",
        Ud,
        Opt,
        "sources disagree: the API table and GBA's list against the scope pages",
    ),
    block(
        45,
        "Upload (OpenESPI)",
        Ud,
        Opt,
        "not in any FB table; used by OpenESPI as the upload/MDM scope",
    ),
    block(
        46,
        "Core RetailCustomer",
        Rc,
        Opt,
        "Batch/RetailCustomer/{id}",
    ),
    block(47, "REST for RetailCustomer Bulk", Rc, Opt, ""),
    block(48, "SFTP for RetailCustomer Bulk", Rc, Opt, ""),
    block(49, "RetailCustomer Management REST", Rc, Opt, ""),
    block(50, "RetailCustomer Resource Level REST", Rc, Opt, ""),
];

/// The current GBA certification list (greenbuttonalliance.org/function-blocks),
/// transcribed in order. 14, 18, 19, 32, 33, 36, 38, 42 and 43 are
/// absent from the current list on purpose.
static CURRENT: &[FunctionBlockInfo] = &[
    block(1, "Usage Data Common", Ud, Man, ""),
    block(2, "Usage Data Download My Data", Ud, Dmd, ""),
    block(3, "Usage Data Connect My Data", Ud, Cmd, ""),
    block(
        4,
        "Interval Metering",
        Ud,
        Man,
        "requires one of FB_05, FB_10, FB_11, FB_29",
    ),
    block(5, "Electricity Interval Metering", Ud, Opt, ""),
    block(6, "Demand Electricity Metering", Ud, Opt, ""),
    block(7, "Net Electricity Metering", Ud, Opt, ""),
    block(8, "Forward and Reverse Electricity Metering", Ud, Opt, ""),
    block(9, "Register Values Electricity Metering", Ud, Opt, ""),
    block(10, "Natural Gas Interval Metering", Ud, Opt, ""),
    block(11, "Water Interval Metering", Ud, Opt, ""),
    block(12, "Cost of Interval Data", Ud, Opt, ""),
    block(13, "Energy Usage Security and Privacy Class", Ud, Cmd, ""),
    block(15, "Usage Summary", Ud, Opt, ""),
    block(16, "Usage Summary with Cost", Ud, Opt, ""),
    block(17, "Electricity Power Quality Summary", Ud, Opt, ""),
    block(
        27,
        "Usage Summary with Demands and Previous Day Attributes",
        Ud,
        Opt,
        "",
    ),
    block(
        28,
        "Usage Summary Costs for Current Billing Period",
        Ud,
        Opt,
        "",
    ),
    block(29, "Temperature Interval Metering", Ud, Opt, ""),
    block(30, "Usage Data Common User Experience", Ud, Dmd, ""),
    block(
        31,
        "Usage Data Authorization and Authentication w/o Pre-Negotiated Scope",
        Ud,
        Cmd,
        "",
    ),
    block(34, "SFTP for Usage Data Bulk", Ud, Opt, ""),
    block(35, "REST for Usage Data Bulk", Ud, Opt, ""),
    block(37, "Usage Data Query Parameters", Ud, Cmd, ""),
    block(39, "Usage Data PUSH Model", Ud, Cmd, ""),
    block(40, "Usage Data Offline Authorization", Ud, Opt, ""),
    block(41, "Manage ApplicationInformation Resource", Ud, Opt, ""),
    block(44, "Manage Authorization Resource", Ud, Opt, ""),
    block(51, "Retail Customer Common", Rc, Man, ""),
    block(52, "Retail Customer Download My Data", Rc, Dmd, ""),
    block(53, "Retail Customer Connect My Data", Rc, Cmd, ""),
    block(54, "Basic Information", Rc, Opt, ""),
    block(55, "Demographic Information", Rc, Opt, ""),
    block(56, "Billing Information", Rc, Opt, ""),
    block(57, "Account-Agreement Information", Rc, Opt, ""),
    block(58, "Service-Location Information", Rc, Opt, ""),
    block(59, "Service-Supplier Information", Rc, Opt, ""),
    block(60, "Meter Information", Rc, Opt, ""),
    block(61, "End-Device Information", Rc, Opt, ""),
    block(62, "Program-Date-ID-Mappings Information", Rc, Opt, ""),
    block(63, "Retail Customer Common User Experience", Rc, Dmd, ""),
    block(
        64,
        "Retail Customer Security and Privacy Class",
        Rc,
        Cmd,
        "",
    ),
    block(
        65,
        "Retail Customer Authorization and Authentication w/o Pre-Negotiated Scope",
        Rc,
        Cmd,
        "",
    ),
    block(66, "SFTP for Retail Customer Bulk", Rc, Opt, ""),
    block(67, "REST for Retail Customer Bulk", Rc, Opt, ""),
    block(
        68,
        "Reserved",
        Rc,
        Opt,
        "only on the GBA /cmd-function-blocks page",
    ),
    block(69, "Retail Customer PUSH Model", Rc, Cmd, ""),
    block(70, "Retail Customer Offline Authorization", Rc, Opt, ""),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique_so_lookup_is_exact() {
        for catalogue in [Catalogue::Legacy, Catalogue::Current] {
            let numbers: Vec<u16> = catalogue.entries().iter().map(|b| b.number).collect();
            assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{catalogue}");
            for info in catalogue.entries() {
                assert_eq!(catalogue.lookup(info.number), Some(info));
            }
        }
    }

    #[test]
    fn table_sizes_match_the_reference() {
        // Legacy: 1–19, 27–29, 31–50 minus 30; current: 28 usage-data + 20 retail-customer rows.
        assert_eq!(Catalogue::Legacy.entries().len(), 19 + 3 + 20);
        assert_eq!(Catalogue::Current.entries().len(), 28 + 20);
    }

    #[test]
    fn legacy_lookups() {
        let legacy = Catalogue::Legacy;
        assert_eq!(legacy.name(10), Some("Gas"));
        assert_eq!(
            legacy.name(14),
            Some("Authorization and Authentication (OAuth)")
        );
        assert_eq!(
            legacy.lookup(46).map(|b| b.group),
            Some(BlockGroup::RetailCustomer)
        );
        assert_eq!(
            legacy.lookup(37).map(|b| b.requirement),
            Some(BlockRequirement::ConnectMyData)
        );
        assert_eq!(legacy.lookup(30), None);
        assert_eq!(legacy.lookup(51), None);
    }

    #[test]
    fn current_lookups() {
        let current = Catalogue::Current;
        assert_eq!(current.name(10), Some("Natural Gas Interval Metering"));
        assert_eq!(
            current.lookup(1).map(|b| b.requirement),
            Some(BlockRequirement::Mandatory)
        );
        assert_eq!(
            current.lookup(2).map(|b| b.requirement),
            Some(BlockRequirement::DownloadMyData)
        );
        assert_eq!(
            current.name(41),
            Some("Manage ApplicationInformation Resource")
        );
        assert_eq!(current.name(44), Some("Manage Authorization Resource"));
        assert_eq!(current.name(68), Some("Reserved"));
        for absent in [14, 18, 19, 32, 33, 36, 38, 42, 43, 20, 26, 71, 0] {
            assert_eq!(current.lookup(absent), None, "FB_{absent}");
        }
        assert_eq!(
            current.lookup(4).map(|b| b.to_string()),
            Some("FB_04 Interval Metering".to_string())
        );
    }

    #[test]
    fn fb04_needs_a_commodity() {
        for commodity in INTERVAL_METERING_COMMODITIES {
            assert!(check_function_blocks(&[4, commodity], Catalogue::Current).is_empty());
        }
        assert!(check_function_blocks(&[5, 15], Catalogue::Current).is_empty());
        assert!(check_function_blocks(&[], Catalogue::Current).is_empty());
        let violations = check_function_blocks(&[1, 4, 12, 15], Catalogue::Current);
        assert_eq!(
            violations,
            vec![Violation {
                rule: BlockRule::IntervalMeteringNeedsCommodity,
                missing: vec![MissingBlocks::AnyOf(vec![5, 10, 11, 29])],
            }]
        );
        assert_eq!(
            violations[0].to_string(),
            "FB_04 Interval Metering needs a commodity block: missing one of FB_05, FB_10, \
             FB_11, FB_29 (GBA Function Block rules)"
        );
    }

    #[test]
    fn minimal_usage_data_set() {
        for valid in [
            &[1, 3, 4, 5, 13, 31, 37, 39][..],
            &[1, 3, 4, 10, 13, 15, 31, 37, 39],
            &[1, 3, 4, 11, 13, 31, 37, 39],
            &[39, 37, 31, 29, 13, 4, 3, 1],
        ] {
            assert_eq!(
                check_minimal_set(valid, MinimalSet::CmdUsageData),
                None,
                "{valid:?}"
            );
        }
        // The GBA bulk fixture (a client_credentials scope) is not a full CMD certification set.
        let violation = check_minimal_set(&[1, 3, 4, 5, 10, 11, 35], MinimalSet::CmdUsageData);
        assert_eq!(
            violation.map(|v| v.missing),
            Some(vec![
                MissingBlocks::Block(13),
                MissingBlocks::Block(31),
                MissingBlocks::Block(37),
                MissingBlocks::Block(39)
            ])
        );
        let violation = check_minimal_set(&[1, 4, 13], MinimalSet::CmdUsageData);
        assert_eq!(
            violation.map(|v| v.missing),
            Some(vec![
                MissingBlocks::Block(3),
                MissingBlocks::AnyOf(vec![5, 10, 11, 29]),
                MissingBlocks::Block(31),
                MissingBlocks::Block(37),
                MissingBlocks::Block(39)
            ])
        );
    }

    #[test]
    fn minimal_retail_customer_set() {
        assert_eq!(
            check_minimal_set(&[51, 53, 54, 64, 65, 69], MinimalSet::CmdRetailCustomer),
            None
        );
        let violation = check_minimal_set(&[51, 53, 64, 65], MinimalSet::CmdRetailCustomer);
        assert_eq!(
            violation,
            Some(Violation {
                rule: BlockRule::MinimalCmdRetailCustomer,
                missing: vec![MissingBlocks::Block(69)],
            })
        );
    }
}
