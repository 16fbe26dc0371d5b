-- The incident page's view (apps/server/src/view/page-view.ts), stored beside the
-- analysis it was built from. Building a view reads the whole analysis (~1 s for a
-- 50 MB dump's); kept only in memory, the first page after every restart paid that.
-- A row is valid while `analysis_tag` is the analysis's tag (see storedAnalysisTag) and
-- `view_version` the server's VIEW_VERSION: anything else is rebuilt and replaced. Only
-- big analyses' views are kept (STORED_VIEW_MIN_BYTES): a small one is rebuilt in ms.
CREATE TABLE incident_views (
  incident_id  TEXT    PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
  analysis_tag TEXT    NOT NULL,
  view_version INTEGER NOT NULL,
  -- The view's JSON and its stack groups' JSON, each raw deflate with a sync flush
  -- (store/document.ts), with CRC-32 and length of the JSON.
  document     BLOB    NOT NULL,
  crc32        INTEGER NOT NULL,
  length       INTEGER NOT NULL,
  groups       BLOB    NOT NULL,
  groups_crc32 INTEGER NOT NULL,
  groups_length INTEGER NOT NULL
);
