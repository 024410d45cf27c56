use super::*;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Checks one numeric code list against its schema count and round trips.
///
/// `unlisted` must be a code the schema does not list.
fn check_numeric<T>(listed: &[T], schema_count: usize, unlisted: T::Code)
where
    T: CodeList + fmt::Display + FromStr + Serialize + DeserializeOwned,
    T::Code: PartialEq + fmt::Debug + fmt::Display + Serialize,
{
    assert_eq!(listed.len(), schema_count, "{}: listed codes", T::TYPE_NAME);
    for &value in listed {
        let code = value.code();
        let back = T::from_code(code);
        assert_eq!(back, value, "{}: code {code}", T::TYPE_NAME);
        assert_eq!(back.code(), code);
        let name = value.name();
        assert!(
            name.is_some(),
            "{}: code {code} came back as Other",
            T::TYPE_NAME
        );
        assert_eq!(Some(value.to_string().as_str()), name);

        // Serde: the bare integer code, both ways.
        let json = serde_json::to_string(&value).expect("serialize");
        assert_eq!(json, code.to_string());
        let parsed: T = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(parsed, value);

        // XML text form.
        let from_text = format!(" {code}\n").parse::<T>().ok();
        assert_eq!(from_text, Some(value));
    }

    let other = T::from_code(unlisted);
    assert_eq!(
        other.name(),
        None,
        "{}: {unlisted} should be unlisted",
        T::TYPE_NAME
    );
    assert_eq!(other.code(), unlisted);
    assert_eq!(other.to_string(), unlisted.to_string());
    let json = serde_json::to_string(&other).expect("serialize");
    assert_eq!(json, unlisted.to_string());
    let parsed: T = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(parsed, other);
}

/// Every u16 code maps to a value that gives the same code back.
fn check_every_u16<T: CodeList<Code = u16>>() {
    for code in 0..=u16::MAX {
        assert_eq!(T::from_code(code).code(), code, "{}", T::TYPE_NAME);
    }
}

// The expected counts are the number of xs:enumeration elements of each
// simpleType of espi.xsd 4.0.20231213, counted from the XSD independently of the
// tables, so that a code left out or pasted twice fails here.

#[test]
fn item_kind() {
    check_numeric(ItemKind::LISTED, 10, 0);
    check_every_u16::<ItemKind>();
}

#[test]
fn accumulation_kind() {
    check_numeric(AccumulationKind::LISTED, 11, 5);
    check_every_u16::<AccumulationKind>();
}

#[test]
fn commodity_kind() {
    check_numeric(CommodityKind::LISTED, 27, 27);
    check_every_u16::<CommodityKind>();
}

#[test]
fn currency() {
    check_numeric(Currency::LISTED, 14, 999);
    check_every_u16::<Currency>();
}

#[test]
fn data_qualifier_kind() {
    check_numeric(DataQualifierKind::LISTED, 15, 1);
    check_every_u16::<DataQualifierKind>();
}

#[test]
fn flow_direction_kind() {
    check_numeric(FlowDirectionKind::LISTED, 21, 6);
    check_every_u16::<FlowDirectionKind>();
}

#[test]
fn measurement_kind() {
    check_numeric(MeasurementKind::LISTED, 125, 1);
    check_every_u16::<MeasurementKind>();
}

#[test]
fn phase_code_kind() {
    check_numeric(PhaseCodeKind::LISTED, 27, 1);
    check_every_u16::<PhaseCodeKind>();
}

#[test]
fn unit_multiplier_kind() {
    check_numeric(UnitMultiplierKind::LISTED, 13, 5);
    for code in i16::MIN..=i16::MAX {
        let value = UnitMultiplierKind::from_code(code);
        assert_eq!(value.code(), code);
        assert_eq!(value.exponent(), code);
    }
    assert_eq!(
        serde_json::to_string(&UnitMultiplierKind::Milli)
            .ok()
            .as_deref(),
        Some("-3")
    );
}

#[test]
fn quality_of_reading() {
    check_numeric(QualityOfReading::LISTED, 14, 1);
    check_every_u16::<QualityOfReading>();
}

#[test]
fn service_kind() {
    check_numeric(ServiceKind::LISTED, 10, 10);
    check_every_u16::<ServiceKind>();
}

