//! No input makes the reader panic: arbitrary bytes, real samples with random edits,
//! and real samples cut anywhere give entries, diagnostics or a positioned error.

use espi_xml::{EntryReader, Mode, ReaderOptions};
use proptest::prelude::*;

const SAMPLES: [&[u8]; 4] = [
    include_bytes!("../../testdata/samples/burlington-hydro/usage_60min.xml"),
    include_bytes!("../../testdata/samples/verdigris-sce/BulkSCEIntervalBlock.xml"),
    include_bytes!("../../testdata/samples/verdigris-pge/PGEApplicationInformation.xml"),
    include_bytes!(
        "../../testdata/samples/gba-openapi/AtomEntry_UsageSummary__UsageSummaryEntry.xml"
    ),
];

/// Reads everything in both modes; an error must say where.
fn read_all(bytes: &[u8]) {
    for mode in [Mode::Lenient, Mode::Strict] {
        let mut reader = EntryReader::with_options(bytes, ReaderOptions::with_mode(mode));
        for entry in reader.by_ref() {
            if let Err(error) = entry {
                assert!(
                    error.position().is_some(),
                    "error without a position: {error}"
                );
            }
        }
        assert!(
            reader
                .diagnostics()
                .iter()
                .all(|diagnostic| diagnostic.position.line >= 1)
        );
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Replace(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let markup = prop::sample::select(vec![
        b'<', b'>', b'/', b'&', b'"', b':', b'=', b';', b'x', 0xC3, 0x00,
    ]);
    prop_oneof![
        (any::<usize>(), markup.clone()).prop_map(|(at, byte)| Edit::Replace(at, byte)),
        (any::<usize>(), prop::collection::vec(markup, 1..8))
            .prop_map(|(at, bytes)| Edit::Insert(at, bytes)),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Edit::Delete(at, len)),
    ]
}

fn apply(sample: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut bytes = sample.to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match edit {
            Edit::Replace(at, byte) => {
                if let Some(target) = bytes.get_mut(at % len) {
                    *target = *byte;
                }
            }
            Edit::Insert(at, inserted) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, inserted.iter().copied());
            }
            Edit::Delete(at, count) => {
                let at = at % len;
                let end = (at + count).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        read_all(&bytes);
    }

    #[test]
    fn edited_samples_never_panic(sample in 0..SAMPLES.len(), edits in prop::collection::vec(edit(), 1..6)) {
        read_all(&apply(SAMPLES[sample], &edits));
    }

    #[test]
    fn cut_samples_never_panic(sample in 0..SAMPLES.len(), cut in any::<usize>()) {
        let bytes = SAMPLES[sample];
        read_all(&bytes[..cut % (bytes.len() + 1)]);
    }
}
