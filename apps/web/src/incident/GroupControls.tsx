// Grouping by hand: the fingerprint groups incidents, a person can overrule it — mark
// this incident a duplicate of another (picked from a list, not a typed id; it joins
// that one's group) or move it out of its group. The server keeps the decision across
// re-analysis.
import { useState } from 'react';
import { Link } from 'react-router';
import { useAccess, useHistory, useRepeat, useSetGrouping } from '../api/hooks';
import { formatDate } from '../util/format';

export function GroupControls({ id }: { id: string }) {
  const repeat = useRepeat(id);
  const recent = useHistory({ limit: 50 });
  const set = useSetGrouping(id);
  const [target, setTarget] = useState('');
  // Regrouping needs the write grant; a read-only role sees the group link only.
  const { canWrite } = useAccess();
  const r = repeat.data;
  if (!r) return null;
  const split = r.group.startsWith('split:');
  const options = (recent.data?.items ?? []).filter((i) => i.id !== id);
  return (
    <section aria-labelledby="grouping-h" className="grouping">
      <h2 id="grouping-h">Group</h2>
      <p>
        <Link to={r.groupUrl}>{split ? 'A group of its own (moved out by hand)' : 'All incidents of this bug'}</Link>
      </p>
      {canWrite && (
        <>
          <p>
            <label>
              Same bug as{' '}
              <select aria-label="same bug as" value={target} onChange={(e) => setTarget(e.target.value)}>
                <option value="">choose an incident…</option>
                {options.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.title || i.id}
                    {i.host ? ` · ${i.host}` : ''} · {formatDate(i.createdAt)}
                  </option>
                ))}
              </select>
            </label>{' '}
            <button
              type="button"
              disabled={!target || set.isPending}
              onClick={() => set.mutate({ duplicateOf: target })}
            >
              Mark as duplicate
            </button>
          </p>
          <p>
            <button type="button" disabled={set.isPending} onClick={() => set.mutate({ groupSplit: !split })}>
              {split ? 'Back into its fingerprint’s group' : 'Move out of this group'}
            </button>
          </p>
          {set.isError && <p className="error">{set.error.message}</p>}
        </>
      )}
    </section>
  );
}
