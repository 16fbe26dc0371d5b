// Incident history: newest first, full-text search (q) and kind filter kept in the URL
// so a filtered list can be shared; cursor pagination keeps a stack for "Newer".
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useHistory } from '../api/hooks';
import { QueryError } from '../components/QueryError';
import { formatBytes, formatDate, KIND_LABELS, kindLabel } from '../util/format';

const PAGE_SIZE = 25;

export function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const kind = params.get('kind') ?? '';
  const status = params.get('status') ?? '';
  const [draft, setDraft] = useState(q);
  // Cursors of the pages before the current one; the last entry is the current page's.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const history = useHistory({ q, kind, status, cursor, limit: PAGE_SIZE });

  const update = (next: { q?: string; kind?: string; status?: string }) => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setCursors([]);
    setParams(p);
  };

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    update({ q: draft.trim() });
  };

  return (
    <main className="page">
      <div className="page-head">
        <h1>Incidents</h1>
        <Link to="/new" className="button primary">
          New incident
        </Link>
      </div>
      <form className="history-filters" role="search" onSubmit={onSearch}>
        <label>
          Search{' '}
          <input
            type="search"
            name="q"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="function, comm, title, host…"
          />
        </label>
        <button type="submit">Search</button>
        <label>
          Kind{' '}
          <select name="kind" value={kind} onChange={(e) => update({ kind: e.target.value })}>
            <option value="">any</option>
            {Object.entries(KIND_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status{' '}
          <select name="status" value={status} onChange={(e) => update({ status: e.target.value })}>
            <option value="">any</option>
            {['open', 'mitigated', 'resolved', 'duplicate'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </form>
      {history.isError && <QueryError error={history.error} retry={() => void history.refetch()} what="incidents" />}
      {history.isPending && <p className="muted">Loading…</p>}
      {history.data && history.data.items.length === 0 && (
        <p className="muted">
          {q || kind || status ? 'No incident matches.' : 'No incidents yet.'} <Link to="/new">Upload a dump</Link>.
        </p>
      )}
      {history.data && history.data.items.length > 0 && (
        <table className="history-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>Kind</th>
              <th>Host</th>
              <th>Kernel</th>
              <th>Status</th>
              <th>Uploaded</th>
              <th>Size</th>
            </tr>
          </thead>
          <tbody>
            {history.data.items.map((it) => (
              <tr key={it.id}>
                <td>
                  <Link to={`/i/${encodeURIComponent(it.id)}`}>{it.title || it.id}</Link>
                  {it.tags?.length > 0 && (
                    <span className="tags">
                      {it.tags.map((t) => (
                        <span key={t} className="tag">
                          {t}
                        </span>
                      ))}
                    </span>
                  )}
                </td>
                <td>
                  <span className={`kind kind-${it.kind}`}>{kindLabel(it.kind)}</span>
                </td>
                <td>{it.host ?? ''}</td>
                <td className="mono">{it.kernel ?? ''}</td>
                <td>{it.status}</td>
                <td>{formatDate(it.createdAt)}</td>
                <td>{formatBytes(it.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          ← Newer
        </button>
        <button
          type="button"
          disabled={!history.data?.nextCursor}
          onClick={() => {
            const next = history.data?.nextCursor;
            if (next) setCursors((c) => [...c, next]);
          }}
        >
          Older →
        </button>
      </nav>
    </main>
  );
}
