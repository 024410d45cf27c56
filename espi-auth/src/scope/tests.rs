use super::*;
use proptest::prelude::*;

/// The published examples (GBA's developer pages, the schema's documentation, GBA's
/// client_credentials fixtures) that follow the grammar.
const WELL_FORMED: &[&str] = &[
    "FB=1_3_4_5_13_14_15_19_37_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=94608000",
    "FB=1_3_4_5_13_14_15_16_19_37_39;IntervalDuration=monthly;BlockDuration=monthly;HistoryLength=94608000",
    "FB=1_3_4_5_10_11_35;BlockDuration=daily;BR=1",
    "FB=1_3_4_5_13_31_37_39",
    "FB=1_3_4_10_13_15_31_37_39",
    "FB=1_3_4_11_13_31_37_39",
    "FB=34_35",
    "FB=36_40",
    "FB=44",
    "FB=3_19_32_33_34_35_36_37_38_41_44_45",
    "FB=45",
    "FB=4_46",
    // UtilityAPI and PG&E extensions (their published scope parameters).
    "FB=4_5_15;HistoryLength=63072000;PreferredAuthEndDate=0;AdditionalScope=noedit_meters-all",
    "FB=1_3_4_5_8_10_13_14_15_16_18_19_31_32_35_37_38_39_40_46_47;\
     AdditionalScope=Usage_Billing_Basic_Account_ProgramEnrollment;dataCustodianId=PGE;BR=ThirdParty-42",
];

fn warnings(input: &str) -> Vec<(usize, ScopeIrregularity)> {
    let parsed = Scope::parse(input).expect("lenient parse");
    parsed
        .warnings
        .into_iter()
        .map(|w| (w.position, w.kind))
        .collect()
}

fn value_case(found: &str, expected: NamedFrequency) -> ScopeIrregularity {
    ScopeIrregularity::ValueCase {
        found: found.to_string(),
        expected,
    }
}

#[test]
fn well_formed_examples_parse_strictly_and_format_back_unchanged() {
    for &example in WELL_FORMED {
        let scope = Scope::parse_strict(example).unwrap_or_else(|e| panic!("{example}: {e}"));
        let lenient = Scope::parse(example).expect("lenient");
        assert!(
            lenient.warnings.is_empty(),
            "{example}: {:?}",
            lenient.warnings
        );
        assert_eq!(lenient.scope, scope);
        if scope.extensions.is_empty() || example.starts_with("FB=4_5_15") {
            assert_eq!(scope.to_string(), example);
        }
        assert!(scope.fits_authorization());
    }
}

#[test]
fn fields_of_a_published_authorization() {
    let scope = Scope::parse_strict(WELL_FORMED[1]).expect("strict");
    assert_eq!(
        scope.function_blocks,
        vec![1, 3, 4, 5, 13, 14, 15, 16, 19, 37, 39]
    );
    assert_eq!(
        scope.interval_duration,
        vec![Period::Named(NamedFrequency::Monthly)]
    );
    assert_eq!(
        scope.block_duration,
        vec![Period::Named(NamedFrequency::Monthly)]
    );
    assert_eq!(scope.history_length.and_then(|h| h.days()), Some(1095));
    assert_eq!(scope.bulk_id, None);
    let utility_api = Scope::parse_strict(WELL_FORMED[12]).expect("strict");
    assert_eq!(utility_api.extensions[0].key(), "PreferredAuthEndDate");
    assert_eq!(utility_api.extensions[1].value(), "noedit_meters-all");
    // Unknown terms go last in canonical form; PG&E's BR moves before them.
    let pge = Scope::parse_strict(WELL_FORMED[13]).expect("strict");
    assert!(pge.to_string().ends_with(
        "BR=ThirdParty-42;AdditionalScope=Usage_Billing_Basic_Account_ProgramEnrollment;dataCustodianId=PGE"
    ));
}

