import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { Finding, GraphEdge, GraphNode } from '@hangscope/analyzer';
import { GraphCanvas } from './WaitGraph';
import { fromElkGraph, toElkGraph } from './elkGraph';

// React's act() needs to know it runs in a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const nodes: GraphNode[] = [
  { id: 'task:31969', type: 'task', label: 'rmmod (31969)', state: 'D', waitFrame: 'flush_workqueue' },
  { id: 'task:4790', type: 'task', label: 'kworker/1:2 (4790)' },
  { id: 'lock:ffff880035acf1e0', type: 'lock', label: 'mutex ffff880035acf1e0' },
  {
    id: 'task:100',
    type: 'task',
    label: '<img src=x onerror=alert(1)>',
    count: 120,
    members: ['task:100', 'task:101'],
  },
];
const e = (
  from: string,
  to: string,
  kind: GraphEdge['kind'],
  confidence: GraphEdge['confidence'] = 'certain',
): GraphEdge => ({
  from,
  to,
  kind,
  confidence,
  why: '',
  evidence: [],
});
const edges = [
  e('task:31969', 'task:4790', 'waits_event', 'guess'),
  e('task:4790', 'lock:ffff880035acf1e0', 'waits_lock'),
  e('lock:ffff880035acf1e0', 'task:4790', 'held_by', 'likely'),
  e('task:100', 'lock:ffff880035acf1e0', 'waits_lock'),
];
const findings: Finding[] = [
  { kind: 'self_deadlock', severity: 'critical', summary: '', nodes: ['task:4790', 'lock:ffff880035acf1e0'] },
];

// A hand-placed layout: this test is about rendering, not ELK.
function fakeLayout() {
  const input = toElkGraph(nodes, edges);
  return fromElkGraph(
    {
      ...input,
      width: 800,
      height: 300,
      children: input.children?.map((c, i) => ({ ...c, x: i * 200, y: 20 })),
      edges: input.edges?.map((x) => ({
        ...x,
        sections: [{ id: 's', startPoint: { x: 0, y: 0 }, endPoint: { x: 10, y: 10 } }],
      })),
    },
    nodes,
    edges,
  );
}

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

function render(selected: string | null = null, onSelect: (id: string | null) => void = () => {}) {
  const host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() =>
    root!.render(<GraphCanvas layout={fakeLayout()} findings={findings} selected={selected} onSelect={onSelect} />),
  );
  return host;
}

describe('GraphCanvas', () => {
  it('renders one <g data-node-id> per node with its label as text', () => {
    const host = render();
    const ids = [...host.querySelectorAll('[data-node-id]')].map((g) => g.getAttribute('data-node-id'));
    expect(ids).toEqual(nodes.map((n) => n.id));
    expect(host.querySelector('[data-node-id="task:31969"] text.node-label')?.textContent).toBe('rmmod (31969)');
    expect(host.querySelector('[data-node-id="task:31969"] text.node-sub')?.textContent).toBe('D · flush_workqueue');
  });

  it('renders untrusted labels as text, never markup', () => {
    const host = render();
    expect(host.querySelector('[data-node-id="task:100"] text.node-label')?.textContent).toBe(
      '<img src=x onerror=alert(1)>',
    );
    expect(host.querySelector('img')).toBeNull();
  });

  it('shows the count of collapsed identical waiters', () => {
    const host = render();
    expect(host.querySelector('[data-node-id="task:100"] .node-count')?.textContent).toBe('×120');
    expect(host.querySelector('[data-node-id="task:31969"] .node-count')).toBeNull();
  });

  it('marks the cycle, node types, edge kinds and confidence with classes', () => {
    const host = render();
    const cls = (sel: string) => host.querySelector(sel)?.getAttribute('class') ?? '';
    expect(cls('[data-node-id="task:4790"]')).toMatch(/\bcycle\b/);
    expect(cls('[data-node-id="lock:ffff880035acf1e0"]')).toMatch(/\btype-lock\b.*\bcycle\b/);
    expect(cls('[data-node-id="task:31969"]')).not.toMatch(/\bcycle\b/);
    expect(cls('[data-edge="task:4790->lock:ffff880035acf1e0"]')).toMatch(/kind-waits_lock conf-certain cycle/);
    expect(cls('[data-edge="lock:ffff880035acf1e0->task:4790"]')).toMatch(/conf-likely cycle/);
    expect(cls('[data-edge="task:31969->task:4790"]')).toMatch(/conf-guess/);
    expect(cls('[data-edge="task:31969->task:4790"]')).not.toMatch(/cycle/);
  });

  it('selects a node on click and marks the selected one', () => {
    const picked: (string | null)[] = [];
    const host = render('task:4790', (id) => picked.push(id));
    expect(host.querySelector('[data-node-id="task:4790"]')?.getAttribute('class')).toMatch(/\bselected\b/);
    act(() =>
      host
        .querySelector<SVGGElement>('[data-node-id="task:31969"]')!
        .dispatchEvent(new MouseEvent('click', { bubbles: true })),
    );
    expect(picked).toEqual(['task:31969']);
  });
});
