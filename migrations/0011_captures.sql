-- Captures added to an incident after its first dump (issue 23): what the collector
-- took next on the same machine. Each is stored byte-exact (compressed as incident_raw
-- is) with its time, in the order it came; the incident's own dump is capture 1 and
-- lives in incident_raw, so these are 2, 3, … The incident's analysis is the analysis
-- of all of them together.
CREATE TABLE incident_captures (
  incident_id TEXT    NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  seq         INTEGER NOT NULL CHECK (seq >= 2),
  created_at  TEXT    NOT NULL,
  sha256      TEXT    NOT NULL,
  size        INTEGER NOT NULL,
  encoding    TEXT    NOT NULL CHECK (encoding IN ('gzip', 'identity')),
  data        BLOB    NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
