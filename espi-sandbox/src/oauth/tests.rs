use super::*;

#[test]
fn parameters_refuse_repeats_and_treat_empty_as_absent() {
    let parameters = Parameters::parse(b"a=1&b=&c=x%20y&a=2");
    assert!(parameters.get("a").is_err());
    assert_eq!(parameters.get("b"), Ok(None));
    assert_eq!(parameters.get("c"), Ok(Some("x y")));
    assert_eq!(parameters.get("d"), Ok(None));
}

#[test]
fn form_decode_handles_plus_and_escapes() {
    assert_eq!(form_decode("a+b%3Ac").as_deref(), Some("a b:c"));
    assert_eq!(form_decode("%zz"), None);
    assert_eq!(form_decode("%4"), None);
    assert_eq!(form_decode("%+1"), None);
    assert_eq!(form_decode("%2B+%C3%A9").as_deref(), Some("+ é"));
    assert_eq!(form_decode("%FF"), None);
    assert_eq!(form_decode("plain").as_deref(), Some("plain"));
}

#[test]
fn secrets_compare_whole() {
    assert!(same_secret(b"secret", b"secret"));
    assert!(!same_secret(b"secret", b"secreT"));
    assert!(!same_secret(b"secret", b"secret2"));
}

#[test]
fn html_is_escaped() {
    assert_eq!(
        escape("<a href=\"x\">&'"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}