#[test]
fn dc_offer_with_capitals_and_trailing_delimiter() {
    let input = "FB=1_3_4_5_8_13_18_19_31_34_35_39;IntervalDuration=900_3600;BlockDuration=Daily;\
                 HistoryLength=34128000;SubscriptionFrequency=Daily;AccountCollection=5;BR=1;";
    assert_eq!(
        warnings(input),
        vec![
            (74, value_case("Daily", NamedFrequency::Daily)),
            (125, value_case("Daily", NamedFrequency::Daily)),
            (input.len() - 1, ScopeIrregularity::TrailingDelimiter),
        ]
    );
    assert_eq!(&input[60..79], "BlockDuration=Daily");
    assert_eq!(&input[103..130], "SubscriptionFrequency=Daily");
    let scope = Scope::parse(input).expect("lenient").scope;
    assert_eq!(
        scope.interval_duration,
        vec![Period::Seconds(900), Period::Seconds(3600)]
    );
    assert_eq!(scope.account_collection, Some(5));
    assert_eq!(
        scope.to_string(),
        "FB=1_3_4_5_8_13_18_19_31_34_35_39;IntervalDuration=900_3600;BlockDuration=daily;\
         HistoryLength=34128000;SubscriptionFrequency=daily;AccountCollection=5;BR=1"
    );
    assert_eq!(
        Scope::parse_strict(input),
        Err(ScopeError::Irregular {
            position: 74,
            kind: value_case("Daily", NamedFrequency::Daily)
        })
    );
}

#[test]
fn openespi_sample_history_in_months() {
    let input = "FB=4_5_15;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13";
    let at = input.len() - 2;
    assert_eq!(
        warnings(input),
        vec![(at, ScopeIrregularity::HistoryLengthInMonths { value: 13 })]
    );
    let scope = Scope::parse(input).expect("lenient").scope;
    assert_eq!(scope.history_length.and_then(|h| h.months()), Some(13));
    // Formatting keeps the wire value: no month length is invented.
    assert_eq!(scope.to_string(), input);
    assert_eq!(
        Scope::parse_strict(input).map_err(|e| e.position()),
        Err(at)
    );
}

#[test]
fn months_threshold_boundary() {
    let at = |v: u64| warnings(&format!("HistoryLength={v}"));
    assert_eq!(
        at(120),
        vec![(14, ScopeIrregularity::HistoryLengthInMonths { value: 120 })]
    );
    assert_eq!(
        at(0),
        vec![(14, ScopeIrregularity::HistoryLengthInMonths { value: 0 })]
    );
    assert!(at(121).is_empty());
    assert_eq!(HistoryLength::from_wire(121).unit(), HistoryUnit::Seconds);
}

#[test]
fn spaces_after_delimiter_and_around_equals() {
    let input = "FB=4_5; BlockDuration=Daily; HistoryLength= 34128000";
    assert_eq!(
        warnings(input),
        vec![
            (7, ScopeIrregularity::Whitespace),
            (22, value_case("Daily", NamedFrequency::Daily)),
            (28, ScopeIrregularity::Whitespace),
            (43, ScopeIrregularity::Whitespace),
        ]
    );
    assert_eq!(
        warnings(" FB = 4 ;"),
        vec![
            (0, ScopeIrregularity::Whitespace),
            (3, ScopeIrregularity::Whitespace),
            (5, ScopeIrregularity::Whitespace),
            (7, ScopeIrregularity::Whitespace),
            (8, ScopeIrregularity::TrailingDelimiter),
        ]
    );
    assert_eq!(
        Scope::parse_strict("FB=4_5; BlockDuration=daily"),
        Err(ScopeError::Irregular {
            position: 7,
            kind: ScopeIrregularity::Whitespace
        })
    );
    assert_eq!(
        Scope::parse_strict("FB=4_5;HistoryLength =34128000").map_err(|e| e.position()),
        Err(20)
    );
}

