//! The scope a Data Custodian's offers can grant ([`negotiate`]).

use std::fmt;

use thiserror::Error;

use crate::scope::{
    BulkId, ExtensionTerm, HistoryLength, HistoryUnit, OfferedScopes, Period, Scope, ScopeTooLong,
};

/// Seconds in the shortest calendar month (28 days), for cross-unit history comparisons.
pub const SHORTEST_MONTH_SECONDS: u64 = 28 * 86_400;

/// Seconds in the longest calendar month (31 days), for cross-unit history comparisons.
pub const LONGEST_MONTH_SECONDS: u64 = 31 * 86_400;

/// A scope that can be granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// The granted scope: the request in canonical form ([`canonical_scope`]).
    pub scope: Scope,
    /// Zero-based index of the first offer that covers the request.
    pub offer: usize,
}

/// One reason an offer does not cover a request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Mismatch {
    /// A requested Function Block is not in the offer's `FB` list.
    #[error("FB_{number:02} is not offered")]
    FunctionBlockNotOffered {
        /// The requested Function Block number.
        number: u16,
    },
    /// A requested `IntervalDuration` value is not in the offer's list.
    #[error("IntervalDuration={requested} is not offered")]
    IntervalDurationNotOffered {
        /// The requested value.
        requested: Period,
    },
    /// A requested `BlockDuration` value is not in the offer's list.
    #[error("BlockDuration={requested} is not offered")]
    BlockDurationNotOffered {
        /// The requested value.
        requested: Period,
    },
    /// The offer has no `HistoryLength`, the request has one.
    #[error("HistoryLength={requested} requested, the offer has no HistoryLength")]
    HistoryLengthNotOffered {
        /// The requested history.
        requested: HistoryLength,
    },
    /// The requested history is longer than the offer's.
    #[error("HistoryLength={requested} is longer than the offered {offered}")]
    HistoryLongerThanOffered {
        /// The requested history.
        requested: HistoryLength,
        /// The offered history.
        offered: HistoryLength,
    },
    /// One history is in months and the other in seconds, and whether the request is
    /// within the offer depends on the month lengths (see [`negotiate`]).
    #[error(
        "HistoryLength={requested} and the offered {offered} are in different units and \
         cannot be compared for every start date"
    )]
    HistoryNotComparable {
        /// The requested history.
        requested: HistoryLength,
        /// The offered history.
        offered: HistoryLength,
    },
    /// The requested `SubscriptionFrequency` differs from the offer's (or the offer has none).
    #[error("SubscriptionFrequency={requested} is not offered")]
    SubscriptionFrequencyNotOffered {
        /// The requested frequency.
        requested: Period,
        /// The offered frequency, if any.
        offered: Option<Period>,
    },
    /// The requested `AccountCollection` is more than the offer's (or the offer has none).
    #[error("AccountCollection={requested} is more than offered")]
    AccountCollectionNotOffered {
        /// The requested number of usage points.
        requested: u64,
        /// The offered number, if any.
        offered: Option<u64>,
    },
    /// The requested `BR` differs from the offer's (or the offer has none).
    #[error("BR={requested} is not offered")]
    BulkNotOffered {
        /// The requested bulk id.
        requested: BulkId,
        /// The offered bulk id, if any.
        offered: Option<BulkId>,
    },
    /// A requested unknown term is not in the offer as sent.
    #[error("{requested} is not offered")]
    ExtensionNotOffered {
        /// The requested term.
        requested: ExtensionTerm,
    },
}

/// The reasons one offer does not cover the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferMismatch {
    /// Zero-based index of the offer.
    pub offer: usize,
    /// Every reason, in grammar order of the terms.
    pub reasons: Vec<Mismatch>,
}

impl fmt::Display for OfferMismatch {
    /// Writes `offer 0: FB_11 is not offered; …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "offer {}: ", self.offer)?;
        for (index, reason) in self.reasons.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{reason}")?;
        }
        Ok(())
    }
}

/// Why a request cannot be granted.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    /// The Data Custodian offers no scope at all.
    #[error("no scopes are offered")]
    NoOffers,
    /// The canonical request does not fit Authorization.scope (256 characters).
    #[error(transparent)]
    TooLong(#[from] ScopeTooLong),
    /// No offer covers the request; the reasons of each offer, in offer order.
    #[error("no offered scope covers the request: {}", join_mismatches(.0))]
    NotCovered(Vec<OfferMismatch>),
    /// The request names no Function Block, so it asks for nothing that can be granted.
    #[error("the request names no Function Block")]
    NothingRequested,
    /// The request breaks a dependency rule of the current catalogue
    /// ([`check_function_blocks`](crate::check_function_blocks)), e.g. FB_04 without one of FB_05, FB_10, FB_11, FB_29.
    #[error("the request breaks Function Block rules: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Dependencies(Vec<crate::function_block::Violation>),
}

