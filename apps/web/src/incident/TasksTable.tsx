// All tasks, grouped by identical stack (same function sequence), so "500 tasks in
// mutex_lock from the same path" reads as one row with a count.
import { memo, useMemo, useState } from 'react';
import type { AnalysisDocument } from '@hangscope/analyzer';
import { nodeForTask } from './evidence';
import { groupTasksByStack, sortGroups, type SortKey } from './taskGroups';

// memo: the page re-renders on every selection; thousands of rows need not.
export const TasksTable = memo(function TasksTable({
  analysis: doc,
  onSelectNode,
}: {
  analysis: AnalysisDocument;
  onSelectNode: (id: string) => void;
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'count', desc: true });
  const groups = useMemo(() => groupTasksByStack(doc.tasks ?? []), [doc.tasks]);
  const sorted = useMemo(() => sortGroups(groups, sort.key, sort.desc), [groups, sort]);
  if (groups.length === 0) return null;

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
        Tasks <span className="muted">({doc.tasks.length} in {groups.length} stack groups)</span>
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
            const target = g.tasks.map((t) => nodeForTask(doc, t.id)).find((n) => n !== null) ?? null;
            return (
              <tr key={g.key}>
                <td>{g.tasks.length}</td>
                <td>{g.states.join(' ')}</td>
                <td>
                  {target ? (
                    <button type="button" className="linklike" onClick={() => onSelectNode(target)}>
                      {g.comms.slice(0, 6).join(', ')}
                    </button>
                  ) : (
                    g.comms.slice(0, 6).join(', ')
                  )}
                  {g.comms.length > 6 && <span className="muted"> +{g.comms.length - 6}</span>}
                </td>
                <td className="mono">{g.top.join(' ← ') || <span className="muted">no stack</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
