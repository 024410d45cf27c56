-- An IntervalBlock whose readings carry nothing beyond what the packed form holds
-- (time period, value, cost, ReadingQuality codes) is stored with its readings
-- taken out of `xml` and kept here, packed (src/packed.rs); NULL for every other
-- entry, whose `xml` stays whole. Entries stored before this column keep NULL and
-- read back as before.
ALTER TABLE entries ADD COLUMN packed_readings BYTEA;
