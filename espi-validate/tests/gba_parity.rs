//! Parity with GBA's own Schematron stylesheets: for every sample in `testdata/` (73 files), the
//! assertion ids (and how often each fires) per Function Block must equal `gba_schematron`
//! (and `gba_schematron_occurrences`) of `testdata/expected.json`, computed by running GBA's compiled
//! FB_xx.xsl with xsltproc. Every Function Block GBA tests is implemented, so every one is compared.
//! Known disagreements are listed in `KNOWN` with the reason; any other difference fails.

use espi_validate::gba;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// (sample, Function Block, assertion id, why we differ from GBA's stylesheet).
const KNOWN: &[(&str, u16, &str, &str)] = &[];

fn testdata() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata"))
}

#[test]
fn assertion_ids_and_counts_match_gba_on_every_sample() {
    let expected_text =
        std::fs::read_to_string(testdata().join("expected.json")).expect("expected.json");
    let expected: BTreeMap<String, Value> = serde_json::from_str(&expected_text).expect("json");
    let mut disagreements = Vec::new();
    let mut compared = 0;
    let mut files = 0;
    let mut occurrences = 0;
    let mut distinct = 0;
    for (path, facts) in &expected {
        let Some(gba_ids) = facts.get("gba_schematron").and_then(Value::as_object) else {
            continue;
        };
        files += 1;
        let bytes = std::fs::read(testdata().join("samples").join(path)).expect("sample");
        let parsed = espi_xml::read_document(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"));
        for (fb_name, ids) in gba_ids {
            let fb: u16 = fb_name
                .trim_start_matches("FB_")
                .parse()
                .expect("FB number");
            assert!(
                gba::FUNCTION_BLOCKS.contains(&fb),
                "{fb_name} not implemented"
            );
            let want: BTreeMap<String, u64> = facts["gba_schematron_occurrences"][fb_name]
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                        .collect()
                })
                .unwrap_or_default();
            let want_ids: Vec<&str> = ids
                .as_array()
                .expect("ids")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert_eq!(
                want_ids,
                want.keys().map(String::as_str).collect::<Vec<_>>(),
                "{path} {fb_name}"
            );
            let mut got: BTreeMap<String, u64> = BTreeMap::new();
            for finding in gba::check(&parsed.document, &[fb]) {
                *got.entry(finding.rule.to_owned()).or_default() += 1;
            }
            compared += 1;
            distinct += want.len();
            occurrences += want.values().sum::<u64>();
            let ids: std::collections::BTreeSet<&String> = want.keys().chain(got.keys()).collect();
            for id in ids {
                let (w, g) = (
                    want.get(id).copied().unwrap_or(0),
                    got.get(id).copied().unwrap_or(0),
                );
                if w != g {
                    let known = KNOWN
                        .iter()
                        .any(|(p, f, i, _)| p == path && *f == fb && i == id);
                    if !known {
                        disagreements.push(format!("{path} {fb_name} {id}: GBA {w}, ours {g}"));
                    }
                }
            }
        }
    }
    assert_eq!(files, 73);
    assert_eq!(compared, 73 * 17);
    eprintln!(
        "{files} files, {compared} (file, FB) pairs, {distinct} failed assertion ids, {occurrences} failures"
    );
    assert!(
        distinct > 1000 && occurrences > distinct as u64,
        "the comparison must not be vacuous"
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
