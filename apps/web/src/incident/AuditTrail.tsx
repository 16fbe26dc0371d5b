// Who changed what on this incident (status, pin, title/host/tags, mitigation note, annotations), oldest
// first. Hidden when the server has no audit list.
import { useAudit } from '../api/hooks';
import type { AuditEntry } from '../api/types';
import { formatDate } from '../util/format';

function describe(e: AuditEntry): string {
  const d = e.detail;
  switch (e.action) {
    case 'status':
      if ('groupSplit' in d) return d.groupSplit ? 'moved it out of its group' : 'put it back in its group';
      return `set status ${String(d.from)} → ${String(d.to)}${d.duplicateOf ? ` (duplicate of ${String(d.duplicateOf)})` : ''}`;
    case 'pin':
      return d.pinned ? 'pinned it (kept by retention)' : 'unpinned it';
    case 'details':
      return `changed ${Object.keys(d).join(', ')}`;
    case 'mitigation':
      return 'saved the mitigation note';
    case 'annotation.add':
      return 'added an annotation';
    case 'annotation.edit':
      return 'edited an annotation';
    case 'annotation.delete':
      return `deleted an annotation${d.author ? ` by ${String(d.author)}` : ''}`;
    default:
      return e.action;
  }
}

export function AuditTrail({ id }: { id: string }) {
  const audit = useAudit(id);
  const items = audit.data;
  if (!items) return null;
  return (
    <section aria-labelledby="audit-h" className="audit">
      <details>
        <summary>
          <h2 id="audit-h" className="inline-h">
            Changes ({items.length})
          </h2>
        </summary>
        {items.length === 0 ? (
          <p className="muted">No changes yet.</p>
        ) : (
          <ol className="audit-list">
            {items.map((e, i) => (
              <li key={i}>
                <span className="muted">{formatDate(e.at)}</span> ·{' '}
                <strong>{e.actor ?? 'someone (not signed in)'}</strong> {describe(e)}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
