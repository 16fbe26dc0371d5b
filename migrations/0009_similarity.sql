-- "Similar incidents" beyond equal fingerprints: each incident's culprit and victim
-- frames, normalized (the analyzer's frameSignature), one row per frame, so that the
-- incidents sharing a frame with one are found through the index and scored (the
-- analyzer's `similarity`: a weighted Jaccard overlap). Filled at upload and by
-- re-analysis; incidents analysed before are re-analysed at start-up (their
-- fingerprint_version is older than the analyzer's FINGERPRINT_VERSION 3).
CREATE TABLE incident_frames (
  incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('culprit', 'victim')),
  frame       TEXT NOT NULL,
  PRIMARY KEY (incident_id, role, frame)
) WITHOUT ROWID;
CREATE INDEX incident_frames_frame ON incident_frames (frame, incident_id);
