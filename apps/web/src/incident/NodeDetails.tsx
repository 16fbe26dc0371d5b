// Details of the selected node: a task's stack (generic frames dimmed, the waiting
// frame marked), a lock's owner and waiters, a CPU's state, the edges in and out.
import { useState } from 'react';
import type { AnalysisDocument, GraphNode, Span, Task } from '@hangscope/analyzer';
import { edgeWords } from '../graph/edgeWords';
import { CopyButton } from '../components/CopyButton';
import { findEntity, findNode, frameLineOf, labelOf, nodeForTask } from './evidence';
import { isWaitFrame } from './genericFrames';
import { mergeSpans, type LineRange } from './urlState';

interface Props {
  analysis: AnalysisDocument;
  nodeId: string | null;
  /** The drawn node of identical waiters the selected task is folded into, if any. */
  folded?: GraphNode | null;
  onSelectNode: (id: string) => void;
  onShowLines: (r: LineRange) => void;
  /** The selected node's permalink. */
  link?: string | null;
}

export function NodeDetails({ analysis: doc, nodeId, folded, onSelectNode, onShowLines, link }: Props) {
  if (!nodeId) {
    return (
      <section className="node-details" aria-label="node details">
        <p className="muted">Click a node in the graph to see its stack, lock owner or evidence.</p>
      </section>
    );
  }
  const node = findNode(doc, nodeId);
  const entity = findEntity(doc, nodeId);
  const outgoing = doc.graph.edges.filter((e) => e.from === nodeId);
  const incoming = doc.graph.edges.filter((e) => e.to === nodeId);
  const nodeLink = (id: string) => {
    const target = doc.graph.nodes.some((n) => n.id === id) ? id : nodeForTask(doc, id);
    return target ? (
      <button type="button" className="linklike" onClick={() => onSelectNode(target)}>
        {labelOf(doc, id)}
      </button>
    ) : (
      <span className="mono">{id}</span>
    );
  };

  return (
    <section className="node-details" aria-label="node details" data-selected-node={nodeId}>
      <h3>
        {node?.label ?? nodeId} <span className="muted mono">{nodeId}</span>{' '}
        {link && <CopyButton text={link} label="Copy link" />}
      </h3>
      {(folded ?? (node?.count && node.count > 1 ? node : null)) && (
        <Members group={(folded ?? node)!} current={nodeId} onSelectNode={onSelectNode} />
      )}
      {entity.type === 'task' && (
        <>
          <p>
            pid {entity.task.pid ?? '?'} · state {entity.task.state ?? '?'}
            {entity.task.cpu != null && ` · cpu ${entity.task.cpu}`}
            {entity.task.blockedSeconds != null && ` · blocked ${entity.task.blockedSeconds}s`}
            {entity.task.workqueue && ` · workqueue ${entity.task.workqueue.wq} ${entity.task.workqueue.fn}`}
          </p>
          <Stack task={entity.task} waitFrame={node?.waitFrame} onShowLines={onShowLines} />
        </>
      )}
      {entity.type === 'lock' && (
        <dl className="facts">
          <div>
            <dt>Type</dt>
            <dd>{entity.lock.type}</dd>
          </div>
          {entity.lock.name && (
            <div>
              <dt>Name</dt>
              <dd className="mono">{entity.lock.name}</dd>
            </div>
          )}
          <div>
            <dt>Owner</dt>
            <dd>
              {entity.lock.owner ? nodeLink(entity.lock.owner) : 'unknown'}
              {entity.lock.ownerConfidence && <span className="muted"> ({entity.lock.ownerConfidence})</span>}
            </dd>
          </div>
          <div>
            <dt>Waiters</dt>
            <dd>
              {entity.lock.waiters.length === 0
                ? 'none seen'
                : entity.lock.waiters.map((w, i) => (
                    <span key={w}>
                      {i > 0 && ', '}
                      {nodeLink(w)}
                    </span>
                  ))}
            </dd>
          </div>
        </dl>
      )}
      {entity.type === 'cpu' && (
        <p>
          {entity.cpu.idle ? 'idle' : 'busy'}
          {entity.cpu.stuck && ` · stuck${entity.cpu.stuckReason ? ` (${entity.cpu.stuckReason})` : ''}`}
          {entity.cpu.current && (
            <>
              {' · running '}
              {nodeLink(entity.cpu.current)}
            </>
          )}
          {entity.cpu.runnable.length > 0 && ` · ${entity.cpu.runnable.length} runnable`}
        </p>
      )}
      {entity.type === 'work' && (
        <p>
          {entity.work.type === 'wq' ? 'workqueue' : 'work item'} {entity.work.name} · {entity.work.state}
          {entity.work.runners.length > 0 && (
            <>
              {' · run by '}
              {entity.work.runners.map((r, i) => (
                <span key={r}>
                  {i > 0 && ', '}
                  {nodeLink(r)}
                </span>
              ))}
            </>
          )}
        </p>
      )}
      {(outgoing.length > 0 || incoming.length > 0) && (
        <ul className="edge-list">
          {outgoing.map((e, i) => (
            <li key={`o${i}`}>
              {edgeWords(e.kind)} {nodeLink(e.to)} <span className="muted">({e.confidence})</span> — {e.why}{' '}
              <EvidenceLinks spans={e.evidence} onShowLines={onShowLines} />
            </li>
          ))}
          {incoming.map((e, i) => (
            <li key={`i${i}`}>
              {nodeLink(e.from)} {edgeWords(e.kind)} this <span className="muted">({e.confidence})</span> — {e.why}{' '}
              <EvidenceLinks spans={e.evidence} onShowLines={onShowLines} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EvidenceLinks({ spans, onShowLines }: { spans: Span[] | undefined; onShowLines: (r: LineRange) => void }) {
  if (!spans?.length) return null;
  return (
    <>
      {mergeSpans(spans).map((r) => (
        <button key={`${r.from}-${r.to}`} type="button" className="linklike line-ref" onClick={() => onShowLines(r)}>
          {r.from === r.to ? `line ${r.from}` : `lines ${r.from}–${r.to}`}
        </button>
      ))}
    </>
  );
}

function Stack({
  task,
  waitFrame,
  onShowLines,
}: {
  task: Task;
  waitFrame: string | null | undefined;
  onShowLines: (r: LineRange) => void;
}) {
  const frames = task.frames;
  if (frames.length === 0) return <p className="muted">No stack in the dump.</p>;
  // Without a waitFrame from the analyzer, the first non-generic frame is where it waits.
  const fallback = waitFrame ? null : frames.find((f) => !f.generic)?.fn;
  return (
    <ol className="stack" aria-label="stack, innermost first">
      {frames.map((f, i) => {
        const generic = f.generic === true;
        const waiting = isWaitFrame(f.fn, waitFrame) || f.fn === fallback;
        const cls = ['frame', generic ? 'generic' : '', waiting ? 'waiting' : '', f.reliable ? '' : 'unreliable']
          .filter(Boolean)
          .join(' ');
        const line = frameLineOf(task, i);
        return (
          <li key={i} className={cls}>
            {!f.reliable && <span className="muted">? </span>}
            <span className="fn">{f.fn}</span>
            {f.offset && <span className="muted">+{f.offset}</span>}
            {f.size && <span className="muted">/{f.size}</span>}
            {f.module && <span className="module"> [{f.module}]</span>}
            {waiting && <span className="wait-mark"> ← waits here</span>}
            {line != null && (
              <button type="button" className="linklike line-ref" onClick={() => onShowLines({ from: line, to: line })}>
                line {line}
              </button>
            )}
          </li>
        );
      })}
    </ol>
  );
}

const MEMBERS_SHOWN = 60;

/** The tasks folded into one drawn node: each is a link to its own details. */
function Members({
  group,
  current,
  onSelectNode,
}: {
  group: GraphNode;
  current: string;
  onSelectNode: (id: string) => void;
}) {
  const [all, setAll] = useState(false);
  const members = group.members ?? [group.id];
  const count = group.count ?? members.length;
  const shown = all ? members : members.slice(0, MEMBERS_SHOWN);
  return (
    <div className="members">
      <p>
        {count} identical waiters drawn as one node (same wait, same state, the same edges in and out of each). Showing{' '}
        {current === group.id ? 'the first' : 'this one'}; members:
      </p>
      <ul className="member-list" aria-label="members">
        {shown.map((m) => (
          <li key={m}>
            {m === current ? (
              <strong className="mono" aria-current="true">
                {m}
              </strong>
            ) : (
              <button type="button" className="linklike mono" onClick={() => onSelectNode(m)}>
                {m}
              </button>
            )}
          </li>
        ))}
      </ul>
      {members.length > MEMBERS_SHOWN && (
        <button type="button" className="linklike" onClick={() => setAll((v) => !v)}>
          {all ? 'Show fewer' : `Show all ${members.length}`}
        </button>
      )}
    </div>
  );
}
