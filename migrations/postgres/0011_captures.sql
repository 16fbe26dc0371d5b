-- Captures added to an incident after its first dump (issue 23): the PostgreSQL twin of
-- ../0011_captures.sql (see there).
CREATE TABLE incident_captures (
  incident_id text    COLLATE "C" NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  seq         integer NOT NULL CHECK (seq >= 2),
  created_at  text    COLLATE "C" NOT NULL,
  sha256      text    COLLATE "C" NOT NULL,
  size        integer NOT NULL,
  encoding    text    COLLATE "C" NOT NULL CHECK (encoding IN ('gzip', 'identity')),
  data        bytea   NOT NULL,
  PRIMARY KEY (incident_id, seq)
);
ALTER TABLE incident_captures ALTER COLUMN data SET STORAGE EXTERNAL;
