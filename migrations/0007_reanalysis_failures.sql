-- The analyzer version under which re-analysing an incident last failed (out of time or
-- memory), NULL when it did not. A dump that drives the analyzer past its limits would
-- otherwise be tried again at every start and hold a worker for the whole analysis
-- timeout each time; it is tried once per analyzer version instead (issue 17).
ALTER TABLE incidents ADD COLUMN reanalysis_failed_version TEXT;
