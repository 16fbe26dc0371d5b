import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import type { Finding } from '@hangscope/analyzer';
import { FINDING_NODES_SHOWN, FINDINGS_SHOWN, Findings } from './Findings';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
let host: HTMLElement | null = null;
afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
});

function render(findings: Finding[], onSelect: (id: string) => void = () => {}) {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
  act(() => root!.render(<Findings findings={findings} onSelectNode={onSelect} />));
  return host;
}

const button = (el: HTMLElement, text: string) => [...el.querySelectorAll('button')].find((b) => b.textContent === text)!;

describe('Findings', () => {
  it('draws the first findings and the first nodes of each, the rest on request', () => {
    // 300 contention findings, each naming a lock and 20 waiters (a big sysrq-t dump).
    const findings: Finding[] = Array.from({ length: 300 }, (_, i) => ({
      kind: 'lock_contention',
      severity: 'warning',
      summary: `20 tasks wait on mutex ${i}`,
      nodes: [`lock:${i}`, ...Array.from({ length: 20 }, (_, k) => `task:${i * 100 + k}`)],
    }));
    const picked: string[] = [];
    const el = render(findings, (id) => picked.push(id));
    expect(el.querySelectorAll('li.finding')).toHaveLength(FINDINGS_SHOWN);
    const first = el.querySelector('li.finding .finding-nodes') as HTMLElement;
    expect(first.querySelectorAll('button.mono')).toHaveLength(FINDING_NODES_SHOWN);
    act(() => button(first, `+${21 - FINDING_NODES_SHOWN} more`).click());
    expect(first.querySelectorAll('button.mono')).toHaveLength(21);
    act(() => button(first, 'task:19').click());
    expect(picked).toEqual(['task:19']);
    act(() => button(el, 'Show all 300 findings').click());
    expect(el.querySelectorAll('li.finding')).toHaveLength(300);
    act(() => button(el, `Show the first ${FINDINGS_SHOWN}`).click());
    expect(el.querySelectorAll('li.finding')).toHaveLength(FINDINGS_SHOWN);
  });

  it('shows a short list whole', () => {
    const el = render([{ kind: 'self_deadlock', severity: 'critical', summary: 's', nodes: ['task:1', 'lock:a'] }]);
    expect(el.querySelectorAll('li.finding')).toHaveLength(1);
    expect(el.textContent).not.toMatch(/Show all/);
  });
});
