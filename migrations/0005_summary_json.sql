-- Each incident's list item as the API sends it (IncidentSummary plus `url`), kept as
-- JSON text on the row, so a list or search page reads one column per row instead of
-- building the object and collecting the tags for every row of every request (two
-- thirds of an uncached search's time at 100,000 incidents). Triggers keep it current
-- whatever writes the row or its tags: the server, the CLI, or SQL by hand.
ALTER TABLE incidents ADD COLUMN summary_json TEXT;

-- The summary of the incident whose id is `incidents.id` in the UPDATE that uses it.
-- (Written out in each trigger: SQLite has no stored functions.)
UPDATE incidents SET summary_json = json_object(
  'id', id, 'url', '/i/' || id, 'title', coalesce(user_title, analysis_title), 'kind', kind, 'host', host,
  'kernel', kernel, 'status', status, 'duplicateOf', duplicate_of, 'createdAt', created_at, 'updatedAt', updated_at,
  'fingerprint', fingerprint, 'size', size,
  'tags', json((SELECT json_group_array(tag) FROM (SELECT tag FROM incident_tags t WHERE t.incident_id = incidents.id ORDER BY tag))));

CREATE TRIGGER incidents_summary_after_insert AFTER INSERT ON incidents BEGIN
  UPDATE incidents SET summary_json = json_object(
    'id', id, 'url', '/i/' || id, 'title', coalesce(user_title, analysis_title), 'kind', kind, 'host', host,
    'kernel', kernel, 'status', status, 'duplicateOf', duplicate_of, 'createdAt', created_at, 'updatedAt', updated_at,
    'fingerprint', fingerprint, 'size', size,
    'tags', json((SELECT json_group_array(tag) FROM (SELECT tag FROM incident_tags t WHERE t.incident_id = incidents.id ORDER BY tag))))
  WHERE seq = NEW.seq;
END;

CREATE TRIGGER incidents_summary_after_update
AFTER UPDATE OF id, user_title, analysis_title, kind, host, kernel, status, duplicate_of, created_at, updated_at, fingerprint, size
ON incidents BEGIN
  UPDATE incidents SET summary_json = json_object(
    'id', id, 'url', '/i/' || id, 'title', coalesce(user_title, analysis_title), 'kind', kind, 'host', host,
    'kernel', kernel, 'status', status, 'duplicateOf', duplicate_of, 'createdAt', created_at, 'updatedAt', updated_at,
    'fingerprint', fingerprint, 'size', size,
    'tags', json((SELECT json_group_array(tag) FROM (SELECT tag FROM incident_tags t WHERE t.incident_id = incidents.id ORDER BY tag))))
  WHERE seq = NEW.seq;
END;

CREATE TRIGGER incident_tags_summary_after_insert AFTER INSERT ON incident_tags BEGIN
  UPDATE incidents SET summary_json = json_set(summary_json, '$.tags',
    json((SELECT json_group_array(tag) FROM (SELECT tag FROM incident_tags t WHERE t.incident_id = NEW.incident_id ORDER BY tag))))
  WHERE id = NEW.incident_id;
END;

CREATE TRIGGER incident_tags_summary_after_delete AFTER DELETE ON incident_tags BEGIN
  UPDATE incidents SET summary_json = json_set(summary_json, '$.tags',
    json((SELECT json_group_array(tag) FROM (SELECT tag FROM incident_tags t WHERE t.incident_id = OLD.incident_id ORDER BY tag))))
  WHERE id = OLD.incident_id;
END;
