// Two captures side by side: per task the same stack (stuck) or another (moved), locks
// whose owner changed, CPUs still stuck. The server analyses each capture on its own.
import { useState } from 'react';
import { useDiff } from '../api/hooks';
import { QueryError } from '../components/QueryError';

const CHANGE: Record<string, string> = {
  stuck: 'stuck (same stack)',
  moved: 'moved',
  gone: 'not seen in b',
  new: 'only in b',
};

export function CaptureDiffView({ id, count }: { id: string; count: number }) {
  const [a, setA] = useState(count - 1);
  const [b, setB] = useState(count);
  const diff = useDiff(id, a, b, a !== b);
  const pick = (value: number, set: (n: number) => void, label: string) => (
    <select aria-label={label} value={value} onChange={(e) => set(Number(e.target.value))}>
      {Array.from({ length: count }, (_, k) => (
        <option key={k + 1} value={k + 1}>
          capture {k + 1}
        </option>
      ))}
    </select>
  );
  return (
    <div className="capture-diff" aria-label="capture diff">
      <h3>
        What changed: {pick(a, setA, 'compare capture')} → {pick(b, setB, 'with capture')}
      </h3>
      {a === b && <p className="muted">Pick two different captures.</p>}
      {diff.isError && <QueryError error={diff.error} retry={() => void diff.refetch()} what="diff" />}
      {diff.data && (
        <>
          <p className="diff-summary">{diff.data.summary}</p>
          {diff.data.tasks.length > 0 && (
            <table className="diff-tasks">
              <thead>
                <tr>
                  <th>Task</th>
                  <th>Capture {a}</th>
                  <th>Capture {b}</th>
                  <th>Change</th>
                </tr>
              </thead>
              <tbody>
                {diff.data.tasks.slice(0, 100).map((t) => (
                  <tr key={t.id} className={`diff-${t.change}`}>
                    <td>
                      {t.comm ?? '?'} ({t.pid ?? '?'})
                    </td>
                    <td>{t.atA ? `${t.stateA ?? ''} ${t.atA}` : '—'}</td>
                    <td>{t.atB ? `${t.stateB ?? ''} ${t.atB}` : '—'}</td>
                    <td>{CHANGE[t.change]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {diff.data.locks.length > 0 && (
            <ul aria-label="locks whose owner changed">
              {diff.data.locks.map((l) => (
                <li key={l.id}>
                  {l.name ?? l.id}: owner {l.ownerA ?? 'unknown'} → {l.ownerB ?? 'unknown'}
                </li>
              ))}
            </ul>
          )}
          {diff.data.cpus.length > 0 && (
            <ul aria-label="stuck CPUs">
              {diff.data.cpus.map((c) => (
                <li key={c.cpu}>
                  CPU {c.cpu}: {c.change.replace('_', ' ')}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
