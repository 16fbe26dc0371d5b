// All tasks, grouped by identical stack (same function sequence), so "500 tasks in
// mutex_lock from the same path" reads as one row with a count. The server groups them
// (a 50 MB dump has 80,000 tasks; a lockdep list can be 30,000 groups of one): the view
// carries the largest groups, more are fetched a page at a time.
import { memo, useMemo, useState } from 'react';
import type { AnalysisDocument } from '@hangscope/analyzer';
import { api } from '../api/client';
import type { TaskGroupSummary, ViewCounts } from '../api/types';
import { nodeForTask } from './evidence';
import { sortGroups, toTaskGroup, type SortKey } from './taskGroups';

const PAGE = 500;

// memo: the page re-renders on every selection; hundreds of rows need not.
export const TasksTable = memo(function TasksTable({
  id,
  analysis: doc,
  groups: first,
  counts,
  onSelectNode,
}: {
  id: string;
  analysis: AnalysisDocument;
  /** The first groups, largest first (the view's). */
  groups: TaskGroupSummary[];
  counts: ViewCounts;
  onSelectNode: (id: string) => void;
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'count', desc: true });
  const [more, setMore] = useState<TaskGroupSummary[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const loaded = useMemo(() => [...first, ...more].map(toTaskGroup), [first, more]);
  const sorted = useMemo(() => sortGroups(loaded, sort.key, sort.desc), [loaded, sort]);
  const total = counts.taskGroups;
  if (loaded.length === 0) return null;

  const loadMore = async () => {
    setLoading(true);
    setError(null);
    try {
      const page = await api.taskGroups(id, loaded.length, PAGE);
      setMore((m) => [...m, ...page.items]);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  };

  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="linklike"
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : key === 'count' }))}
      >
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );

  return (
    <section aria-labelledby="tasks-h">
      <h2 id="tasks-h">
        Tasks{' '}
        <span className="muted">
          ({counts.tasks} in {total} stack groups)
        </span>
      </h2>
      <table className="tasks-table">
        <thead>
          <tr>
            {header('count', 'Count')}
            {header('state', 'State')}
            {header('comm', 'Tasks')}
            {header('top', 'Stack (top frames)')}
          </tr>
        </thead>
        <tbody>
          {sorted.map((g) => {
            const target = g.node ? nodeForTask(doc, g.node) : null;
            const comms = g.comms.slice(0, 6).join(', ');
            return (
              <tr key={g.key}>
                <td>{g.count}</td>
                <td>{g.states.join(' ')}</td>
                <td>
                  {target ? (
                    <button type="button" className="linklike" onClick={() => onSelectNode(target)}>
                      {comms}
                    </button>
                  ) : (
                    comms
                  )}
                  {g.count > 6 && <span className="muted"> +{g.count - 6}</span>}
                </td>
                <td className="mono">{g.top.join(' ← ') || <span className="muted">no stack</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {loaded.length < total && (
        <p className="muted">
          {loaded.length} of {total} groups, largest first{sort.key !== 'count' ? ' (sorting applies to these)' : ''}.{' '}
          <button type="button" onClick={() => void loadMore()} disabled={loading}>
            {loading ? 'Loading…' : `Show ${Math.min(PAGE, total - loaded.length)} more`}
          </button>
          {error && <span className="error"> {error}</span>}
        </p>
      )}
    </section>
  );
});