#[test]
fn capitalised_block_list_and_key_case() {
    let input = "fb=4_5;BlockDuration=Daily_BillingPeriod_Weekly_Monthly";
    assert_eq!(
        warnings(input),
        vec![
            (
                0,
                ScopeIrregularity::KeyCase {
                    found: "fb".to_string(),
                    expected: "FB"
                }
            ),
            (21, value_case("Daily", NamedFrequency::Daily)),
            (
                27,
                value_case("BillingPeriod", NamedFrequency::BillingPeriod)
            ),
            (41, value_case("Weekly", NamedFrequency::Weekly)),
            (48, value_case("Monthly", NamedFrequency::Monthly)),
        ]
    );
    assert_eq!(
        Scope::parse(input).expect("lenient").scope.to_string(),
        "FB=4_5;BlockDuration=daily_billingPeriod_weekly_monthly"
    );
    assert_eq!(Scope::parse_strict(input).map_err(|e| e.position()), Err(0));
    assert_eq!(
        Scope::parse_strict("FB=4;historyLength=34128000").map_err(|e| e.position()),
        Err(5)
    );
}

#[test]
fn function_blocks_out_of_order_and_repeated() {
    let input = "FB=4_15_5_4";
    assert_eq!(
        warnings(input),
        vec![
            (
                8,
                ScopeIrregularity::FunctionBlocksOutOfOrder {
                    previous: 15,
                    found: 5
                }
            ),
            (10, ScopeIrregularity::DuplicateFunctionBlock { number: 4 }),
        ]
    );
    // Lenient keeps the order given; canonical form does not reorder.
    assert_eq!(
        Scope::parse(input).expect("lenient").scope.function_blocks,
        vec![4, 15, 5, 4]
    );
    assert_eq!(Scope::parse_strict(input).map_err(|e| e.position()), Err(8));
    // Leading zeros are numbers like any other.
    assert_eq!(
        Scope::parse_strict("FB=01_04").map(|s| s.function_blocks),
        Ok(vec![1, 4])
    );
}

#[test]
fn term_order_is_fb_then_values_then_resources() {
    let input = "BR=1;FB=35;HistoryLength=34128000";
    assert_eq!(
        warnings(input),
        vec![
            (
                5,
                ScopeIrregularity::TermOutOfOrder {
                    key: "FB",
                    after: "BR"
                }
            ),
            (
                11,
                ScopeIrregularity::TermOutOfOrder {
                    key: "HistoryLength",
                    after: "BR"
                }
            ),
        ]
    );
    assert_eq!(Scope::parse_strict(input).map_err(|e| e.position()), Err(5));
    // Value terms may come in any order among themselves; unknown terms anywhere.
    assert!(
        Scope::parse_strict("X=1;HistoryLength=34128000;IntervalDuration=900;BR=1;Y=2").is_ok()
    );
}

/// An input, the warnings of its lenient parse and its canonical form.
type Tolerated = (&'static str, Vec<(usize, ScopeIrregularity)>, &'static str);

