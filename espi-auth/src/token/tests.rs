use super::*;
use crate::ENDPOINTS;

const BASE: &str = "https://example.com/DataCustodian/espi/1_1/resource";

fn uri(path: &str) -> String {
    format!("{BASE}/{path}")
}

fn reach(kind: TokenKind, method: Method, path: &str, bound: &str) -> Result<(), OutOfReach> {
    may_reach(kind, method, path, &uri(bound))
}

#[test]
fn every_row_is_well_formed_and_data_custodian_reaches_every_defined_method() {
    for endpoint in ENDPOINTS {
        let concrete = endpoint
            .path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "7"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let found = crate::Route::parse(&concrete).expect("row matches its own path");
        assert_eq!(
            found.endpoint().path,
            endpoint.path,
            "rows must not shadow each other"
        );
        assert!(!endpoint.get.is_empty(), "{} has no GET", endpoint.path);
        for method in [Method::Get, Method::Post, Method::Put, Method::Delete] {
            let kinds = endpoint.kinds(method);
            assert_eq!(
                kinds.contains(&TokenKind::DataCustodian),
                !kinds.is_empty(),
                "D is in every non-empty cell: {method} {}",
                endpoint.path
            );
            if !kinds.is_empty() {
                assert_eq!(
                    reach(TokenKind::DataCustodian, method, &concrete, ""),
                    Ok(()),
                    "{method} {concrete}"
                );
            }
        }
    }
}

#[test]
fn access_token_reaches_only_its_own_subscription() {
    let bound = "Batch/Subscription/5";
    for path in [
        "Batch/Subscription/5",
        "/Batch/Subscription/5/UsagePoint/1",
        "Subscription/5/UsagePoint",
        "Subscription/5/UsagePoint/1",
        "Subscription/5/UsagePoint/1/MeterReading",
        "Subscription/5/UsagePoint/1/MeterReading/2",
        "Subscription/5/UsagePoint/1/MeterReading/2/IntervalBlock",
        "Subscription/5/UsagePoint/1/MeterReading/2/IntervalBlock/3",
        "Subscription/5/UsagePoint/1/ElectricPowerQualitySummary",
        "Subscription/5/UsagePoint/1/ElectricPowerQualitySummary/4",
        "Subscription/5/UsagePoint/1/UsageSummary",
        "Subscription/5/UsagePoint/1/UsageSummary/4",
        "Subscription/5/UsagePoint/1/ElectricPowerUsageSummary/4",
        "LocalTimeParameters",
        "LocalTimeParameters/1",
        "ReadingType",
        "ReadingType/1",
        "Batch/Subscription/5?published-min=2024-01-01T00:00:00Z",
    ] {
        assert_eq!(
            reach(TokenKind::Access, Method::Get, path, bound),
            Ok(()),
            "{path}"
        );
    }
    for path in [
        "Batch/Subscription/6",
        "Batch/Subscription/6/UsagePoint/1",
        "Subscription/6/UsagePoint",
        "Subscription/55/UsagePoint/1/MeterReading/2/IntervalBlock/3",
    ] {
        assert!(
            matches!(
                reach(TokenKind::Access, Method::Get, path, bound),
                Err(OutOfReach::OutsideBinding {
                    placeholder: "subscriptionId",
                    ..
                })
            ),
            "{path}"
        );
    }
    // Writes are the data custodian's.
    assert!(matches!(
        reach(
            TokenKind::Access,
            Method::Post,
            "Subscription/5/UsagePoint",
            bound
        ),
        Err(OutOfReach::KindNotAllowed { .. })
    ));
    assert!(matches!(
        reach(
            TokenKind::Access,
            Method::Delete,
            "Subscription/5/UsagePoint/1",
            bound
        ),
        Err(OutOfReach::KindNotAllowed { .. })
    ));
    // A subscription token reaches no customer data.
    assert!(matches!(
        reach(
            TokenKind::Access,
            Method::Get,
            "Batch/RetailCustomer/5",
            bound
        ),
        Err(OutOfReach::OutsideBinding {
            placeholder: "retailCustomerId",
            ..
        })
    ));
    assert!(matches!(
        reach(
            TokenKind::Access,
            Method::Get,
            "RetailCustomer/5/Customer",
            bound
        ),
        Err(OutOfReach::OutsideBinding {
            placeholder: "retailCustomerId",
            ..
        })
    ));
    // Nor the admin and bulk rows.
    for path in [
        "UsagePoint",
        "Batch/Bulk/1",
        "Authorization",
        "Batch/BulkRetailCustomerInfo/1",
    ] {
        assert!(
            matches!(
                reach(TokenKind::Access, Method::Get, path, bound),
                Err(OutOfReach::KindNotAllowed { .. })
            ),
            "{path}"
        );
    }
}

