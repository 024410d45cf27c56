#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) one after another, seeded from the
# redistributable conformance samples in ../testdata/samples (files up to 64 KiB, cut
# to their first 16 KiB) or from seeds/<target>, then minimizes each corpus into
# corpus/<target>. xml_strict and batch_list read XML as xml_lenient does: they start
# from corpus/xml_lenient too and keep only the inputs that add coverage beyond it
# (tests/fuzz_replay.rs replays that corpus through them as well). Crashes are written to
# artifacts/<target>; copy each, once fixed, to regressions/<target>.
#
#   cargo install cargo-fuzz   # once
#   bash fuzz/run.sh 600       # needs a nightly toolchain (rustup toolchain install nightly)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
targets=${TARGETS:-"xml_lenient xml_strict batch_list scope dst_rule query token_response"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in $targets; do
    mkdir -p "$work/$target" "corpus/$target" "artifacts/$target"
    base=""
    case $target in
        xml_strict|batch_list) base=xml_lenient; cp corpus/xml_lenient/* "$work/$target/" 2>/dev/null || true ;;
    esac
    case $target in
        # Inputs up to 16 KiB: long enough for whole feeds of a few entries, short
        # enough to keep the saved corpus small (the samples themselves are replayed
        # whole by the tests).
        xml_*|batch_list) max_len=16384; find ../testdata/samples -name '*.xml' -size -65k -exec cp {} "$work/$target/" \; ;;
        *) max_len=4096; cp seeds/"$target"/* "$work/$target/" ;;
    esac
    # -s none: the code under test has no unsafe of its own; -a: overflow checks and
    # debug assertions on, as in `cargo test`.
    # New inputs go to the first directory, corpus/<target>; the seeds are read only.
    if ! cargo +nightly fuzz run -s none -a "$target" "corpus/$target" "$work/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -malloc_limit_mb=512 -artifact_prefix="artifacts/$target/" -print_final_stats=1 \
        > "$work/$target.log" 2>&1; then
        echo "$target: FAILED, see artifacts/$target"; tail -n 60 "$work/$target.log"; continue
    fi
    grep -E 'stat::number_of_executed_units|stat::peak_rss_mb|Done ' "$work/$target.log" | tail -n 3
    # Keep only the inputs that add coverage (the seeds are replayed from their own place).
    mv "corpus/$target" "$work/$target.all"
    mkdir "corpus/$target"
    if [ "$base" ]; then
        # Start the merge from the base corpus, then keep only what it added.
        cp -r "corpus/$base" "$work/$target.merged"
        cargo +nightly fuzz run -s none -a "$target" "$work/$target.merged" "$work/$target.all" -- \
            -merge=1 -max_len="$max_len" -timeout=10 > "$work/$target.merge.log" 2>&1
        for file in "$work/$target.merged"/*; do
            [ -e "corpus/$base/$(basename "$file")" ] || cp "$file" "corpus/$target/"
        done
    else
        cargo +nightly fuzz run -s none -a "$target" "corpus/$target" "$work/$target.all" -- \
            -set_cover_merge=1 -max_len="$max_len" -timeout=10 > "$work/$target.merge.log" 2>&1
    fi
    echo "$target: $(ls "corpus/$target" | wc -l) corpus files kept, $(du -sh "corpus/$target" | cut -f1)"
done
