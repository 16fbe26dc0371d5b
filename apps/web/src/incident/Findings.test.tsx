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

const button = (el: HTMLElement, text: string) =>
  [...el.querySelectorAll('button')].find((b) => b.textContent === text)!;

describe('Findings', () => {
  it('says after each next step which collector flags take it, and nothing for a step it cannot take', () => {
    const el = render([
      {
        kind: 'missing_evidence',
        severity: 'warning',
        summary: 'rmmod (31969) waits for a workqueue whose worker is not in the dump',
        nodes: ['task:31969'],
        nextSteps: ['echo w and t, then dmesg', 'in crash: foreach UN bt'],
        collect: [{ flags: ['--sysrq=wt'], sections: ['dmesg', 'workqueues'] }, null],
      },
    ]);
    const steps = [...el.querySelectorAll('.next-steps li')].map((li) => li.textContent);
    expect(steps).toEqual([
      'echo w and t, then dmesg — hangscope-collect: --sysrq=wt → dmesg, workqueues',
      'in crash: foreach UN bt',
    ]);
  });

  it('folds findings of one kind into one row with a count; the rest and their nodes on request', () => {
    // 60 contention findings, each naming a lock and 20 waiters (a big sysrq-t dump has hundreds).
    const findings: Finding[] = Array.from({ length: 60 }, (_, i) => ({
      kind: 'lock_contention',
      severity: 'warning',
      summary: `20 tasks wait on mutex ${i}`,
      nodes: [`lock:${i}`, ...Array.from({ length: 20 }, (_, k) => `task:${i * 100 + k}`)],
    }));
    const picked: string[] = [];
    const el = render(findings, (id) => picked.push(id));
    expect(el.querySelectorAll('li.finding')).toHaveLength(1);
    expect(el.querySelector('.finding-count')?.textContent).toBe('×60');
    expect(el.querySelectorAll('li.finding-item')).toHaveLength(0);
    const first = el.querySelector('li.finding .finding-nodes') as HTMLElement;
    expect(first.querySelectorAll('button.node-link')).toHaveLength(FINDING_NODES_SHOWN);
    act(() => button(first, `+${21 - FINDING_NODES_SHOWN} more`).click());
    expect(first.querySelectorAll('button.node-link')).toHaveLength(21);
    act(() => button(first, 'task:19').click());
    expect(picked).toEqual(['task:19']);
    act(() => button(el, 'Show the other 59 findings of this kind').click());
    expect(el.querySelectorAll('li.finding-item')).toHaveLength(FINDINGS_SHOWN);
    act(() => button(el, 'Show all 59').click());
    expect(el.querySelectorAll('li.finding-item')).toHaveLength(59);
    act(() => button(el, `Show the first ${FINDINGS_SHOWN}`).click());
    expect(el.querySelectorAll('li.finding-item')).toHaveLength(FINDINGS_SHOWN);
  });

  it('keeps kinds apart, most important first, and names nodes by their label', () => {
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
    const findings: Finding[] = [
      { kind: 'self_deadlock', severity: 'critical', summary: 's', nodes: ['task:1', 'lock:a'] },
      { kind: 'missing_evidence', severity: 'warning', summary: 'm1', nodes: [] },
      { kind: 'missing_evidence', severity: 'info', summary: 'm2', nodes: [] },
    ];
    act(() =>
      root!.render(
        <Findings
          findings={findings}
          onSelectNode={() => {}}
          nodeLabel={(id) => (id === 'task:1' ? 'kworker/1:2 (1)' : id)}
        />,
      ),
    );
    const rows = [...host.querySelectorAll('ol.findings > li.finding')];
    expect(rows.map((r) => r.getAttribute('data-count'))).toEqual(['1', '2']);
    expect(rows[0].querySelector('.finding-count')).toBeNull();
    const link = rows[0].querySelector('button.node-link') as HTMLButtonElement;
    expect(link.textContent).toBe('kworker/1:2 (1)');
    expect(link.dataset.node).toBe('task:1');
  });

  it('shows a short list whole', () => {
    const el = render([{ kind: 'self_deadlock', severity: 'critical', summary: 's', nodes: ['task:1', 'lock:a'] }]);
    expect(el.querySelectorAll('li.finding')).toHaveLength(1);
    expect(el.textContent).not.toMatch(/Show/);
  });
});