#[test]
fn access_token_for_a_customer_reaches_only_that_customer() {
    let bound = "Batch/RetailCustomer/9";
    let deep = "RetailCustomer/9/Customer/1/CustomerAccount/2/CustomerAgreement/3/ServiceLocation/4/Meter/5";
    for path in [
        "Batch/RetailCustomer/9",
        "RetailCustomer/9",
        "RetailCustomer/9/Customer",
        "RetailCustomer/9/Customer/1/CustomerAccount",
        "RetailCustomer/9/Customer/1/CustomerAccount/2/CustomerAgreement/3",
        "RetailCustomer/9/Customer/1/CustomerAccount/2/CustomerAgreement/3/ServiceSupplier/4",
        "RetailCustomer/9/Customer/1/CustomerAccount/2/CustomerAgreement/3/ServiceLocation/4/EndDevice",
        deep,
    ] {
        assert_eq!(
            reach(TokenKind::Access, Method::Get, path, bound),
            Ok(()),
            "{path}"
        );
    }
    assert!(matches!(
        reach(
            TokenKind::Access,
            Method::Get,
            "RetailCustomer/8/Customer",
            bound
        ),
        Err(OutOfReach::OutsideBinding { .. })
    ));
    // A customer token reaches no subscription and no shared EUI rows.
    assert!(
        reach(
            TokenKind::Access,
            Method::Get,
            "Batch/Subscription/9",
            bound
        )
        .is_err()
    );
    assert!(reach(TokenKind::Access, Method::Get, "ReadingType", bound).is_err());
    // Root PII collections and writes are the data custodian's.
    assert!(matches!(
        reach(TokenKind::Access, Method::Get, "Customer/1", bound),
        Err(OutOfReach::KindNotAllowed { .. })
    ));
    assert!(matches!(
        reach(TokenKind::Access, Method::Put, deep, bound),
        Err(OutOfReach::KindNotAllowed { .. })
    ));
    assert_eq!(
        reach(TokenKind::DataCustodian, Method::Put, deep, ""),
        Ok(())
    );
    assert_eq!(
        reach(TokenKind::DataCustodian, Method::Post, "Customer", ""),
        Ok(())
    );
}

#[test]
fn client_token_reaches_bulk_authorization_and_service_status() {
    for bound in ["", "*", "Batch/Bulk/**"] {
        assert_eq!(
            reach(TokenKind::Client, Method::Get, "Batch/Bulk/12", bound),
            Ok(())
        );
        assert_eq!(
            reach(TokenKind::Client, Method::Get, "Authorization", bound),
            Ok(())
        );
        assert_eq!(
            reach(TokenKind::Client, Method::Put, "Authorization/3", bound),
            Ok(())
        );
        assert_eq!(
            reach(TokenKind::Client, Method::Delete, "Authorization/3", bound),
            Ok(())
        );
        assert_eq!(
            reach(TokenKind::Client, Method::Get, "ReadServiceStatus", bound),
            Ok(())
        );
    }
    for path in [
        "Batch/Subscription/5",
        "Subscription/5/UsagePoint",
        "Batch/RetailCustomer/1",
    ] {
        assert!(
            matches!(
                reach(TokenKind::Client, Method::Get, path, ""),
                Err(OutOfReach::KindNotAllowed { .. })
            ),
            "{path}"
        );
    }
    assert!(reach(TokenKind::Client, Method::Post, "Authorization", "").is_err());
    // Bound to one bulk: only that bulk.
    assert_eq!(
        reach(
            TokenKind::Client,
            Method::Get,
            "Batch/Bulk/12",
            "Batch/Bulk/12"
        ),
        Ok(())
    );
    assert!(matches!(
        reach(
            TokenKind::Client,
            Method::Get,
            "Batch/Bulk/13",
            "Batch/Bulk/12"
        ),
        Err(OutOfReach::OutsideBinding {
            placeholder: "bulkId",
            ..
        })
    ));
    // A client token cannot carry a subscription binding.
    assert!(matches!(
        reach(
            TokenKind::Client,
            Method::Get,
            "Authorization",
            "Batch/Subscription/5"
        ),
        Err(OutOfReach::UnrecognizedBinding { .. })
    ));
}