/// Every irregularity lenient parsing tolerates. Strict parsing rejects each input
/// at its first warning.
fn tolerated() -> Vec<Tolerated> {
    use ScopeIrregularity::*;
    let duplicate = |key, first| DuplicateTerm { key, first };
    vec![
        ("FB=4;", vec![(4, TrailingDelimiter)], "FB=4"),
        ("FB=4;;BR=1", vec![(5, EmptyTerm)], "FB=4;BR=1"),
        (";FB=4", vec![(0, EmptyTerm)], "FB=4"),
        ("FB=4;;", vec![(5, EmptyTerm)], "FB=4"),
        (
            "FB=4; ;BR=1",
            vec![(5, Whitespace), (5, EmptyTerm)],
            "FB=4;BR=1",
        ),
        (";", vec![(0, EmptyTerm)], ""),
        (
            " FB = 4",
            vec![(0, Whitespace), (3, Whitespace), (5, Whitespace)],
            "FB=4",
        ),
        ("FB=4_ 5", vec![(5, Whitespace)], "FB=4_5"),
        ("FB=4 _5", vec![(4, Whitespace)], "FB=4_5"),
        ("FB=4__5", vec![(5, EmptyListItem { key: "FB" })], "FB=4_5"),
        ("FB=_4_5", vec![(3, EmptyListItem { key: "FB" })], "FB=4_5"),
        ("FB=4_5_", vec![(7, EmptyListItem { key: "FB" })], "FB=4_5"),
        (
            "IntervalDuration=900__3600_",
            vec![
                (
                    21,
                    EmptyListItem {
                        key: "IntervalDuration",
                    },
                ),
                (
                    27,
                    EmptyListItem {
                        key: "IntervalDuration",
                    },
                ),
            ],
            "IntervalDuration=900_3600",
        ),
        (
            "fb=4",
            vec![(
                0,
                KeyCase {
                    found: "fb".into(),
                    expected: "FB",
                },
            )],
            "FB=4",
        ),
        (
            "BlockDuration=Daily",
            vec![(14, value_case("Daily", NamedFrequency::Daily))],
            "BlockDuration=daily",
        ),
        (
            "FB=5_4",
            vec![(
                5,
                FunctionBlocksOutOfOrder {
                    previous: 5,
                    found: 4,
                },
            )],
            "FB=5_4",
        ),
        (
            "FB=4_4",
            vec![(5, DuplicateFunctionBlock { number: 4 })],
            "FB=4_4",
        ),
        (
            "IntervalDuration=900_900",
            vec![(
                21,
                DuplicatePeriod {
                    key: "IntervalDuration",
                    period: Period::Seconds(900),
                },
            )],
            "IntervalDuration=900_900",
        ),
        (
            "BlockDuration=daily_Daily",
            vec![
                (20, value_case("Daily", NamedFrequency::Daily)),
                (
                    20,
                    DuplicatePeriod {
                        key: "BlockDuration",
                        period: Period::Named(NamedFrequency::Daily),
                    },
                ),
            ],
            "BlockDuration=daily_daily",
        ),
        ("FB=4_5;FB=4_5", vec![(7, duplicate("FB", 0))], "FB=4_5"),
        // The same set in another order and case; the first spelling is kept.
        (
            "FB=4_5;fb=5_4",
            vec![
                (
                    7,
                    KeyCase {
                        found: "fb".into(),
                        expected: "FB",
                    },
                ),
                (7, duplicate("FB", 0)),
                (
                    12,
                    FunctionBlocksOutOfOrder {
                        previous: 5,
                        found: 4,
                    },
                ),
            ],
            "FB=4_5",
        ),
        ("BR=1;BR=1", vec![(5, duplicate("BR", 0))], "BR=1"),
        (
            "HistoryLength=34128000;HistoryLength=034128000",
            vec![(23, duplicate("HistoryLength", 0))],
            "HistoryLength=34128000",
        ),
        (
            "FB=4;BR=1;FB=4",
            vec![
                (
                    10,
                    TermOutOfOrder {
                        key: "FB",
                        after: "BR",
                    },
                ),
                (10, duplicate("FB", 0)),
            ],
            "FB=4;BR=1",
        ),
        (
            "HistoryLength=13",
            vec![(14, HistoryLengthInMonths { value: 13 })],
            "HistoryLength=13",
        ),
        (
            "BR=1;FB=4",
            vec![(
                5,
                TermOutOfOrder {
                    key: "FB",
                    after: "BR",
                },
            )],
            "FB=4;BR=1",
        ),
    ]
}

