// Every mark the graph draws, named: node shapes, the outlines (cycle, root blocker,
// selected), the ×N of folded waiters, each edge kind in the words drawn on it, and the
// line patterns of confidence. Also drawn into exported images (exportImage.ts), so the
// legend has one source.
import type { EdgeKind } from '@hangscope/analyzer';
import { NodeShape } from './NodeShape';
import { EDGE_MEANING, EDGE_WORDS } from './edgeWords';

export const NODE_TYPES = [
  ['task', 'task'],
  ['cpu', 'CPU'],
  ['lock', 'lock'],
  ['work', 'work item'],
  ['wq', 'workqueue'],
  ['external', 'outside the dump (device, hypervisor)'],
] as const;

export const NODE_MARKS = [
  ['cycle', 'in a deadlock cycle (red outline)'],
  ['root-blocker', 'root blocker: where the waits end (purple outline)'],
  ['selected', 'selected (blue halo)'],
] as const;

export const EDGE_KINDS = Object.keys(EDGE_WORDS) as EdgeKind[];

export const CONFIDENCE = [
  ['certain', 'certain: the dump states it (solid)'],
  ['likely', 'likely: inferred (dashed)'],
  ['guess', 'a guess (dotted)'],
] as const;

function NodeSample({ type, cls = '' }: { type: string; cls?: string }) {
  return (
    <svg
      width="36"
      height="20"
      viewBox="-4 -6 46 32"
      className={`wait-graph-inline node type-${type} ${cls}`}
      aria-hidden="true"
    >
      <NodeShape type={type} width={38} height={20} />
    </svg>
  );
}

function LineSample({ cls }: { cls: string }) {
  return (
    <svg width="36" height="10" className="wait-graph-inline" aria-hidden="true">
      <g className={`edge ${cls}`}>
        <line className="edge-line" x1="0" y1="5" x2="36" y2="5" />
      </g>
    </svg>
  );
}

export function GraphLegend() {
  return (
    <details className="legend">
      <summary>Legend</summary>
      <p className="legend-note">
        Arrows point from the waiter to what it waits for, and read along the arrow: “task → waits for → lock → held by
        → task”.
      </p>
      <ul className="legend-list" aria-label="node types">
        {NODE_TYPES.map(([t, text]) => (
          <li key={t}>
            <NodeSample type={t} />
            {text}
          </li>
        ))}
      </ul>
      <ul className="legend-list" aria-label="node marks">
        {NODE_MARKS.map(([m, text]) => (
          <li key={m}>
            <NodeSample type="task" cls={m} />
            {text}
          </li>
        ))}
        <li>
          <span className="legend-count">×12</span> identical waiters folded into one node
        </li>
      </ul>
      <ul className="legend-list" aria-label="edge kinds">
        {EDGE_KINDS.map((k) => (
          <li key={k}>
            <LineSample cls={`kind-${k}`} />
            <strong>{EDGE_WORDS[k]}</strong>&nbsp;<span className="muted">{EDGE_MEANING[k]}</span>
          </li>
        ))}
      </ul>
      <ul className="legend-list" aria-label="edge marks">
        {CONFIDENCE.map(([c, text]) => (
          <li key={c}>
            <LineSample cls={`conf-${c}`} />
            {text}
          </li>
        ))}
        <li>
          <LineSample cls="cycle" />
          part of the deadlock cycle
        </li>
        <li>
          <LineSample cls="selected" />
          touches the selected node
        </li>
      </ul>
    </details>
  );
}