#[test]
fn time_attribute_kind() {
    check_numeric(TimeAttributeKind::LISTED, 41, 8);
    check_every_u16::<TimeAttributeKind>();
}

#[test]
fn time_period_of_interest() {
    check_numeric(TimePeriodOfInterest::LISTED, 7, 1);
    check_every_u16::<TimePeriodOfInterest>();
}

#[test]
fn unit_symbol_kind() {
    check_numeric(UnitSymbolKind::LISTED, 125, 999);
    check_every_u16::<UnitSymbolKind>();
}

#[test]
fn status_code() {
    check_numeric(StatusCode::LISTED, 14, 418);
    check_every_u16::<StatusCode>();
}

#[test]
fn crud_operation() {
    check_numeric(CRUDOperation::LISTED, 4, 4);
    check_every_u16::<CRUDOperation>();
}

#[test]
fn data_custodian_application_status() {
    check_numeric(DataCustodianApplicationStatus::LISTED, 4, 0);
    check_every_u16::<DataCustodianApplicationStatus>();
}

#[test]
fn third_party_application_status() {
    check_numeric(ThirdPartyApplicationStatus::LISTED, 4, 0);
    check_every_u16::<ThirdPartyApplicationStatus>();
    assert_eq!(
        ThirdPartyApplicationStatus::TYPE_NAME,
        "ThirdPartyApplicatonStatus"
    );
}

#[test]
fn third_party_application_type() {
    check_numeric(ThirdPartyApplicationType::LISTED, 4, 5);
    check_every_u16::<ThirdPartyApplicationType>();
}

#[test]
fn third_party_application_use() {
    // 6 (Gamification) appears in some GBA material but not in the schema.
    check_numeric(ThirdPartyApplicationUse::LISTED, 5, 6);
    check_every_u16::<ThirdPartyApplicationUse>();
}

#[test]
fn authorization_status() {
    check_numeric(AuthorizationStatus::LISTED, 3, 3);
    check_every_u16::<AuthorizationStatus>();
}

#[test]
fn service_status_code() {
    check_numeric(ServiceStatusCode::LISTED, 2, 2);
    check_every_u16::<ServiceStatusCode>();
    assert_eq!(ServiceStatusCode::TYPE_NAME, "ESPIServiceStatus");
}

#[test]
fn spot_checks_against_the_schema() {
    assert_eq!(ServiceKind::from_code(0), ServiceKind::Electricity);
    assert_eq!(ServiceKind::Electricity.to_string(), "electricity");
    assert_eq!(UnitSymbolKind::from_code(72), UnitSymbolKind::Wh);
    assert_eq!(UnitSymbolKind::from_code(169), UnitSymbolKind::Therm);
    assert_eq!(UnitSymbolKind::from_code(28).name(), Some("H"));
    assert_eq!(UnitSymbolKind::from_code(160).name(), Some("h"));
    assert_eq!(
        CommodityKind::from_code(1).name(),
        Some("electricity SecondaryMetered")
    );
    assert_eq!(MeasurementKind::from_code(12), MeasurementKind::Energy);
    assert_eq!(FlowDirectionKind::from_code(19).to_string(), "reverse");
    assert_eq!(
        QualityOfReading::from_code(19).to_string(),
        "revenue-quality"
    );
    assert_eq!(
        QualityOfReading::from_code(16),
        QualityOfReading::OtherCharacteristic
    );
    assert_eq!(Currency::from_code(0), Currency::Another);
    assert_eq!(UnitMultiplierKind::from_code(-6).name(), Some("micro"));
    // The schema's duplicated name: two codes, one name.
    assert_eq!(PhaseCodeKind::from_code(784), PhaseCodeKind::S12N);
    assert_eq!(PhaseCodeKind::from_code(769), PhaseCodeKind::S12NAlt);
    assert_eq!(PhaseCodeKind::S12N.name(), PhaseCodeKind::S12NAlt.name());
}

#[test]
fn conversions() {
    let uom: UnitSymbolKind = 42u16.into();
    assert_eq!(uom, UnitSymbolKind::M3);
    assert_eq!(u16::from(UnitSymbolKind::M3), 42);
    assert_eq!(i16::from(UnitMultiplierKind::Kilo), 3);
    assert_eq!(UnitMultiplierKind::from(-12), UnitMultiplierKind::Pico);
}

