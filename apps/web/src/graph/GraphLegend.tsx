import { NodeShape } from './NodeShape';

const NODE_TYPES = ['task', 'cpu', 'lock', 'work', 'wq', 'external'] as const;
const EDGE_KINDS = [
  ['waits_lock', 'waits for lock'],
  ['held_by', 'lock held by'],
  ['flushes', 'flushes work/queue'],
  ['runs', 'run by worker'],
  ['ipi_wait', 'waits for IPI'],
  ['on_cpu', 'CPU occupied by'],
  ['wakes', 'waits to wake'],
  ['waits_event', 'waits for event'],
  ['starved_by', 'starved by'],
] as const;
const CONFIDENCE = ['certain', 'likely', 'guess'] as const;

export function GraphLegend() {
  return (
    <details className="legend">
      <summary>Legend</summary>
      <p className="legend-note">Arrows point from the waiter to what it waits for; culprits sit on the right.</p>
      <ul className="legend-list" aria-label="node types">
        {NODE_TYPES.map((t) => (
          <li key={t}>
            <svg width="36" height="20" viewBox="-2 -6 44 30" className={`wait-graph-inline node type-${t}`} aria-hidden="true">
              <NodeShape type={t} width={38} height={20} />
            </svg>
            {t}
          </li>
        ))}
        <li>
          <svg width="36" height="20" viewBox="-2 -6 44 30" className="wait-graph-inline node type-task cycle" aria-hidden="true">
            <NodeShape type="task" width={38} height={20} />
          </svg>
          in a deadlock cycle
        </li>
      </ul>
      <ul className="legend-list" aria-label="edge kinds">
        {EDGE_KINDS.map(([k, text]) => (
          <li key={k}>
            <svg width="36" height="10" className="wait-graph-inline" aria-hidden="true">
              <line className={`edge-line kind-${k}`} x1="0" y1="5" x2="36" y2="5" />
            </svg>
            {text}
          </li>
        ))}
      </ul>
      <ul className="legend-list" aria-label="confidence">
        {CONFIDENCE.map((c) => (
          <li key={c}>
            <svg width="36" height="10" className="wait-graph-inline" aria-hidden="true">
              <line className={`edge-line conf-${c}`} x1="0" y1="5" x2="36" y2="5" />
            </svg>
            {c}
          </li>
        ))}
      </ul>
    </details>
  );
}