#[test]
fn registration_token_reaches_only_its_application_information() {
    let bound = "ApplicationInformation/3";
    for method in [Method::Get, Method::Put, Method::Delete] {
        assert_eq!(
            reach(
                TokenKind::Registration,
                method,
                "ApplicationInformation/3",
                bound
            ),
            Ok(())
        );
        assert!(matches!(
            reach(
                TokenKind::Registration,
                method,
                "ApplicationInformation/4",
                bound
            ),
            Err(OutOfReach::OutsideBinding { .. })
        ));
    }
    assert!(matches!(
        reach(
            TokenKind::Registration,
            Method::Get,
            "ApplicationInformation",
            bound
        ),
        Err(OutOfReach::KindNotAllowed { .. })
    ));
    assert!(reach(TokenKind::Registration, Method::Get, "Authorization", bound).is_err());
    assert!(matches!(
        reach(
            TokenKind::Registration,
            Method::Get,
            "ApplicationInformation/3",
            ""
        ),
        Err(OutOfReach::UnrecognizedBinding { .. })
    ));
    assert_eq!(
        reach(
            TokenKind::DataCustodian,
            Method::Post,
            "ApplicationInformation",
            ""
        ),
        Ok(())
    );
}

#[test]
fn upload_token_reaches_the_upload_path() {
    for bound in ["Batch/RetailCustomer/**/UsagePoint", ""] {
        for method in [Method::Get, Method::Post] {
            assert_eq!(
                reach(
                    TokenKind::Upload,
                    method,
                    "Batch/RetailCustomer/9/UsagePoint",
                    bound
                ),
                Ok(())
            );
        }
        assert_eq!(
            reach(TokenKind::Upload, Method::Get, "ReadServiceStatus", bound),
            Ok(())
        );
        assert!(
            reach(
                TokenKind::Upload,
                Method::Get,
                "Batch/RetailCustomer/9",
                bound
            )
            .is_err()
        );
        assert!(
            reach(
                TokenKind::Upload,
                Method::Get,
                "Batch/Subscription/9",
                bound
            )
            .is_err()
        );
    }
    let bound = "Batch/RetailCustomer/9/UsagePoint";
    assert_eq!(
        reach(
            TokenKind::Upload,
            Method::Post,
            "Batch/RetailCustomer/9/UsagePoint",
            bound
        ),
        Ok(())
    );
    assert!(matches!(
        reach(
            TokenKind::Upload,
            Method::Post,
            "Batch/RetailCustomer/8/UsagePoint",
            bound
        ),
        Err(OutOfReach::OutsideBinding { .. })
    ));
}

#[test]
fn data_custodian_must_be_bound_to_everything() {
    assert_eq!(
        reach(
            TokenKind::DataCustodian,
            Method::Get,
            "Batch/Subscription/6",
            ""
        ),
        Ok(())
    );
    assert_eq!(
        may_reach(
            TokenKind::DataCustodian,
            Method::Get,
            "UsagePoint/1",
            &format!("{BASE}/")
        ),
        Ok(())
    );
    assert!(matches!(
        reach(
            TokenKind::DataCustodian,
            Method::Get,
            "Batch/Subscription/6",
            "Batch/Subscription/5"
        ),
        Err(OutOfReach::UnrecognizedBinding { .. })
    ));
}

