// Notes on an incident, optionally pinned to a node and/or a line range. Hidden when
// the server has no annotations endpoint yet (404 → null).
import { useState, type FormEvent } from 'react';
import { useAccess, useAddAnnotation, useAnnotations, useDeleteAnnotation, useUpdateAnnotation } from '../api/hooks';
import type { Annotation } from '../api/types';
import { formatDate } from '../util/format';
import { formatLines, type LineRange } from './urlState';
import { loadAuthor, saveAuthor } from './author';

export function Annotations({ id, selected, lines }: { id: string; selected: string | null; lines: LineRange | null }) {
  const list = useAnnotations(id);
  const add = useAddAnnotation(id);
  const del = useDeleteAnnotation(id);
  const update = useUpdateAnnotation(id);
  const [editing, setEditing] = useState<string | null>(null);
  const [body, setBody] = useState('');
  const [author, setAuthor] = useState(loadAuthor);
  const [pin, setPin] = useState(true);
  const access = useAccess();
  if (list.data === null || list.isPending) return null;
  if (list.isError) return null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return;
    saveAuthor(author.trim());
    add.mutate(
      {
        body: body.trim(),
        author: author.trim() || null,
        target: pin ? selected : null,
        lines: pin && lines ? [lines.from, lines.to] : null,
      },
      { onSuccess: () => setBody('') },
    );
  };

  return (
    <section aria-labelledby="notes-h" className="annotations">
      <h2 id="notes-h">Notes</h2>
      {list.data.length === 0 && <p className="muted">No notes yet.</p>}
      <ul>
        {list.data.map((a) => (
          <li key={a.id}>
            <p className="note-meta muted">
              {a.author ?? 'anonymous'} · {formatDate(a.createdAt)}
              {a.target && <span className="mono"> · {a.target}</span>}
              {a.lines && (
                <span>
                  {' '}
                  · lines {a.lines[0]}–{a.lines[1]}
                </span>
              )}{' '}
              {a.updatedAt && a.createdAt && a.updatedAt !== a.createdAt && <span> · edited</span>}{' '}
              {access.canWrite && access.mayChange(a.author) && (
                <>
                  <button type="button" className="linklike" onClick={() => setEditing(editing === a.id ? null : a.id)}>
                    edit
                  </button>{' '}
                  <button type="button" className="linklike" onClick={() => del.mutate(a.id)}>
                    delete
                  </button>
                </>
              )}
            </p>
            {editing === a.id ? (
              <EditNote
                note={a}
                saving={update.isPending}
                error={update.isError ? update.error.message : null}
                onCancel={() => setEditing(null)}
                onSave={(text) =>
                  update.mutate({ annotationId: a.id, patch: { body: text } }, { onSuccess: () => setEditing(null) })
                }
              />
            ) : (
              <p className="note-body">{a.body}</p>
            )}
          </li>
        ))}
      </ul>
      {del.isError && <p className="error">{del.error.message}</p>}
      {access.canWrite && (
        <form onSubmit={submit} className="note-form">
          <textarea aria-label="note" value={body} onChange={(e) => setBody(e.target.value)} rows={3} />
          {access.name === null ? (
            <label>
              Author <input value={author} onChange={(e) => setAuthor(e.target.value)} />
            </label>
          ) : (
            <span className="muted">as {access.name}</span>
          )}
          {(selected || lines) && (
            <label>
              <input type="checkbox" checked={pin} onChange={(e) => setPin(e.target.checked)} /> pin to{' '}
              {[selected, lines && `lines ${formatLines(lines)}`].filter(Boolean).join(', ')}
            </label>
          )}
          <button type="submit" disabled={add.isPending || !body.trim()}>
            Add note
          </button>
          {add.isError && <span className="error"> {add.error.message}</span>}
        </form>
      )}
    </section>
  );
}

function EditNote({
  note,
  saving,
  error,
  onSave,
  onCancel,
}: {
  note: Annotation;
  saving: boolean;
  error: string | null;
  onSave: (body: string) => void;
  onCancel: () => void;
}) {
  const [text, setText] = useState(note.body);
  return (
    <form
      className="note-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim()) onSave(text.trim());
      }}
    >
      <textarea aria-label="edit note" value={text} onChange={(e) => setText(e.target.value)} rows={3} autoFocus />
      <button type="submit" disabled={saving || !text.trim() || text.trim() === note.body}>
        Save note
      </button>{' '}
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && <span className="error"> {error}</span>}
    </form>
  );
}
