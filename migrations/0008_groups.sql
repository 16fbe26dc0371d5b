-- Groups of incidents: the same bug seen again (issue 18).
--
-- `group_key` is the group an incident is shown in: its fingerprint, unless a person
-- decided otherwise — marked it a duplicate of another incident (it joins that one's
-- group) or moved it out of its group (`group_split`: a group of its own,
-- `split:<id>`). The store keeps it current when a fingerprint or a decision changes
-- (SqliteStore.refreshGroupKeys); the decisions themselves survive re-analysis.
--
-- `fingerprint_version` is the analyzer's FINGERPRINT_VERSION that made `fingerprint`:
-- incidents grouped by older rules are re-analysed at start-up. Rows from before this
-- migration were made by version 1.
ALTER TABLE incidents ADD COLUMN fingerprint_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE incidents ADD COLUMN group_split INTEGER NOT NULL DEFAULT 0 CHECK (group_split IN (0, 1));
ALTER TABLE incidents ADD COLUMN group_key TEXT;
UPDATE incidents SET group_key = fingerprint;
UPDATE incidents SET group_key = coalesce((SELECT d.fingerprint FROM incidents d WHERE d.id = incidents.duplicate_of), fingerprint)
  WHERE duplicate_of IS NOT NULL;
CREATE INDEX incidents_group ON incidents (group_key, seq);
