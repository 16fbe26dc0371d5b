// The team's mitigation for this incident (what was done or should be done), one note
// with history on the server. Hidden when the server has no mitigation endpoint.
import { useState, type FormEvent } from 'react';
import { useAccess, useMitigation, useSaveMitigation } from '../api/hooks';
import { CopyButton } from '../components/CopyButton';
import { formatDate } from '../util/format';
import { loadAuthor, saveAuthor } from './author';

export function MitigationNote({ id }: { id: string }) {
  const note = useMitigation(id);
  const save = useSaveMitigation(id);
  const [draft, setDraft] = useState<string | null>(null);
  const [author, setAuthor] = useState(loadAuthor);
  const access = useAccess();
  if (!note.data) return null;
  const m = note.data;
  const editing = draft !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    saveAuthor(author.trim());
    save.mutate({ body: draft, author: author.trim() }, { onSuccess: () => setDraft(null) });
  };

  return (
    <section aria-labelledby="mitigation-h" className="mitigation">
      <h2 id="mitigation-h">Mitigation</h2>
      {!editing && (
        <>
          {m.body ? (
            <>
              <p className="note-body">{m.body}</p>
              <p className="note-meta muted">
                {m.author ?? 'anonymous'} · {formatDate(m.updatedAt)}
                {m.history.length > 1 && ` · ${m.history.length} versions`} <CopyButton text={m.body} />
              </p>
            </>
          ) : (
            <p className="muted">No mitigation written yet.</p>
          )}
          {access.canWrite && (!m.body || access.mayChange(m.author)) && (
            <button type="button" onClick={() => setDraft(m.body)}>
              {m.body ? 'Edit mitigation' : 'Write mitigation'}
            </button>
          )}
        </>
      )}
      {editing && (
        <form onSubmit={submit} className="note-form">
          <textarea aria-label="mitigation" value={draft} onChange={(e) => setDraft(e.target.value)} rows={4} />
          {access.name === null ? (
            <label>
              Author <input value={author} onChange={(e) => setAuthor(e.target.value)} />
            </label>
          ) : (
            <span className="muted">as {access.name}</span>
          )}
          <span>
            <button type="submit" className="primary" disabled={save.isPending}>
              Save mitigation
            </button>{' '}
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </span>
          {save.isError && <span className="error">{save.error.message}</span>}
        </form>
      )}
    </section>
  );
}
