-- Who may do what, and what happened to an incident (issue 21). One migration for the
-- whole feature: tokens and web sessions, the audit list, pins for retention, and
-- redacted share links.

-- API tokens. The token itself is shown once, when it is made; only its SHA-256 is kept
-- (a token is 32 random bytes, so a hash without salt or stretching is enough: nothing
-- can be guessed from it). `name` is who the token stands for: annotations, mitigation
-- notes and the audit list record it, so it is unique.
CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,                 -- public handle: token list / revoke
  name         TEXT NOT NULL UNIQUE,
  role         TEXT NOT NULL CHECK (role IN ('read', 'write', 'ingest', 'admin')),
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at   TEXT NOT NULL,
  revoked_at   TEXT                              -- NULL: valid
);

-- Web sessions: the browser signed in once with a token and holds a random session
-- secret in an HttpOnly cookie; its SHA-256 is kept here. A revoked token's sessions
-- stop working with it (the lookup joins api_tokens).
CREATE TABLE web_sessions (
  session_sha256 TEXT PRIMARY KEY,
  token_id       TEXT NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL
);
CREATE INDEX web_sessions_token ON web_sessions (token_id);

-- Every change to an incident's status, mitigation note and annotations, oldest first:
-- who (the token's or proxy user's name; NULL with authentication off), when, what.
-- `detail` is JSON (the new status, the annotation id, ...).
CREATE TABLE incident_audit (
  seq         INTEGER PRIMARY KEY,
  incident_id TEXT    NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  at          TEXT    NOT NULL,
  actor       TEXT,
  action      TEXT    NOT NULL,
  detail      TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_audit_incident ON incident_audit (incident_id, seq);

-- A pinned incident is kept by retention (HANGSCOPE_RETENTION_DAYS) whatever its age.
ALTER TABLE incidents ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));

-- Redacted share links: /api/shared/<id>/... serves the incident's dump and exports
-- with host names, addresses, e-mail and home paths replaced, to anyone holding the
-- link (16 random bytes, like incident ids). Deleted with the incident.
CREATE TABLE incident_shares (
  id          TEXT    PRIMARY KEY,
  incident_id TEXT    NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
  created_at  TEXT    NOT NULL,
  created_by  TEXT,
  kaslr       INTEGER NOT NULL DEFAULT 1 CHECK (kaslr IN (0, 1))  -- kernel addresses shifted too
);
CREATE INDEX incident_shares_incident ON incident_shares (incident_id);
