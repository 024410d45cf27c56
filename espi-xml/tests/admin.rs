//! Administrative and customer resources on hand-made documents: the deviations real
//! admin files have (read leniently with a positioned diagnostic, rejected strictly,
//! and never dropped), bare roots, feeds mixing resource types, and the writer's
//! refusal to mix usage and customer data.

use espi_model::code_list::{AuthorizationStatus, ServiceStatusCode, TokenType};
use espi_model::raw::RawElement;
use espi_model::{atom::Document, resource::Resource};
use espi_xml::{
    DiagnosticKind, ParsedDocument, ReaderOptions, WriteOptions, read_document, read_document_with,
    write_document,
};

fn authorization_entry(body: &str) -> String {
    format!(
        r#"<entry xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:a</id>
<link rel="self" href="https://dc.example/espi/1_1/resource/Authorization/7"/>
<content><Authorization xmlns="http://naesb.org/espi">
<authorizedPeriod><duration>31536000</duration><start>1333252800</start></authorizedPeriod>
{body}
<resourceURI>https://dc.example/espi/1_1/resource/Batch/Subscription/5</resourceURI>
<authorizationURI>https://dc.example/espi/1_1/resource/Authorization/7</authorizationURI>
</Authorization></content></entry>"#
    )
}

const VALID_MIDDLE: &str = "<status>1</status><expires_at>1403190000</expires_at>\
    <scope>FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13</scope>\
    <token_type>Bearer</token_type>";

fn authorization(parsed: &ParsedDocument) -> &espi_model::authorization::Authorization {
    match parsed.document.resources().next() {
        Some(Resource::Authorization(authorization)) => authorization,
        other => panic!("expected an Authorization, got {other:?}"),
    }
}

/// Lenient reading keeps the deviation with one diagnostic of `kind` at `line`,
/// strict reading rejects it, and the document round-trips through the writer.
fn deviates(xml: &str, kind: DiagnosticKind, line: u64) -> ParsedDocument {
    let parsed = read_document(xml.as_bytes()).expect("lenient read");
    assert_eq!(
        parsed
            .diagnostics
            .iter()
            .map(|diagnostic| (diagnostic.kind, diagnostic.position.line))
            .collect::<Vec<_>>(),
        vec![(kind, line)],
        "{:?}",
        parsed.diagnostics
    );
    let strict = read_document_with(xml.as_bytes(), ReaderOptions::strict());
    assert!(strict.is_err(), "strict mode accepted it");
    let written =
        write_document(&parsed.document, Vec::new(), WriteOptions::indented()).expect("writes");
    let again = read_document(&written[..]).expect("reads what it wrote");
    assert_eq!(again.document, parsed.document, "the round trip lost data");
    parsed
}

#[test]
fn a_valid_authorization_is_typed() {
    let parsed = read_document_with(
        authorization_entry(VALID_MIDDLE).as_bytes(),
        ReaderOptions::strict(),
    )
    .expect("strict read");
    let authorization = authorization(&parsed);
    assert_eq!(authorization.status, Some(AuthorizationStatus::Active));
    assert_eq!(authorization.token_type, Some(TokenType::Bearer));
    assert_eq!(
        authorization
            .authorized_period
            .as_ref()
            .and_then(|p| p.end()),
        Some(1_333_252_800 + 31_536_000)
    );
}

#[test]
fn lowercase_bearer_is_kept_and_reported() {
    let middle = VALID_MIDDLE.replace("Bearer", "bearer");
    let parsed = deviates(
        &authorization_entry(&middle),
        DiagnosticKind::FacetViolation,
        5,
    );
    assert_eq!(
        authorization(&parsed).token_type,
        Some(TokenType::Other("bearer".into()))
    );
}

