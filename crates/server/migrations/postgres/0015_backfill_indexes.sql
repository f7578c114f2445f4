-- The startup backfills (records stored before migrations 0004 and 0011) look for rows these
-- partial indexes hold. Without them each start read the whole records table twice, so a restart
-- after a crash took longer the more records a station had (the soak benchmark found it). New
-- rows never match, so the indexes stay empty and cost a writer nothing.
CREATE INDEX records_unreviewed ON records (id) WHERE waybill_reversed = '';
CREATE INDEX records_outcome_at_missing ON records (id) WHERE outcome IS NOT NULL AND outcome_at IS NULL;
