-- Analyses stored in the analyzer's compact form (packages/analyzer/src/compact.ts: each
-- distinct stack once in `stacks`, every task pointing at its stack by index) are marked
-- 'compact'; the server expands them where the full document is promised. Rows from
-- before stay 'full' and are served as stored.
ALTER TABLE incident_analysis ADD COLUMN form TEXT NOT NULL DEFAULT 'full' CHECK (form IN ('full', 'compact'));
