//! `inspect`'s summary of real samples: what it says when local time cannot be shown
//! as the LocalTimeParameters ask.

#[allow(dead_code)]
#[path = "../examples/inspect.rs"]
mod inspect;

use std::path::PathBuf;

fn inspect_text(sample: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/samples")
        .join(sample);
    let bytes = std::fs::read(path).expect("a sample");
    let mut out = Vec::new();
    inspect::inspect(
        sample,
        bytes.as_slice(),
        inspect::Options::default(),
        &mut out,
    )
    .expect("inspects");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn times_are_on_standard_time_and_said_so_when_dst_rules_do_not_decode() {
    let text = inspect_text("enbridge-gas/EGD_Gas_EnergyUsage_20221225_20241225.xml");
    assert!(
        text.contains(
            "LocalTimeParameters cannot be applied (dst_end rule 67271F70: DST rule seconds \
             within the hour 3952 is out of range 0..=3599): times shown on standard time, UTC-05:00"
        ),
        "{text}"
    );
    // 2024-04-04T00:00Z is shown on EST, not as UTC.
    assert!(
        text.contains("1 readings in 1 blocks, 2024-04-03 19:00 -05:00 to 2024-05-01 19:00 -05:00"),
        "{text}"
    );
    assert!(
        !text.contains(" UTC\n") && !text.contains("UTC to"),
        "{text}"
    );
}

#[test]
fn decodable_rules_show_local_time_without_a_note() {
    let text = inspect_text("gba-cmd-test/threeusagepointsonecustomer.xml");
    assert!(!text.contains("cannot be applied"), "{text}");
    assert!(
        text.contains("2014-01-01 00:00 -05:00 to 2014-01-04 00:00 -05:00"),
        "{text}"
    );
}