#[test]
fn parse_errors_name_the_type() {
    let error = "watts".parse::<UnitSymbolKind>().err();
    assert_eq!(
        error.as_ref().map(|e| e.to_string()),
        Some("UnitSymbolKind: \"watts\" is not an integer code".to_owned())
    );
    // Out of range for the wire type.
    assert!("70000".parse::<ServiceKind>().is_err());
    assert!("-1".parse::<ServiceKind>().is_err());
    // An unlisted but well-formed code is kept, not an error.
    assert_eq!("7".parse::<ServiceKind>().ok(), Some(ServiceKind::Rates));
    assert_eq!(
        "77".parse::<ServiceKind>().ok(),
        Some(ServiceKind::Other(77))
    );
    assert!(serde_json::from_str::<ServiceKind>("\"gas\"").is_err());
}

#[test]
fn unit_symbols_and_names() {
    for &uom in UnitSymbolKind::LISTED {
        assert!(uom.symbol().is_some(), "{uom:?} has no symbol");
        assert!(uom.human_name().is_some_and(|n| !n.is_empty()), "{uom:?}");
    }
    assert_eq!(UnitSymbolKind::Wh.symbol(), Some("Wh"));
    assert_eq!(UnitSymbolKind::Wh.human_name(), Some("watt-hours"));
    assert_eq!(UnitSymbolKind::M3.human_name(), Some("cubic metres"));
    assert_eq!(UnitSymbolKind::Therm.human_name(), Some("therms"));
    assert_eq!(UnitSymbolKind::DegC.symbol(), Some("°C"));
    assert_eq!(UnitSymbolKind::Other(999).symbol(), None);
    assert_eq!(UnitSymbolKind::Other(999).human_name(), None);
}

#[test]
fn multiplier_prefixes() {
    let prefixes: Vec<&str> = UnitMultiplierKind::LISTED
        .iter()
        .filter_map(|m| m.prefix())
        .collect();
    assert_eq!(
        prefixes,
        [
            "p", "n", "µ", "m", "c", "d", "k", "M", "G", "T", "", "da", "h"
        ]
    );
    assert_eq!(UnitMultiplierKind::Other(5).prefix(), None);
    assert_eq!(UnitMultiplierKind::Other(5).exponent(), 5);
}

#[test]
fn unit_labels() {
    use UnitMultiplierKind as Mul;
    use UnitSymbolKind as Uom;
    assert_eq!(unit_label(Mul::Kilo, Uom::Wh), "kWh");
    assert_eq!(unit_label(Mul::None, Uom::Wh), "Wh");
    assert_eq!(unit_label(Mul::None, Uom::M3), "m³");
    assert_eq!(unit_label(Mul::None, Uom::Therm), "therm");
    assert_eq!(unit_label(Mul::Micro, Uom::A), "µA");
    assert_eq!(unit_label(Mul::Deci, Uom::Bm), "dBm");
    assert_eq!(unit_label(Mul::Other(5), Uom::Wh), "×10^5 Wh");
    assert_eq!(unit_label(Mul::None, Uom::Other(999)), "uom 999");
    assert_eq!(unit_label(Mul::Kilo, Uom::Other(999)), "×10^3 uom 999");
    assert_eq!(unit_label(Mul::None, Uom::None), "");
    assert_eq!(unit_label(Mul::Kilo, Uom::None), "×10^3");
    // A prefix binds before an exponent: 10^-3 m³ is not mm³ (10^-9 m³).
    assert_eq!(unit_label(Mul::Milli, Uom::M3), "×10^-3 m³");
    assert_eq!(unit_label(Mul::Kilo, Uom::M2), "×10^3 m²");
    assert_eq!(unit_label(Mul::Hecto, Uom::Ft3), "×10^2 ft³");
    assert_eq!(unit_label(Mul::Kilo, Uom::M3PerH), "×10^3 m³/h");
    assert_eq!(unit_label(Mul::Kilo, Uom::A2h), "×10^3 A²h");
    // Exponents after the leading unit do not stop the prefix.
    assert_eq!(unit_label(Mul::Kilo, Uom::WhPerM3), "kWh/m³");
    assert_eq!(unit_label(Mul::Kilo, Uom::KgPerM3), "kg/m³");
    assert_eq!(unit_label(Mul::Kilo, Uom::GM2), "kg·m²");
    assert_eq!(unit_label(Mul::Kilo, Uom::Ohm), "kΩ");
}

