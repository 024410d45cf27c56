//! `espi sandbox` on a real sample: it starts on a free port, says where, and answers
//! HTTP as a Data Custodian does (a resource request without a token is refused with
//! an RFC 6750 challenge).

mod common;

#[test]
fn sandbox_serves_a_sample_on_a_free_port() {
    let Some(testdata) = common::testdata() else {
        return;
    };
    let data = common::sample(
        &testdata,
        "gba-sample-data/Desert_Multi_Family_Jan_1_2011_to_Jan_1_2012_RetailCustomer_6.xml",
    );
    let arguments = [
        "--auto-approve",
        "--data",
        &data,
        "--now",
        "2012-01-02T00:00:00Z",
    ];
    let (_sandbox, printed) = common::sandbox(&arguments);
    let text = printed.join("\n");
    assert!(
        text.contains("ready in "),
        "it never said it was ready:\n{text}"
    );
    assert!(text.contains("  client id           third_party"), "{text}");
    assert!(
        text.contains("(data 2011-01-01T08:00:00Z – 2012-01-01T08:00:00Z)"),
        "{text}"
    );
    let resource = printed
        .iter()
        .find_map(|line| line.strip_prefix("  resource endpoint   "))
        .unwrap_or_else(|| panic!("no resource endpoint in\n{text}"));
    let response = common::http_get(&format!("{resource}/ReadServiceStatus"));
    assert!(response.starts_with("HTTP/1.1 401"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("www-authenticate: bearer"),
        "{response}"
    );
}
