-- Incidents: one uploaded dump each. Metadata lives here; the raw bytes and the
-- analysis live in their own tables so list queries never page through large blobs.
CREATE TABLE incidents (
  seq              INTEGER PRIMARY KEY,          -- insertion order; the list cursor
  id               TEXT    NOT NULL UNIQUE,      -- public, unguessable (16 random bytes, base64url)
  sha256           TEXT    NOT NULL UNIQUE,      -- of the raw bytes: duplicate detection
  created_at       TEXT    NOT NULL,             -- ISO 8601 UTC with milliseconds
  updated_at       TEXT    NOT NULL,
  size             INTEGER NOT NULL,             -- raw bytes
  line_count       INTEGER NOT NULL,
  user_title       TEXT,                         -- the uploader's title; NULL = use the analysis title
  host             TEXT,
  status           TEXT    NOT NULL DEFAULT 'open'
                   CHECK (status IN ('open', 'mitigated', 'resolved', 'duplicate')),
  duplicate_of     TEXT    REFERENCES incidents(id) ON DELETE SET NULL,
  -- Copied from the analysis so lists and filters need no JSON parsing.
  kind             TEXT    NOT NULL,
  analysis_title   TEXT    NOT NULL,
  fingerprint      TEXT    NOT NULL,
  kernel           TEXT,
  analyzer_version TEXT    NOT NULL
);
CREATE INDEX incidents_fingerprint ON incidents (fingerprint, seq);
CREATE INDEX incidents_kind ON incidents (kind, seq);
CREATE INDEX incidents_created ON incidents (created_at);
CREATE INDEX incidents_analyzer_version ON incidents (analyzer_version);

CREATE TABLE incident_raw (
  incident_id TEXT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  encoding    TEXT NOT NULL CHECK (encoding IN ('gzip', 'identity')),
  data        BLOB NOT NULL
);

CREATE TABLE incident_analysis (
  incident_id      TEXT PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  analyzer_version TEXT NOT NULL,
  analyzed_at      TEXT NOT NULL,
  document         TEXT NOT NULL                -- the contract document, JSON
);

CREATE TABLE incident_tags (
  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  tag         TEXT NOT NULL,
  PRIMARY KEY (incident_id, tag)
);
CREATE INDEX incident_tags_tag ON incident_tags (tag);

-- Full-text search. rowid = incidents.seq. A plain (not external-content) table:
-- the indexed text is derived (frame names, comms) and not stored anywhere else.
CREATE VIRTUAL TABLE incident_fts USING fts5 (
  user_title,   -- the uploader's title
  titles,       -- the analysis title and alternative titles
  verdict, frames, comms, annotations,
  tokenize = 'unicode61'
);

-- Small key/value facts about this database (e.g. whether examples were loaded).
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