#[test]
fn a_legacy_access_token_element_is_kept_as_raw_xml() {
    let middle =
        format!("{VALID_MIDDLE}\n<accessToken>688b026c-665f-4994-9139-6b21b13fbeee</accessToken>");
    let parsed = deviates(
        &authorization_entry(&middle),
        DiagnosticKind::UnknownElement,
        6,
    );
    let kept: Vec<&RawElement> = authorization(&parsed).unknown_elements.iter().collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].name.local, "accessToken");
    assert_eq!(kept[0].text(), "688b026c-665f-4994-9139-6b21b13fbeee");
}

#[test]
fn a_duration_in_milliseconds_that_overflows_uint32_is_kept() {
    let xml = authorization_entry(VALID_MIDDLE).replace(
        "<duration>31536000</duration>",
        "<duration>31536000000</duration>",
    );
    let parsed = deviates(&xml, DiagnosticKind::InvalidValue, 4);
    let period = authorization(&parsed)
        .authorized_period
        .as_ref()
        .expect("period kept");
    assert_eq!(period.duration, None, "the value does not fit a UInt32");
    assert_eq!(period.start, Some(1_333_252_800));
    assert_eq!(period.unknown_elements[0].text(), "31536000000");
    let message = &parsed.diagnostics[0].message;
    assert!(
        message.contains("UInt32") && message.contains("kept"),
        "{message}"
    );
}

#[test]
fn text_in_a_numeric_status_is_kept() {
    let middle = VALID_MIDDLE.replace("<status>1</status>", "<status>ACTIVE</status>");
    let parsed = deviates(
        &authorization_entry(&middle),
        DiagnosticKind::InvalidValue,
        5,
    );
    let authorization = authorization(&parsed);
    assert_eq!(authorization.status, None);
    assert_eq!(authorization.unknown_elements[0].text(), "ACTIVE");
}

#[test]
fn a_missing_data_custodian_id_is_reported() {
    let xml = r#"<entry xmlns="http://www.w3.org/2005/Atom"><content>
<ApplicationInformation xmlns="http://naesb.org/espi">
<dataCustodianApplicationStatus>1</dataCustodianApplicationStatus>
<thirdPartyNotifyUri>https://tp.example/notify</thirdPartyNotifyUri>
<authorizationServerAuthorizationEndpoint>https://dc.example/oauth/authorize</authorizationServerAuthorizationEndpoint>
<authorizationServerTokenEndpoint>https://dc.example/oauth/token</authorizationServerTokenEndpoint>
<dataCustodianBulkRequestURI>https://dc.example/espi/1_1/resource/Batch/Bulk/1</dataCustodianBulkRequestURI>
<dataCustodianResourceEndpoint>https://dc.example/espi/1_1/resource</dataCustodianResourceEndpoint>
<client_secret>s</client_secret><client_name>TP</client_name><redirect_uri>https://tp.example/cb</redirect_uri>
<client_id>tp</client_id><software_id>x</software_id><software_version>1</software_version>
<client_id_issued_at>1403190000</client_id_issued_at><client_secret_expires_at>0</client_secret_expires_at>
<token_endpoint_auth_method>client_secret_basic</token_endpoint_auth_method>
<scope>FB=1_3_4_5_13_14_39;IntervalDuration=3600;BlockDuration=monthly;HistoryLength=13</scope>
<grant_types>authorization_code</grant_types><grant_types>refresh_token</grant_types>
<response_types>code</response_types>
<registration_client_uri>https://dc.example/espi/1_1/resource/ApplicationInformation/1</registration_client_uri>
<registration_access_token>t</registration_access_token>
</ApplicationInformation></content></entry>"#;
    let parsed = deviates(xml, DiagnosticKind::MissingRequired, 18);
    assert!(
        parsed.diagnostics[0].message.contains("dataCustodianId"),
        "{}",
        parsed.diagnostics[0].message
    );
    let fixed = xml.replace(
        "<dataCustodianApplicationStatus>",
        "<dataCustodianId>dc</dataCustodianId><dataCustodianApplicationStatus>",
    );
    read_document_with(fixed.as_bytes(), ReaderOptions::strict()).expect("valid once added");
    // The schema wants at least two grant_types.
    let one_grant = fixed.replace("<grant_types>refresh_token</grant_types>", "");
    let parsed = deviates(&one_grant, DiagnosticKind::MissingRequired, 18);
    assert!(
        parsed.diagnostics[0]
            .message
            .contains("grant_types (at least 2)"),
        "{}",
        parsed.diagnostics[0].message
    );
}

