//! GBA's Function Blocks on summaries: FB_15, FB_16, FB_27 and FB_28 (UsageSummary and
//! the deprecated ElectricPowerUsageSummary) and FB_17 (ElectricPowerQualitySummary).
//! What these assertions read of a summary's own content is checked as the entry goes
//! by (`facts`); what is left here compares entries.

use super::facts::{Kinds, Rel};
use super::{Gba, Out};

impl Gba<'_> {
    pub(super) fn summaries(&self, block: u16, out: &mut Out) {
        if block == 15 && !self.any(Kinds::SUMMARY) {
            out.push("D083", None, "feed".into());
        }
        let summary_selves = self.selves(Kinds::SUMMARY);
        let up_related = self.counts(Kinds::UP, Rel::Related);
        for (index, entry) in self.with(Kinds::SUMMARY) {
            self.locals(out, block, Kinds::SUMMARY, index, entry);
            if block == 15 {
                self.atom_checks(
                    out,
                    index,
                    entry,
                    ["D082", "D085", "D087", "D101", "D084", "D102"],
                );
                self.self_unique(out, "D086", &summary_selves, index, entry);
                let ok = up_related.of_ids(entry.hrefs(Rel::Up)) == 1;
                out.require(ok, "D088", index, "link[@rel='up']");
            }
        }
    }

    pub(super) fn fb17(&self, out: &mut Out) {
        if !self.any(Kinds::PQ) {
            out.push("D126", None, "feed".into());
        }
        let selves = self.selves(Kinds::PQ);
        for (index, entry) in self.with(Kinds::PQ) {
            self.locals(out, 17, Kinds::PQ, index, entry);
            self.atom_checks(
                out,
                index,
                entry,
                ["D128", "D129", "D130", "D131", "D127", "D132"],
            );
            self.self_unique(out, "D133", &selves, index, entry);
        }
    }
}
