import { Link } from 'react-router';
import { useSimilar } from '../api/hooks';
import { formatDate } from '../util/format';

/** Renders nothing until the server has the endpoint (404 → null). */
export function SimilarIncidents({ id }: { id: string }) {
  const similar = useSimilar(id);
  if (!similar.data) return null;
  const items = similar.data.filter((s) => s.id !== id);
  return (
    <section aria-labelledby="similar-h" className="similar">
      <h2 id="similar-h">Similar incidents</h2>
      {items.length === 0 ? (
        <p className="muted">None with the same fingerprint or overlapping frames.</p>
      ) : (
        <ul>
          {items.map((s) => (
            <li key={s.id}>
              <Link to={`/i/${encodeURIComponent(s.id)}`}>{s.title || s.id}</Link>{' '}
              <span className="muted">
                {s.host ?? ''} {formatDate(s.createdAt)}
              </span>
              {s.reason && (
                <span className="similar-reason muted">
                  {' '}
                  · {s.reason}
                  {s.score !== undefined && s.score < 1 ? ` (${Math.round(s.score * 100)}%)` : ''}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
