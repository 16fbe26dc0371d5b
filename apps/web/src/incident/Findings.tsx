// Findings first: the answer (cycle, root blocker, known issue) before the evidence.
import { memo, useState } from 'react';
import type { Finding } from '@hangscope/analyzer';
import { CopyButton } from '../components/CopyButton';

const KIND_TITLES: Record<string, string> = {
  deadlock_cycle: 'Deadlock cycle',
  self_deadlock: 'Self-deadlock',
  root_blocker: 'Root blocker',
  lock_contention: 'Lock contention',
  ipi_stall: 'IPI stall',
  known_issue: 'Known issue',
  missing_evidence: 'Missing evidence',
  stuck_cpu: 'Stuck CPU',
  starved_cpu: 'Starved CPU',
};

export function findingAsText(f: Finding): string {
  const lines = [`${KIND_TITLES[f.kind] ?? f.kind} (${f.severity}): ${f.summary}`];
  if (f.nodes?.length) lines.push(`nodes: ${f.nodes.join(' -> ')}`);
  const k = f.knownIssue;
  if (k) {
    lines.push(`known issue: ${k.title} [${k.id}]`);
    if (k.fixes?.length) lines.push(`fixes: ${k.fixes.join(', ')}`);
    if (k.mitigation) lines.push(`mitigation: ${k.mitigation}`);
  }
  if (f.nextSteps?.length) lines.push('next steps:', ...f.nextSteps.map((s) => `  ${s}`));
  return lines.join('\n');
}

/**
 * Findings drawn before "Show all": they come most important first, and a big dump has
 * hundreds (one per contended lock), thousands of elements the page would lay out
 * before it can answer the first click.
 */
export const FINDINGS_SHOWN = 25;
/** Node links per finding before "+N more" (a contention finding names every waiter). */
export const FINDING_NODES_SHOWN = 12;

// memo: hundreds of findings need not re-render on every selection.
export const Findings = memo(function Findings({
  findings,
  onSelectNode,
}: {
  findings: Finding[];
  onSelectNode: (id: string) => void;
}) {
  const [all, setAll] = useState(false);
  if (findings.length === 0) return <p className="muted">No findings.</p>;
  const shown = all ? findings : findings.slice(0, FINDINGS_SHOWN);
  return (
    <>
      <ol className="findings">
        {shown.map((f, i) => (
          <li key={i} className={`finding severity-${f.severity} finding-${f.kind}`}>
            <div className="finding-head">
              <span className={`badge severity-${f.severity}`}>{f.severity}</span>
              <strong>{KIND_TITLES[f.kind] ?? f.kind}</strong>
              {f.confidence && <span className="muted"> · {f.confidence}</span>}
              <CopyButton text={findingAsText(f)} />
            </div>
            <p className="finding-summary">{f.summary}</p>
            {f.nodes?.length > 0 && <FindingNodes nodes={f.nodes} onSelectNode={onSelectNode} />}
            {f.knownIssue && (
              <div className="known-issue">
                <p>
                  <strong>{f.knownIssue.title}</strong> <span className="muted mono">{f.knownIssue.id}</span>
                </p>
                {f.knownIssue.explanation && <p>{f.knownIssue.explanation}</p>}
                {f.knownIssue.fixes?.length > 0 && (
                  <p>
                    Fixed by:{' '}
                    {f.knownIssue.fixes.map((c) => (
                      <span key={c} className="commit">
                        <a
                          className="mono"
                          href={`https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=${encodeURIComponent(c)}`}
                          target="_blank"
                          rel="noreferrer noopener"
                        >
                          {c}
                        </a>{' '}
                        <CopyButton text={c} label="Copy id" />
                      </span>
                    ))}
                  </p>
                )}
                {f.knownIssue.mitigation && (
                  <p>
                    Mitigation: {f.knownIssue.mitigation} <CopyButton text={f.knownIssue.mitigation} />
                  </p>
                )}
              </div>
            )}
            {f.nextSteps && f.nextSteps.length > 0 && (
              <div className="next-steps">
                <p>
                  Next steps <CopyButton text={f.nextSteps.join('\n')} />
                </p>
                <ul>
                  {f.nextSteps.map((s, j) => (
                    <li key={j} className="mono">
                      {s}
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </li>
        ))}
      </ol>
      {findings.length > FINDINGS_SHOWN && (
        <p>
          <button type="button" onClick={() => setAll((v) => !v)}>
            {all ? `Show the first ${FINDINGS_SHOWN}` : `Show all ${findings.length} findings`}
          </button>
        </p>
      )}
    </>
  );
});

function FindingNodes({ nodes, onSelectNode }: { nodes: string[]; onSelectNode: (id: string) => void }) {
  const [all, setAll] = useState(false);
  const shown = all ? nodes : nodes.slice(0, FINDING_NODES_SHOWN);
  return (
    <p className="finding-nodes">
      {shown.map((n, j) => (
        <span key={`${n}-${j}`}>
          {j > 0 && <span className="arrow-sep"> → </span>}
          <button type="button" className="linklike mono" onClick={() => onSelectNode(n)}>
            {n}
          </button>
        </span>
      ))}
      {nodes.length > shown.length && (
        <>
          {' '}
          <button type="button" className="linklike" onClick={() => setAll(true)}>
            +{nodes.length - shown.length} more
          </button>
        </>
      )}
    </p>
  );
}
