-- Notes engineers attach to an incident: on a graph node, on a line range, or on
-- the incident as a whole (both NULL).
CREATE TABLE annotations (
  id          TEXT    PRIMARY KEY,
  incident_id TEXT    NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  target      TEXT,                 -- a node id of the analysis graph, e.g. task:4790
  line_from   INTEGER,
  line_to     INTEGER,
  body        TEXT    NOT NULL,
  author      TEXT,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  CHECK ((line_from IS NULL) = (line_to IS NULL)),
  CHECK (line_from IS NULL OR (line_from >= 1 AND line_to >= line_from))
);
CREATE INDEX annotations_incident ON annotations (incident_id, created_at);

-- The mitigation note of an incident, append-only: the newest row is the current
-- text, earlier rows are its edit history.
CREATE TABLE mitigation_revisions (
  seq         INTEGER PRIMARY KEY,
  incident_id TEXT    NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  body        TEXT    NOT NULL,
  author      TEXT,
  created_at  TEXT    NOT NULL
);
CREATE INDEX mitigation_revisions_incident ON mitigation_revisions (incident_id, seq);