#[test]
fn currency_alpha_codes() {
    for &currency in Currency::LISTED {
        match currency.alpha_code() {
            Some(alpha) => {
                assert_eq!(alpha.len(), 3);
                assert!(alpha.bytes().all(|b| b.is_ascii_uppercase()));
            }
            None => assert_eq!(currency, Currency::Another),
        }
    }
    assert_eq!(Currency::from_code(840).alpha_code(), Some("USD"));
    assert_eq!(Currency::from_code(124).alpha_code(), Some("CAD"));
    assert_eq!(Currency::Other(999).alpha_code(), None);
}

#[test]
fn human_names() {
    for &kind in ServiceKind::LISTED {
        assert!(kind.human_name().is_some());
    }
    for &quality in QualityOfReading::LISTED {
        assert!(quality.human_name().is_some());
    }
    assert_eq!(ServiceKind::Gas.human_name(), Some("gas"));
    assert_eq!(ServiceKind::Other(42).human_name(), None);
    assert_eq!(QualityOfReading::Valid.human_name(), Some("valid"));
    assert_eq!(QualityOfReading::Other(1).human_name(), None);
}

/// Checks one string code list against its schema count and round trips.
fn check_string<T>(listed: &[T], schema_count: usize)
where
    T: StringCodeList + fmt::Display + Serialize + DeserializeOwned + From<String>,
{
    assert_eq!(
        listed.len(),
        schema_count,
        "{}: listed literals",
        T::TYPE_NAME
    );
    for value in listed {
        let wire = value.as_wire();
        assert_eq!(&T::from_wire(wire), value, "{}: {wire}", T::TYPE_NAME);
        assert_eq!(&T::from(wire.to_owned()), value);
        assert_eq!(value.to_string(), wire);
        let json = serde_json::to_string(value).expect("serialize");
        assert_eq!(json, format!("\"{wire}\""));
        let parsed: T = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(&parsed, value);
    }
    // Unknown text is kept exactly, including case and spaces.
    for text in ["", " x ", "NOT-IN-THE-SCHEMA", "ünïcode"] {
        let other = T::from_wire(text);
        assert!(!listed.contains(&other), "{}: {text:?}", T::TYPE_NAME);
        assert_eq!(other.as_wire(), text);
        let json = serde_json::to_string(&other).expect("serialize");
        let parsed: T = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(parsed, other);
    }
    // A listed literal with surrounding whitespace is not that literal (no trimming).
    for value in listed {
        let padded = T::from_wire(&format!(" {}", value.as_wire()));
        assert!(!listed.contains(&padded));
    }
}

#[test]
fn string_code_lists() {
    // Counts from espi.xsd 4.0.20231213, as above.
    check_string(TokenEndPointMethod::LISTED, 1);
    check_string(GrantType::LISTED, 3);
    check_string(ResponseType::LISTED, 1);
    check_string(TokenType::LISTED, 1);
    check_string(OAuthError::LISTED, 13);
    check_string(AmiBillingReadyKind::LISTED, 7);
    check_string(UsagePointConnectedKind::LISTED, 3);
    check_string(ApnodeType::LISTED, 14);
    check_string(AnodeType::LISTED, 11);
    check_string(TouOrCppOrConsumptionTier::LISTED, 3);
    check_string(ParticipationCategoryMpm::LISTED, 4);
    check_string(EnrollmentStatus::LISTED, 3);
}

#[test]
fn string_spot_checks() {
    assert_eq!(TokenType::from_wire("Bearer"), TokenType::Bearer);
    assert_eq!(
        TokenType::from_wire("bearer"),
        TokenType::Other("bearer".to_owned())
    );
    assert_eq!(
        GrantType::from("client_credentials"),
        GrantType::ClientCredentials
    );
    assert_eq!(OAuthError::InvalidClientId.as_wire(), "invalid_client_id");
    assert_eq!(
        TouOrCppOrConsumptionTier::TYPE_NAME,
        "tOUorCPPorConsumptionTier"
    );
    let state: UsagePointConnectedKind =
        serde_json::from_str("\"logicallyDisconnected\"").expect("deserialize");
    assert_eq!(state, UsagePointConnectedKind::LogicallyDisconnected);
}