#[test]
fn each_tolerated_irregularity_is_a_positioned_warning_and_a_strict_error() {
    for (input, expected, canonical) in tolerated() {
        let parsed = Scope::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        let got: Vec<(usize, ScopeIrregularity)> = parsed
            .warnings
            .iter()
            .map(|w| (w.position, w.kind.clone()))
            .collect();
        assert_eq!(got, expected, "{input:?}");
        assert_eq!(parsed.scope.to_string(), canonical, "{input:?}");
        // The canonical form means the same.
        assert_eq!(
            Scope::parse(canonical).map(|p| p.scope),
            Ok(parsed.scope),
            "{input:?}"
        );
        let (position, kind) = expected[0].clone();
        assert_eq!(
            Scope::parse_strict(input),
            Err(ScopeError::Irregular { position, kind }),
            "{input:?}"
        );
    }
}

#[test]
fn leading_zeros_are_decimal_numbers_in_both_modes() {
    let input =
        "FB=01_004;IntervalDuration=0900;HistoryLength=034128000;AccountCollection=05;BR=01";
    let scope = Scope::parse_strict(input).expect("grammatical");
    assert_eq!(
        Scope::parse(input).map(|p| (p.scope, p.warnings)),
        Ok((scope.clone(), Vec::new()))
    );
    // A bulk id is not a number: its zero stays.
    assert_eq!(
        scope.to_string(),
        "FB=1_4;IntervalDuration=900;HistoryLength=34128000;AccountCollection=5;BR=01"
    );
    assert_eq!(
        Scope::parse("HistoryLength=013").map(|p| p.scope.history_length.and_then(|h| h.months())),
        Ok(Some(13))
    );
}

#[test]
fn duplicate_keys_are_errors_in_both_modes() {
    let input = "FB=4;IntervalDuration=900;intervalduration=3600";
    let expected = Err(ScopeError::DuplicateKey {
        position: 26,
        key: "IntervalDuration",
        first: 5,
    });
    assert_eq!(Scope::parse(input).map(|p| p.scope), expected);
    // Strict stops earlier, at the key's case.
    assert_eq!(
        Scope::parse_strict(input).map_err(|e| e.position()),
        Err(26)
    );
    // Another value is ambiguous whatever the spelling: which one would be granted?
    for (input, position, first) in [
        ("FB=4;FB=5", 5, 0),
        ("FB=4_5;FB=4", 7, 0),
        ("BR=1;BR=01", 5, 0),
        ("FB=4;HistoryLength=13;HistoryLength=14", 22, 5),
    ] {
        let lenient = Scope::parse(input).map(|p| p.scope);
        assert!(
            matches!(lenient, Err(ScopeError::DuplicateKey { position: p, first: f, .. }) if p == position && f == first),
            "{input}: {lenient:?}"
        );
        assert!(Scope::parse_strict(input).is_err(), "{input}");
    }
    // Unknown keys may repeat.
    let scope = Scope::parse_strict("AdditionalScope=a;AdditionalScope=b").expect("strict");
    assert_eq!(scope.extensions.len(), 2);
}

#[test]
fn errors_carry_position_and_expectation() {
    let cases: &[(&str, usize)] = &[
        ("FB=4;IntervalDuration", 5),
        ("FB=4;=3", 5),
        ("FB=4;BR=", 8),
        ("FB=4_x", 5),
        ("FB=70000", 3),
        ("FB=", 3),
        // A list of nothing, and separators that are not the grammar's.
        ("FB=_", 3),
        ("FB=4,5", 3),
        ("FB=4 5", 3),
        ("HistoryLength=13_", 14),
        ("IntervalDuration=900_hourly", 21),
        ("HistoryLength=-1", 14),
        ("HistoryLength=99999999999999999999", 14),
        ("AccountCollection=five", 18),
        ("SubscriptionFrequency=daily_weekly", 22),
        ("BR=a_b", 4),
        ("FB=4;Extra=a b", 12),
        ("FB=4;Ex tra=1", 7),
        ("FB=4;Extra=caf\u{e9}", 14),
    ];
    for &(input, position) in cases {
        let lenient = Scope::parse(input).map(|p| p.scope);
        let strict = Scope::parse_strict(input);
        assert_eq!(
            lenient.as_ref().map_err(|e| e.position()),
            Err(position),
            "{input}"
        );
        assert_eq!(strict.map_err(|e| e.position()), Err(position), "{input}");
    }
    let error = Scope::parse("IntervalDuration=900_hourly").expect_err("hourly is not named");
    assert_eq!(
        error.to_string(),
        "byte 21: `hourly` in `IntervalDuration`; expected a number of seconds or one of \
         billingPeriod, daily, monthly, seasonal, weekly"
    );
}