impl Refusal {
    /// The reasons offer `offer` does not cover the request; empty when the refusal is
    /// not [`Refusal::NotCovered`] or names no such offer.
    pub fn reasons_for(&self, offer: usize) -> &[Mismatch] {
        match self {
            Refusal::NotCovered(mismatches) => mismatches
                .iter()
                .find(|mismatch| mismatch.offer == offer)
                .map_or(&[], |mismatch| mismatch.reasons.as_slice()),
            Refusal::NoOffers
            | Refusal::TooLong(_)
            | Refusal::NothingRequested
            | Refusal::Dependencies(_) => &[],
        }
    }
}

fn join_mismatches(mismatches: &[OfferMismatch]) -> String {
    mismatches
        .iter()
        .map(|mismatch| mismatch.to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The scope in canonical form for a grant: Function Blocks in ascending order without
/// repeats, duration lists without repeats (first occurrence kept), every other term as
/// given. Its `Display` is then the canonical scope string.
///
/// ```
/// use espi_auth::Scope;
/// use espi_auth::canonical_scope;
///
/// let scope = Scope::parse("FB=15_4_5_4;BlockDuration=Daily_daily")?.scope;
/// assert_eq!(canonical_scope(&scope).to_string(), "FB=4_5_15;BlockDuration=daily");
/// # Ok::<(), espi_auth::ScopeError>(())
/// ```
pub fn canonical_scope(scope: &Scope) -> Scope {
    let mut canonical = scope.clone();
    canonical.function_blocks.sort_unstable();
    canonical.function_blocks.dedup();
    dedup_in_order(&mut canonical.interval_duration);
    dedup_in_order(&mut canonical.block_duration);
    canonical
}

fn dedup_in_order(periods: &mut Vec<Period>) {
    let mut seen = Vec::with_capacity(periods.len());
    periods.retain(|period| {
        if seen.contains(period) {
            false
        } else {
            seen.push(*period);
            true
        }
    });
}

/// Every reason `offer` does not cover `request`; empty when it covers it (see
/// [`negotiate`] for the rules).
pub fn offer_mismatches(offer: &Scope, request: &Scope) -> Vec<Mismatch> {
    let mut reasons = Vec::new();
    let mut seen_blocks = Vec::new();
    for &number in &request.function_blocks {
        if !offer.function_blocks.contains(&number) && !seen_blocks.contains(&number) {
            seen_blocks.push(number);
            reasons.push(Mismatch::FunctionBlockNotOffered { number });
        }
    }
    let mut seen = Vec::new();
    for &requested in &request.interval_duration {
        if !offer.interval_duration.contains(&requested) && !seen.contains(&requested) {
            seen.push(requested);
            reasons.push(Mismatch::IntervalDurationNotOffered { requested });
        }
    }
    seen.clear();
    for &requested in &request.block_duration {
        if !offer.block_duration.contains(&requested) && !seen.contains(&requested) {
            seen.push(requested);
            reasons.push(Mismatch::BlockDurationNotOffered { requested });
        }
    }
    if let Some(requested) = request.history_length {
        match offer.history_length {
            None => reasons.push(Mismatch::HistoryLengthNotOffered { requested }),
            Some(offered) => {
                if let Some(reason) = compare_history(requested, offered) {
                    reasons.push(reason);
                }
            }
        }
    }
    if let Some(requested) = request.subscription_frequency
        && offer.subscription_frequency != Some(requested)
    {
        reasons.push(Mismatch::SubscriptionFrequencyNotOffered {
            requested,
            offered: offer.subscription_frequency,
        });
    }
    if let Some(requested) = request.account_collection
        && offer
            .account_collection
            .is_none_or(|offered| requested > offered)
    {
        reasons.push(Mismatch::AccountCollectionNotOffered {
            requested,
            offered: offer.account_collection,
        });
    }
    if let Some(requested) = &request.bulk_id
        && offer.bulk_id.as_ref() != Some(requested)
    {
        reasons.push(Mismatch::BulkNotOffered {
            requested: requested.clone(),
            offered: offer.bulk_id.clone(),
        });
    }
    for requested in &request.extensions {
        if !offer.extensions.contains(requested) {
            reasons.push(Mismatch::ExtensionNotOffered {
                requested: requested.clone(),
            });
        }
    }
    reasons
}

/// `None` when `requested` is within `offered` for every start date, else the reason.
fn compare_history(requested: HistoryLength, offered: HistoryLength) -> Option<Mismatch> {
    let req = requested.wire_value();
    let off = offered.wire_value();
    // (certainly within, certainly longer) for every start date.
    let (within, longer) = match (requested.unit(), offered.unit()) {
        (HistoryUnit::Months, HistoryUnit::Months)
        | (HistoryUnit::Seconds, HistoryUnit::Seconds) => (req <= off, req > off),
        (HistoryUnit::Months, HistoryUnit::Seconds) => (
            // Month values are at most MONTHS_THRESHOLD, so these cannot overflow.
            req.saturating_mul(LONGEST_MONTH_SECONDS) <= off,
            req.saturating_mul(SHORTEST_MONTH_SECONDS) > off,
        ),
        (HistoryUnit::Seconds, HistoryUnit::Months) => (
            req <= off.saturating_mul(SHORTEST_MONTH_SECONDS),
            req > off.saturating_mul(LONGEST_MONTH_SECONDS),
        ),
    };
    if within {
        None
    } else if longer {
        Some(Mismatch::HistoryLongerThanOffered { requested, offered })
    } else {
        Some(Mismatch::HistoryNotComparable { requested, offered })
    }
}

/// Negotiates `request` against `offers`: the request in canonical form with the index
/// of the first offer that covers it, or why none does.
///
/// Fails with [`Refusal::NoOffers`] when there are no offers, [`Refusal::TooLong`] when
/// the canonical request is longer than 256 characters, and [`Refusal::NotCovered`]
/// with every offer's reasons otherwise.
///
/// An ApplicationInformation may carry several `scope` elements, each an alternative
/// offer (espi.xsd: `scope` occurs any number of times). [`negotiate`] picks the **first** offer, in the order
/// given, that covers the request, and grants the request itself in canonical form
/// ([`canonical_scope`]): the Third Party gets what it asked for, never more, and the offer
/// only bounds it. When no offer covers the request, the refusal lists, offer by offer,
/// every reason that offer does not ([`OfferMismatch`]).
///
/// # When an offer covers a request
///
/// Term by term (the scope grammar gives the terms, no published rule fixes their
/// allowed values, so these are this crate's choices):
///
/// - **FB**: every requested Function Block is in the offer's list. Numbers are compared
///   as numbers, whatever the catalogue.
/// - **IntervalDuration**, **BlockDuration**: every requested value is in the offer's
///   list. Named values compare by name and seconds by value; a name never equals a
///   number of seconds (`daily` is not `86400`: a day may have 23 or 25 hours).
/// - **HistoryLength**: no longer than the offer's. Both in months or both in seconds
///   compare by value. Across units the comparison is made only when it holds for every
///   possible start date, taking a calendar month as at least 28 and at most 31 days:
///   requested months are covered by offered seconds when `months × 31 days ≤ seconds`,
///   requested seconds by offered months when `seconds ≤ months × 28 days`. Otherwise the
///   request is [`Mismatch::HistoryLongerThanOffered`] when it is longer for every start
///   date, else [`Mismatch::HistoryNotComparable`].
/// - **SubscriptionFrequency**: equal to the offer's.
/// - **AccountCollection**: at most the offer's number of usage points.
/// - **BR**: the same bulk id as the offer's.
/// - **Unknown terms**: each requested term is in the offer, key and value as sent. Their
///   meaning is unknown, so only what the Data Custodian wrote itself is granted.
///
/// A term the request leaves out asks for nothing particular and is always covered, but
/// the grant keeps the chosen offer's limits for it (HistoryLength, SubscriptionFrequency,
/// AccountCollection, BR): leaving a term out never lifts a limit. A term the offer
/// leaves out offers nothing: a request that names it is not covered by that offer
/// (conservative: granting it could grant more than the customer saw). A request must
/// name at least one Function Block and keep the current catalogue's rules
/// ([`check_function_blocks`](crate::check_function_blocks)).
///
/// ```
/// use espi_auth::{Mismatch, negotiate};
/// use espi_auth::{OfferedScopes, Scope};
///
/// let offers = OfferedScopes::parse([
///     "FB=1_3_4_5_13_31_37_39;IntervalDuration=900_3600;BlockDuration=daily;HistoryLength=63072000",
///     "FB=1_3_4_10_13_15_31_37_39;IntervalDuration=3600;BlockDuration=daily_monthly",
/// ])?;
/// let request = Scope::parse("FB=5_4;IntervalDuration=3600;HistoryLength=13")?.scope;
/// let grant = negotiate(&offers, &request)?;
/// assert_eq!(grant.offer, 0);
/// assert_eq!(grant.scope.to_string(), "FB=4_5;IntervalDuration=3600;HistoryLength=13");
///
/// let request = Scope::parse("FB=4_11")?.scope;
/// let refusal = negotiate(&offers, &request).expect_err("nobody offers water");
/// assert_eq!(refusal.reasons_for(0), &[Mismatch::FunctionBlockNotOffered { number: 11 }]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn negotiate(offers: &OfferedScopes, request: &Scope) -> Result<Negotiated, Refusal> {
    negotiate_scopes(offers.scopes(), request)
}

/// The grant keeps the limits of the offer that the request leaves out: leaving out
/// `HistoryLength` must not lift the offer's history limit, and so on.
fn with_offer_limits(mut granted: Scope, offer: &Scope) -> Scope {
    if granted.history_length.is_none() {
        granted.history_length = offer.history_length;
    }
    if granted.subscription_frequency.is_none() {
        granted.subscription_frequency = offer.subscription_frequency;
    }
    if granted.account_collection.is_none() {
        granted.account_collection = offer.account_collection;
    }
    if granted.bulk_id.is_none() {
        granted.bulk_id = offer.bulk_id.clone();
    }
    granted
}

/// [`negotiate`] over offers given as a slice.
pub fn negotiate_scopes(offers: &[Scope], request: &Scope) -> Result<Negotiated, Refusal> {
    if offers.is_empty() {
        return Err(Refusal::NoOffers);
    }
    let scope = canonical_scope(request);
    if scope.function_blocks.is_empty() {
        return Err(Refusal::NothingRequested);
    }
    let violations = crate::function_block::check_function_blocks(
        &scope.function_blocks,
        crate::function_block::Catalogue::Current,
    );
    if !violations.is_empty() {
        return Err(Refusal::Dependencies(violations));
    }
    let mut refused = Vec::with_capacity(offers.len());
    for (index, offer) in offers.iter().enumerate() {
        let reasons = offer_mismatches(offer, &scope);
        if reasons.is_empty() {
            let granted = with_offer_limits(scope, offer);
            granted.check_length()?;
            return Ok(Negotiated {
                scope: granted,
                offer: index,
            });
        }
        refused.push(OfferMismatch {
            offer: index,
            reasons,
        });
    }
    Err(Refusal::NotCovered(refused))
}

impl OfferedScopes {
    /// [`negotiate`]s `request` against these offers.
    pub fn negotiate(&self, request: &Scope) -> Result<Negotiated, Refusal> {
        negotiate(self, request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::NamedFrequency;
    use proptest::prelude::*;

    const DC_OFFER: &str = "FB=1_3_4_5_8_13_18_19_31_34_35_39;IntervalDuration=900_3600;\
                            BlockDuration=Daily;HistoryLength=34128000;SubscriptionFrequency=Daily;\
                            AccountCollection=5;BR=1;";

    fn scope(text: &str) -> Scope {
        Scope::parse(text).expect("test scope parses").scope
    }

    fn offers(texts: &[&str]) -> OfferedScopes {
        OfferedScopes::parse(texts).expect("test offers parse")
    }

    #[test]
    fn grants_the_canonical_request_from_the_first_covering_offer() {
        let offers = offers(&[
            "FB=1_3_4_10_13_31_37_39;IntervalDuration=3600",
            DC_OFFER,
            "FB=1_3_4_5_13_31_37_39",
        ]);
        let request = scope("FB=5_4_1_4;IntervalDuration=900;BlockDuration=daily;BR=1");
        let grant = negotiate(&offers, &request).expect("offer 1 covers it");
        assert_eq!(grant.offer, 1);
        // The offer's limits the request left out stay in the grant.
        assert_eq!(
            grant.scope.to_string(),
            "FB=1_4_5;IntervalDuration=900;BlockDuration=daily;HistoryLength=34128000;\
             SubscriptionFrequency=daily;AccountCollection=5;BR=1"
        );
        assert_eq!(offers.negotiate(&request), Ok(grant));
    }

    #[test]
    fn a_request_must_name_blocks_that_keep_the_rules() {
        let offers = offers(&["FB=4_5;HistoryLength=34128000"]);
        assert_eq!(
            negotiate(&offers, &Scope::default()),
            Err(Refusal::NothingRequested)
        );
        assert!(matches!(
            negotiate(&offers, &scope("FB=4")),
            Err(Refusal::Dependencies(_))
        ));
        // Leaving HistoryLength out does not lift the offer's limit.
        let grant = negotiate(&offers, &scope("FB=4_5")).expect("covered");
        assert_eq!(grant.scope.to_string(), "FB=4_5;HistoryLength=34128000");
    }

    #[test]
    fn refuses_with_every_reason_of_every_offer() {
        let offers = offers(&[DC_OFFER, "FB=4_11;BlockDuration=monthly"]);
        let request = scope(
            "FB=4_10_10;IntervalDuration=60;BlockDuration=weekly;HistoryLength=63072000;\
             SubscriptionFrequency=monthly;AccountCollection=6;BR=2;X=1",
        );
        let refusal = negotiate(&offers, &request).expect_err("not covered");
        let history = |v| HistoryLength::from_wire(v);
        assert_eq!(
            refusal.reasons_for(0),
            &[
                Mismatch::FunctionBlockNotOffered { number: 10 },
                Mismatch::IntervalDurationNotOffered {
                    requested: Period::Seconds(60)
                },
                Mismatch::BlockDurationNotOffered {
                    requested: Period::Named(NamedFrequency::Weekly)
                },
                Mismatch::HistoryLongerThanOffered {
                    requested: history(63_072_000),
                    offered: history(34_128_000)
                },
                Mismatch::SubscriptionFrequencyNotOffered {
                    requested: Period::Named(NamedFrequency::Monthly),
                    offered: Some(Period::Named(NamedFrequency::Daily))
                },
                Mismatch::AccountCollectionNotOffered {
                    requested: 6,
                    offered: Some(5)
                },
                Mismatch::BulkNotOffered {
                    requested: BulkId::new("2").expect("valid"),
                    offered: BulkId::new("1").ok()
                },
                Mismatch::ExtensionNotOffered {
                    requested: ExtensionTerm::new("X", "1").expect("valid")
                },
            ]
        );
        // An offer without a term offers nothing for it.
        assert_eq!(refusal.reasons_for(1).len(), 8);
        assert!(
            refusal
                .reasons_for(1)
                .contains(&Mismatch::HistoryLengthNotOffered {
                    requested: history(63_072_000)
                })
        );
        let text = refusal.to_string();
        assert!(text.starts_with("no offered scope covers the request: offer 0: FB_10 is not offered; IntervalDuration=60 is not offered"), "{text}");
        assert!(text.contains(" | offer 1: FB_10 is not offered"), "{text}");
    }

    #[test]
    fn named_values_never_equal_seconds() {
        let offers = offers(&["FB=4_5;BlockDuration=daily;IntervalDuration=3600"]);
        let refusal =
            negotiate(&offers, &scope("FB=4_5;BlockDuration=86400")).expect_err("by name");
        assert_eq!(
            refusal.reasons_for(0),
            &[Mismatch::BlockDurationNotOffered {
                requested: Period::Seconds(86_400)
            }]
        );
        // Named values compare by name, whatever case the request used.
        assert!(negotiate(&offers, &scope("FB=4_5;BlockDuration=Daily")).is_ok());
    }

    #[test]
    fn history_across_units_only_when_certain() {
        let check = |requested: u64, offered: u64| {
            compare_history(
                HistoryLength::from_wire(requested),
                HistoryLength::from_wire(offered),
            )
        };
        let h = HistoryLength::from_wire;
        // Same unit: by value.
        assert_eq!(check(13, 24), None);
        assert_eq!(check(24, 24), None);
        assert_eq!(
            check(25, 24),
            Some(Mismatch::HistoryLongerThanOffered {
                requested: h(25),
                offered: h(24)
            })
        );
        assert_eq!(check(34_128_000, 63_072_000), None);
        // 13 months vs 3 years of seconds: 13 × 31 days ≤ 1095 days.
        assert_eq!(check(13, 94_608_000), None);
        // 13 months vs 395 days: 13 × 28 to 13 × 31 days, so it depends on the start date.
        assert_eq!(
            check(13, 34_128_000),
            Some(Mismatch::HistoryNotComparable {
                requested: h(13),
                offered: h(34_128_000)
            })
        );
        // 24 months vs 395 days: at least 672 days, longer whatever the start.
        assert_eq!(
            check(24, 34_128_000),
            Some(Mismatch::HistoryLongerThanOffered {
                requested: h(24),
                offered: h(34_128_000)
            })
        );
        // 395 days vs 24 months (at least 672 days): within.
        assert_eq!(check(34_128_000, 24), None);
        // 3 years vs 13 months (at most 403 days): longer.
        assert!(matches!(
            check(94_608_000, 13),
            Some(Mismatch::HistoryLongerThanOffered { .. })
        ));
        // 395 days vs 14 months (392 to 434 days): not comparable.
        assert!(matches!(
            check(34_128_000, 14),
            Some(Mismatch::HistoryNotComparable { .. })
        ));
    }

    #[test]
    fn no_offers_and_too_long_requests() {
        assert_eq!(
            negotiate(&OfferedScopes::default(), &scope("FB=4")),
            Err(Refusal::NoOffers)
        );
        let long = format!("FB=4_5;X={}", "a".repeat(260));
        let offer = offers(&[long.as_str()]);
        assert_eq!(
            negotiate(&offer, &scope(&long)),
            Err(Refusal::TooLong(ScopeTooLong { length: long.len() }))
        );
    }

    fn period() -> impl Strategy<Value = Period> {
        prop_oneof![
            (0u64..100_000).prop_map(Period::Seconds),
            proptest::sample::select(NamedFrequency::ALL.to_vec()).prop_map(Period::Named),
        ]
    }

    prop_compose! {
        fn small_scope()(
            function_blocks in proptest::collection::vec(0u16..80, 0..10),
            interval_duration in proptest::collection::vec(period(), 0..3),
            block_duration in proptest::collection::vec(period(), 0..3),
            history_length in proptest::option::of((0u64..200_000_000).prop_map(HistoryLength::from_wire)),
            subscription_frequency in proptest::option::of(period()),
            account_collection in proptest::option::of(0u64..10),
            bulk_id in proptest::option::of("[0-9A-Za-z-]{1,6}"),
        ) -> Scope {
            Scope {
                function_blocks,
                interval_duration,
                block_duration,
                history_length,
                subscription_frequency,
                account_collection,
                bulk_id: bulk_id.and_then(|id| BulkId::new(&id).ok()),
                extensions: Vec::new(),
            }
        }
    }

    proptest! {
        #[test]
        fn a_request_equal_to_an_offer_is_always_granted(
            before in proptest::collection::vec(small_scope(), 0..3),
            offer in small_scope(),
        ) {
            // Requests naming no block, or breaking the FB rules, are refused before any offer.
            prop_assume!(!offer.function_blocks.is_empty());
            prop_assume!(crate::function_block::check_function_blocks(&offer.function_blocks, crate::function_block::Catalogue::Current).is_empty());
            let mut all = before.clone();
            all.push(offer.clone());
            let grant = negotiate_scopes(&all, &offer);
            prop_assert!(grant.is_ok(), "{:?}", grant);
            let grant = grant.unwrap_or_else(|_| unreachable!());
            prop_assert!(grant.offer <= before.len());
            prop_assert_eq!(grant.scope.function_blocks, canonical_scope(&offer).function_blocks);
        }

        #[test]
        fn a_grant_never_exceeds_its_offer(
            offers in proptest::collection::vec(small_scope(), 1..4),
            request in small_scope(),
        ) {
            match negotiate_scopes(&offers, &request) {
                Ok(grant) => {
                    let chosen = &offers[grant.offer];
                    for number in &grant.scope.function_blocks {
                        prop_assert!(chosen.function_blocks.contains(number));
                    }
                    prop_assert!(offer_mismatches(chosen, &grant.scope).is_empty());
                    // No earlier offer covered it.
                    for earlier in &offers[..grant.offer] {
                        prop_assert!(!offer_mismatches(earlier, &grant.scope).is_empty());
                    }
                }
                Err(Refusal::NotCovered(refused)) => {
                    prop_assert_eq!(refused.len(), offers.len());
                    prop_assert!(refused.iter().all(|m| !m.reasons.is_empty()));
                }
                Err(Refusal::NothingRequested | Refusal::Dependencies(_) | Refusal::TooLong(_)) => {}
                Err(other) => prop_assert!(false, "unexpected {:?}", other),
            }
        }
    }
}
