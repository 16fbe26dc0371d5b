import type { Incident } from '../api/types';
import { useNavigate } from 'react-router';
import { useAccess, useDeleteIncident, useSession, useSetPinned, useSetStatus } from '../api/hooks';
import { formatBytes, formatDate, kindLabel } from '../util/format';

// 'duplicate' needs the original's id (duplicateOf), which this control cannot pick;
// it is shown when already set, not offered.
const STATUSES = ['open', 'mitigated', 'resolved'];

export function IncidentHeader({ incident: inc }: { incident: Incident }) {
  const title = inc.title || inc.analysis?.title || inc.id;
  return (
    <header className="incident-header">
      <h1>{title}</h1>
      {inc.analysis?.title && inc.analysis.title !== title && <p className="muted">{inc.analysis.title}</p>}
      <dl className="facts">
        <div>
          <dt>Kind</dt>
          <dd>
            <span className={`kind kind-${inc.kind}`}>{kindLabel(inc.kind ?? inc.analysis?.kind)}</span>
          </dd>
        </div>
        {inc.host && (
          <div>
            <dt>Host</dt>
            <dd>{inc.host}</dd>
          </div>
        )}
        <div>
          <dt>Kernel</dt>
          <dd className="mono">{inc.kernel ?? inc.analysis?.kernel ?? 'unknown'}</dd>
        </div>
        <div>
          <dt>Uploaded</dt>
          <dd>{formatDate(inc.createdAt)}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>
            {formatBytes(inc.size)}
            {inc.lineCount ? `, ${inc.lineCount} lines` : ''}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusControl id={inc.id} status={inc.status} />
          </dd>
        </div>
        {inc.pinned !== undefined && (
          <div>
            <dt>Retention</dt>
            <dd>
              <PinControl id={inc.id} pinned={inc.pinned} /> <DeleteControl id={inc.id} />
            </dd>
          </div>
        )}
        {inc.tags?.length > 0 && (
          <div>
            <dt>Tags</dt>
            <dd>
              {inc.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
            </dd>
          </div>
        )}
      </dl>
    </header>
  );
}

function StatusControl({ id, status }: { id: string; status: string }) {
  const set = useSetStatus(id);
  const { canWrite } = useAccess();
  // A read-only role sees the status, not a control the server would refuse (403).
  if (!canWrite) return <span>{status}</span>;
  // A server without PATCH answers 404/405: the mutation resolves to null.
  const unsupported = set.isSuccess && set.data === null;
  const options = STATUSES.includes(status) ? STATUSES : [status, ...STATUSES];
  return (
    <>
      <select
        aria-label="status"
        value={status}
        disabled={set.isPending || unsupported}
        onChange={(e) => set.mutate(e.target.value)}
      >
        {options.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      {unsupported && <span className="muted"> (this server cannot change status yet)</span>}
      {set.isError && <span className="error"> {set.error.message}</span>}
    </>
  );
}

function PinControl({ id, pinned }: { id: string; pinned: boolean }) {
  const set = useSetPinned(id);
  const { canWrite } = useAccess();
  if (!canWrite) return <span>{pinned ? 'pinned' : 'not pinned'}</span>;
  return (
    <label title="A pinned incident is kept whatever the server's retention">
      <input type="checkbox" checked={pinned} disabled={set.isPending} onChange={(e) => set.mutate(e.target.checked)} />{' '}
      pinned
      {set.isError && <span className="error"> {set.error.message}</span>}
    </label>
  );
}

/** Admins only (everyone, with authentication off): deletes the incident and all of it. */
function DeleteControl({ id }: { id: string }) {
  const session = useSession();
  const del = useDeleteIncident(id);
  const navigate = useNavigate();
  if (session.data?.role !== 'admin') return null;
  return (
    <span>
      <button
        type="button"
        className="linklike danger"
        disabled={del.isPending}
        onClick={() => {
          if (window.confirm('Delete this incident, its dump, analysis, notes and history for good?'))
            del.mutate(undefined, { onSuccess: () => void navigate('/') });
        }}
      >
        delete incident
      </button>
      {del.isError && <span className="error"> {del.error.message}</span>}
    </span>
  );
}