#[test]
fn empty_and_blank_scopes() {
    assert_eq!(Scope::parse_strict(""), Ok(Scope::default()));
    assert!(Scope::default().is_empty());
    assert_eq!(Scope::default().to_string(), "");
    assert_eq!(warnings("  "), vec![(0, ScopeIrregularity::Whitespace)]);
    // A lone `;` ends an empty term; it is not a trailing delimiter as well.
    assert_eq!(warnings(";"), vec![(0, ScopeIrregularity::EmptyTerm)]);
    assert_eq!(
        warnings(";;"),
        vec![
            (0, ScopeIrregularity::EmptyTerm),
            (1, ScopeIrregularity::EmptyTerm)
        ]
    );
}

fn scope_of_length(length: usize) -> Scope {
    let prefix = "FB=4;AdditionalScope=";
    let value = "a".repeat(length - prefix.len());
    let scope = Scope {
        function_blocks: vec![4],
        extensions: vec![ExtensionTerm::new("AdditionalScope", &value).expect("valid")],
        ..Scope::default()
    };
    assert_eq!(scope.to_string().len(), length);
    scope
}

#[test]
fn authorization_limit_is_256_characters() {
    assert!(scope_of_length(256).fits_authorization());
    assert_eq!(scope_of_length(256).check_length(), Ok(()));
    assert!(!scope_of_length(257).fits_authorization());
    assert_eq!(
        scope_of_length(257).check_length(),
        Err(ScopeTooLong { length: 257 })
    );
}

#[test]
fn offered_scopes_keep_order_warnings_and_lengths() {
    let long = scope_of_length(257).to_string();
    let offers =
        OfferedScopes::parse([WELL_FORMED[0], "FB=4_5;BR=1;", long.as_str()]).expect("all parse");
    assert_eq!(offers.scopes().len(), 3);
    assert_eq!(
        offers.warnings(),
        &[(
            1,
            ScopeWarning {
                position: 11,
                kind: ScopeIrregularity::TrailingDelimiter
            }
        )]
    );
    assert_eq!(offers.too_long(), vec![2]);
    let error =
        OfferedScopes::parse_strict([WELL_FORMED[0], "FB=4_5;BR=1;"]).expect_err("trailing `;`");
    assert_eq!(error.index, 1);
    assert_eq!(error.error.position(), 11);
    assert_eq!(
        OfferedScopes::parse(["FB=4", "FB=x"]).map(|o| o.scopes().len()),
        Err(OfferError {
            index: 1,
            error: ScopeError::InvalidValue {
                position: 3,
                key: "FB".to_string(),
                found: "x".to_string(),
                expected: "a Function Block number (0 to 65535)",
            }
        })
    );
}

#[test]
fn term_constructors_reject_what_would_not_round_trip() {
    assert!(BulkId::new("").is_err());
    assert!(BulkId::new("a;b").is_err());
    assert!(ExtensionTerm::new("", "1").is_err());
    assert!(ExtensionTerm::new("a=b", "1").is_err());
    assert_eq!(
        ExtensionTerm::new("HISTORYLENGTH", "1"),
        Err(TermError::ReservedKey("HISTORYLENGTH".to_string()))
    );
    assert!(ExtensionTerm::new("k", "").is_err());
    assert!(ExtensionTerm::new("k", "a;b").is_err());
    assert!(ExtensionTerm::new("k", "a=b").is_ok());
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![
        any::<u64>().prop_map(Period::Seconds),
        proptest::sample::select(NamedFrequency::ALL.to_vec()).prop_map(Period::Named),
    ]
}