#[test]
fn bare_service_status_and_batch_list_roots_are_typed_and_written_back() {
    let status = r#"<ServiceStatus xmlns="http://naesb.org/espi"><currentStatus>1</currentStatus></ServiceStatus>"#;
    let parsed = read_document_with(status.as_bytes(), ReaderOptions::strict()).expect("reads");
    match &parsed.document {
        Document::Resource(resource) => match resource.as_ref() {
            Resource::ServiceStatus(status) => {
                assert_eq!(status.current_status, Some(ServiceStatusCode::Normal));
                assert!(status.is_available());
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
    let list = r#"<?xml version="1.0"?><ns0:BatchList xmlns:ns0="http://naesb.org/espi">
<ns0:resources>https://tp.example/espi/1_1/resource/Batch/Subscription/1</ns0:resources>
<ns0:resources>https://tp.example/espi/1_1/resource/Batch/Subscription/2/UsagePoint/3</ns0:resources>
</ns0:BatchList>"#;
    let parsed = read_document_with(list.as_bytes(), ReaderOptions::strict()).expect("reads");
    let Document::Resource(resource) = &parsed.document else {
        panic!("a bare root");
    };
    let Resource::BatchList(batch) = resource.as_ref() else {
        panic!("{resource:?}");
    };
    assert_eq!(batch.resources.len(), 2);
    let written =
        write_document(&parsed.document, Vec::new(), WriteOptions::compact()).expect("writes");
    let text = String::from_utf8(written).expect("UTF-8");
    assert!(
        text.contains(r#"<espi:BatchList xmlns:espi="http://naesb.org/espi"><espi:resources>"#),
        "{text}"
    );
    assert_eq!(
        read_document(text.as_bytes()).expect("reads").document,
        parsed.document
    );
}

#[test]
fn a_feed_may_mix_admin_and_usage_resources() {
    let xml = format!(
        r#"<feed xmlns="http://www.w3.org/2005/Atom">{}
<entry><content><ServiceStatus xmlns="http://naesb.org/espi"><currentStatus>0</currentStatus></ServiceStatus></content></entry>
<entry><content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content></entry>
</feed>"#,
        authorization_entry(VALID_MIDDLE).replace(r#" xmlns="http://www.w3.org/2005/Atom""#, "")
    );
    let parsed = read_document_with(xml.as_bytes(), ReaderOptions::strict()).expect("reads");
    let kinds: Vec<_> = parsed.document.resources().map(Resource::kind).collect();
    assert_eq!(
        kinds,
        [
            espi_model::resource::ResourceKind::Authorization,
            espi_model::resource::ResourceKind::ServiceStatus,
            espi_model::resource::ResourceKind::UsagePoint
        ]
    );
    let written =
        write_document(&parsed.document, Vec::new(), WriteOptions::compact()).expect("writes");
    assert_eq!(
        read_document(&written[..]).expect("reads").document,
        parsed.document
    );
}

#[test]
fn the_writer_never_mixes_usage_and_customer_data() {
    let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom">
<entry><content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content></entry>
<entry><content><cust:Customer xmlns:cust="http://naesb.org/espi/customer"><cust:name>A</cust:name></cust:Customer></content></entry>
</feed>"#;
    // Reading such a document is fine (it is reported nowhere as an error)...
    let parsed = read_document(xml.as_bytes()).expect("reads");
    // ...but writing one is refused, naming why.
    let error = write_document(&parsed.document, Vec::new(), WriteOptions::compact())
        .expect_err("mixed document written");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(
        error.to_string().contains("cannot share a document"),
        "{error}"
    );
}

#[test]
fn a_non_standard_statement_element_in_customer_data_is_kept() {
    let xml = r#"<entry xmlns="http://www.w3.org/2005/Atom"><content>
<cust:CustomerAccount xmlns:cust="http://naesb.org/espi/customer">
<cust:billingCycle>monthly</cust:billingCycle>
<cust:statement><cust:ref>https://dc.example/Statement/1</cust:ref></cust:statement>
<cust:accountId>123</cust:accountId>
</cust:CustomerAccount></content></entry>"#;
    let parsed = deviates(xml, DiagnosticKind::UnknownElement, 4);
    let Some(Resource::CustomerAccount(account)) = parsed.document.resources().next() else {
        panic!("a typed CustomerAccount");
    };
    assert_eq!(account.billing_cycle.as_deref(), Some("monthly"));
    assert_eq!(account.account_id.as_deref(), Some("123"));
    assert_eq!(account.unknown_elements[0].name.local, "statement");
    // Written back in the customer namespace, never the ESPI one.
    let written =
        write_document(&parsed.document, Vec::new(), WriteOptions::compact()).expect("writes");
    let text = String::from_utf8(written).expect("UTF-8");
    assert!(
        text.contains(r#"xmlns:cust="http://naesb.org/espi/customer""#)
            && text.contains("<cust:accountId>123</cust:accountId>")
            && !text.contains("naesb.org/espi\""),
        "{text}"
    );
}

#[test]
fn customer_children_in_the_espi_namespace_are_not_customer_fields() {
    // The children of a customer resource are in the customer namespace; an ESPI
    // element of the same local name is another element, kept raw and reported.
    let xml = r#"<cust:Meter xmlns:cust="http://naesb.org/espi/customer" xmlns:espi="http://naesb.org/espi"><espi:serialNumber>1</espi:serialNumber></cust:Meter>"#;
    let parsed = read_document(xml.as_bytes()).expect("reads");
    let Document::Resource(resource) = &parsed.document else {
        panic!("bare root");
    };
    let Resource::Meter(meter) = resource.as_ref() else {
        panic!("{resource:?}");
    };
    assert_eq!(meter.serial_number, None);
    assert_eq!(meter.unknown_elements.len(), 1);
    assert_eq!(parsed.diagnostics[0].kind, DiagnosticKind::UnknownElement);
}

#[test]
fn extension_elements_keep_their_attributes_in_strict_mode() {
    // `extension` is xs:anyType: attributes are allowed and kept with the raw XML.
    let xml = r#"<espi:ServiceStatus xmlns:espi="http://naesb.org/espi"><espi:extension note="x"/><espi:currentStatus>1</espi:currentStatus></espi:ServiceStatus>"#;
    let parsed = read_document_with(xml.as_bytes(), ReaderOptions::strict()).expect("valid");
    let Document::Resource(resource) = &parsed.document else {
        panic!("bare root");
    };
    let Resource::ServiceStatus(status) = resource.as_ref() else {
        panic!("{resource:?}");
    };
    assert_eq!(status.extension[0].attributes[0].value, "x");
    // A typed child still takes no attributes.
    let typed = xml.replace("<espi:currentStatus>", r#"<espi:currentStatus note="y">"#);
    assert!(read_document_with(typed.as_bytes(), ReaderOptions::strict()).is_err());
}

#[test]
fn a_feed_has_no_published_date() {
    let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:uuid:1</id>
<published>2024-01-01T00:00:00Z</published></feed>"#;
    let parsed = read_document(xml.as_bytes()).expect("lenient");
    assert_eq!(parsed.diagnostics[0].kind, DiagnosticKind::UnknownElement);
    assert_eq!(parsed.diagnostics[0].position.line, 2);
    assert!(read_document_with(xml.as_bytes(), ReaderOptions::strict()).is_err());
}