#[test]
fn unknown_and_malformed_paths_are_denied() {
    assert!(matches!(
        reach(
            TokenKind::DataCustodian,
            Method::Get,
            "Batch/Subscription",
            ""
        ),
        Err(OutOfReach::UnknownEndpoint { .. })
    ));
    assert!(matches!(
        reach(
            TokenKind::DataCustodian,
            Method::Get,
            "Subscription/5/UsagePoint/1/Nope",
            ""
        ),
        Err(OutOfReach::UnknownEndpoint { .. })
    ));
    for path in [
        "Batch//Subscription/5",
        "Batch/Subscription/../6",
        "Subscription/./5/UsagePoint",
    ] {
        assert!(
            matches!(
                reach(TokenKind::Access, Method::Get, path, "Batch/Subscription/5"),
                Err(OutOfReach::MalformedPath { .. })
            ),
            "{path}"
        );
    }
    assert!(matches!(
        reach(
            TokenKind::DataCustodian,
            Method::Post,
            "Batch/Subscription/5",
            ""
        ),
        Err(OutOfReach::MethodNotDefined { .. })
    ));
    // Literal segments are case-sensitive.
    assert!(
        reach(
            TokenKind::Access,
            Method::Get,
            "batch/subscription/5",
            "Batch/Subscription/5"
        )
        .is_err()
    );
}

#[test]
fn a_prefix_in_the_query_does_not_replace_the_path() {
    let bound = "Batch/Subscription/5";
    let sneaky = "Batch/Subscription/6?next=/espi/1_1/resource/Batch/Subscription/5";
    assert!(matches!(
        reach(TokenKind::Access, Method::Get, sneaky, bound),
        Err(OutOfReach::OutsideBinding { .. })
    ));
    let full = format!("{BASE}/Batch/Subscription/5?published-min=2024-01-01T00:00:00Z");
    assert_eq!(
        may_reach(TokenKind::Access, Method::Get, &full, &uri(bound)),
        Ok(())
    );
}

#[test]
fn a_wildcard_is_not_a_subscription_id() {
    assert!(matches!(
        reach(
            TokenKind::Access,
            Method::Get,
            "Batch/Subscription/5",
            "Batch/Subscription/*"
        ),
        Err(OutOfReach::UnrecognizedBinding { .. })
    ));
}

#[test]
fn letters_and_names() {
    assert_eq!(TokenKind::DataCustodian.letter(), 'D');
    assert_eq!(
        TokenKind::Registration.to_string(),
        "registration_access_token"
    );
    assert_eq!(Method::Delete.to_string(), "DELETE");
}

#[test]
fn a_second_prefix_or_an_encoded_separator_reaches_nothing() {
    let bound = "https://dc.example/espi/1_1/resource/Batch/Subscription/5";
    for path in [
        "/Batch/Subscription/6/espi/1_1/resource/Batch/Subscription/5",
        "https://dc.example/espi/1_1/resource/Batch/Subscription/6/espi/1_1/resource/Batch/Subscription/5",
        "/Batch/Subscription/5/UsagePoint/1%2F..%2F..%2F..%2F6",
        "/Batch/Subscription/5%2e%2e",
    ] {
        assert!(
            may_reach(TokenKind::Access, Method::Get, path, bound).is_err(),
            "{path}"
        );
    }
    assert!(
        may_reach(
            TokenKind::Access,
            Method::Get,
            "/espi/1_1/resource/Batch/Subscription/5",
            bound
        )
        .is_ok()
    );
    assert!(
        may_reach(
            TokenKind::Access,
            Method::Get,
            "https://dc.example/DataCustodian/espi/1_1/resource/Batch/Subscription/5",
            bound
        )
        .is_ok()
    );
}