fn extension() -> impl Strategy<Value = ExtensionTerm> {
    ("[A-Za-z0-9_.-]{1,12}", "[!-:<-~]{1,12}").prop_filter_map("reserved key", |(key, value)| {
        ExtensionTerm::new(&key, &value).ok()
    })
}

prop_compose! {
    fn any_scope()(
        function_blocks in proptest::collection::vec(any::<u16>(), 0..8),
        interval_duration in proptest::collection::vec(period(), 0..4),
        block_duration in proptest::collection::vec(period(), 0..4),
        history_length in proptest::option::of(any::<u64>().prop_map(HistoryLength::from_wire)),
        subscription_frequency in proptest::option::of(period()),
        account_collection in proptest::option::of(any::<u64>()),
        bulk_id in proptest::option::of("[0-9A-Za-z-]{1,10}"),
        extensions in proptest::collection::vec(extension(), 0..4),
    ) -> Scope {
        Scope {
            function_blocks,
            interval_duration,
            block_duration,
            history_length,
            subscription_frequency,
            account_collection,
            bulk_id: bulk_id.map(BulkId),
            extensions,
        }
    }
}

proptest! {
    #[test]
    fn lenient_parse_of_canonical_form_gives_the_scope_back(scope in any_scope()) {
        let text = scope.to_string();
        let parsed = Scope::parse(&text);
        prop_assert_eq!(parsed.map(|p| p.scope), Ok(scope));
    }

    #[test]
    fn strict_parse_of_canonical_form_when_the_scope_is_regular(scope in any_scope()) {
        let mut scope = scope;
        scope.function_blocks.sort_unstable();
        scope.function_blocks.dedup();
        for periods in [&mut scope.interval_duration, &mut scope.block_duration] {
            let mut seen = Vec::new();
            periods.retain(|period| {
                let first = !seen.contains(period);
                seen.push(*period);
                first
            });
        }
        scope.history_length = scope
            .history_length
            .map(|h| HistoryLength::from_wire(h.wire_value().max(MONTHS_THRESHOLD + 1)));
        let text = scope.to_string();
        prop_assert_eq!(Scope::parse_strict(&text), Ok(scope.clone()));
        prop_assert!(Scope::parse(&text).map(|p| p.warnings.is_empty()).unwrap_or(false));
        prop_assert_eq!(scope.fits_authorization(), text.len() <= 256);
    }

    #[test]
    fn any_input_parses_or_fails_without_panicking(input in "[ -~]{0,60}") {
        let lenient = Scope::parse(&input);
        let strict = Scope::parse_strict(&input);
        if let Ok(scope) = &strict {
            // Strict acceptance implies lenient acceptance of the same scope, with no warnings.
            prop_assert_eq!(lenient.clone().map(|p| (p.scope, p.warnings.len())), Ok((scope.clone(), 0)));
        }
        if let Err(error) = &lenient {
            prop_assert!(error.position() <= input.len());
        }
    }

    #[test]
    fn lenient_result_is_stable_under_reformatting(input in "(FB|fb)=[0-9]{1,3}(_[0-9]{1,3}){0,3}(; ?(BlockDuration|blockduration)= ?(Daily|monthly|900))?;?") {
        let once = Scope::parse(&input).map(|p| p.scope);
        prop_assert!(once.is_ok(), "{:?}", once);
        let scope = once.unwrap_or_default();
        prop_assert_eq!(Scope::parse(&scope.to_string()).map(|p| p.scope), Ok(scope));
    }
}
