-- Analysis documents stored compressed. `document` keeps its name: rows written
-- before this migration hold the JSON text ('identity'); new rows hold a BLOB of raw
-- DEFLATE blocks ended by a sync flush ('deflate-raw-sync'), with the CRC-32 and byte
-- length of the JSON, so the server can send it inside a gzip response as stored.
ALTER TABLE incident_analysis ADD COLUMN encoding TEXT NOT NULL DEFAULT 'identity'
  CHECK (encoding IN ('identity', 'deflate-raw-sync'));
ALTER TABLE incident_analysis ADD COLUMN crc32 INTEGER;
ALTER TABLE incident_analysis ADD COLUMN length INTEGER;

-- List filters ordered newest first (ORDER BY seq DESC) walk these instead of the table.
CREATE INDEX incidents_host ON incidents (host, seq);
CREATE INDEX incidents_status ON incidents (status, seq);
CREATE INDEX incidents_kernel ON incidents (kernel, seq);
