// Findings first: the answer (cycle, root blocker, known issue) before the evidence; one
// row per kind, the first finding of the kind in full and the others behind a count.
import { memo, useMemo, useState } from 'react';
import type { CollectorSource as CollectorSourceType, Finding } from '@hangscope/analyzer';
import { CopyButton } from '../components/CopyButton';
import { groupFindings, type FindingGroup } from './findingGroups';
import type { LineRange } from './urlState';

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
  lock_left_held: 'Lock left held',
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

/** Findings of one kind drawn when a folded row is opened, before "Show all". */
export const FINDINGS_SHOWN = 25;
/** Node links per finding before "+N more" (a contention finding names every waiter). */
export const FINDING_NODES_SHOWN = 12;

type NodeLabel = (id: string) => string;
type LinkTo = (node: string | null, lines: LineRange | null) => string;

/** A finding's permalink: its first node, and its first evidence lines. */
function findingLink(f: Finding, linkTo: LinkTo): string {
  const ev = f.evidence?.[0];
  return linkTo(f.nodes?.[0] ?? null, ev ? { from: ev.line, to: ev.endLine ?? ev.line } : null);
}
const idAsLabel: NodeLabel = (id) => id;

// memo: hundreds of findings need not re-render on every selection.
export const Findings = memo(function Findings({
  findings,
  onSelectNode,
  nodeLabel = idAsLabel,
  linkTo,
}: {
  findings: Finding[];
  onSelectNode: (id: string) => void;
  /** What a node is called on the page (its graph label); the id otherwise. */
  nodeLabel?: NodeLabel;
  /** The permalink of a node and line range (a "Copy link" per finding when given). */
  linkTo?: LinkTo;
}) {
  const groups = useMemo(() => groupFindings(findings), [findings]);
  if (findings.length === 0) return <p className="muted">No findings.</p>;
  return (
    <ol className="findings">
      {groups.map((g) => (
        <FindingRow key={g.kind} group={g} onSelectNode={onSelectNode} nodeLabel={nodeLabel} linkTo={linkTo} />
      ))}
    </ol>
  );
});

/** One kind: its first finding in full, the others folded behind a count. */
function FindingRow({
  group: g,
  onSelectNode,
  nodeLabel,
  linkTo,
}: {
  group: FindingGroup;
  onSelectNode: (id: string) => void;
  nodeLabel: NodeLabel;
  linkTo?: LinkTo;
}) {
  const [open, setOpen] = useState(false);
  const [all, setAll] = useState(false);
  const [first, ...rest] = g.items;
  const title = KIND_TITLES[g.kind] ?? g.kind;
  const shown = all ? rest : rest.slice(0, FINDINGS_SHOWN);
  return (
    <li className={`finding severity-${g.severity} finding-${g.kind}`} data-count={g.items.length}>
      <div className="finding-head">
        <span className={`badge severity-${g.severity}`}>{g.severity}</span>
        <strong>{title}</strong>
        {g.items.length > 1 && (
          <span className="finding-count" aria-label={`${g.items.length} findings of this kind`}>
            ×{g.items.length}
          </span>
        )}
        {first.confidence && <span className="muted"> · {first.confidence}</span>}
        <CopyButton text={findingAsText(first)} />
        {linkTo && <CopyButton text={findingLink(first, linkTo)} label="Copy link" />}
      </div>
      <FindingBody f={first} onSelectNode={onSelectNode} nodeLabel={nodeLabel} />
      {rest.length > 0 && (
        <div className="finding-more">
          <button type="button" className="linklike" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
            {open ? 'Hide' : 'Show'} the other {rest.length} {rest.length === 1 ? 'finding' : 'findings'} of this kind
          </button>
          {open && (
            <>
              <ol className="finding-items">
                {shown.map((f, i) => (
                  <li key={i} className={`finding-item severity-${f.severity}`}>
                    <FindingBody f={f} onSelectNode={onSelectNode} nodeLabel={nodeLabel} />
                  </li>
                ))}
              </ol>
              {rest.length > FINDINGS_SHOWN && (
                <button type="button" onClick={() => setAll((v) => !v)}>
                  {all ? `Show the first ${FINDINGS_SHOWN}` : `Show all ${rest.length}`}
                </button>
              )}
            </>
          )}
        </div>
      )}
    </li>
  );
}

function FindingBody({
  f,
  onSelectNode,
  nodeLabel,
}: {
  f: Finding;
  onSelectNode: (id: string) => void;
  nodeLabel: NodeLabel;
}) {
  return (
    <>
      <p className="finding-summary">{f.summary}</p>
      {f.nodes?.length > 0 && <FindingNodes nodes={f.nodes} onSelectNode={onSelectNode} nodeLabel={nodeLabel} />}
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
                <CollectorSource source={f.collect?.[j]} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** Which collector flags take a next step, and where its answer is in the collector's output. */
function CollectorSource({ source }: { source: CollectorSourceType | null | undefined }) {
  if (!source) return null;
  const flags = source.flags.length ? source.flags.join(' ') : 'no flag';
  return (
    <span className="collect-source muted">
      {' '}
      — hangscope-collect: {flags}
      {source.sections.length ? ` → ${source.sections.join(', ')}` : ''}
    </span>
  );
}

function FindingNodes({
  nodes,
  onSelectNode,
  nodeLabel,
}: {
  nodes: string[];
  onSelectNode: (id: string) => void;
  nodeLabel: NodeLabel;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? nodes : nodes.slice(0, FINDING_NODES_SHOWN);
  return (
    <p className="finding-nodes">
      {shown.map((n, j) => (
        <span key={`${n}-${j}`}>
          {j > 0 && <span className="arrow-sep"> → </span>}
          <button type="button" className="linklike node-link" data-node={n} title={n} onClick={() => onSelectNode(n)}>
            {nodeLabel(n)}
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
