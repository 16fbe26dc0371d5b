// One group: every incident of one bug, where it hit (kernels, hosts), how far the team
// got with it (status, the newest mitigation note), newest incident first.
import { Link, useParams } from 'react-router';
import { useGroup } from '../api/hooks';
import { QueryError } from '../components/QueryError';
import { formatDate, kindLabel } from '../util/format';

export function GroupPage() {
  const { key = '' } = useParams();
  const group = useGroup(key);
  const g = group.data;
  return (
    <main className="page group-page">
      <p className="muted">
        <Link to="/groups">Recurring hangs</Link>
      </p>
      {group.isPending && <p className="muted">Loading…</p>}
      {group.isError && <QueryError error={group.error} retry={() => void group.refetch()} what="group" />}
      {g === null && <p className="muted">No incident is in this group.</p>}
      {g && (
        <>
          <h1>{g.title}</h1>
          <p>
            <span className={`kind kind-${g.kind}`}>{kindLabel(g.kind)}</span>{' '}
            <span className={`status status-${g.status}`} aria-label="group status">
              {g.status}
            </span>{' '}
            · seen {g.count}× · first {formatDate(g.firstSeen)} · last {formatDate(g.lastSeen)}
          </p>
          <dl className="group-facts">
            <dt>Kernels</dt>
            <dd>{g.kernels.length ? g.kernels.join(', ') : 'not stated'}</dd>
            <dt>Hosts</dt>
            <dd>{g.hosts.length ? g.hosts.join(', ') : 'not stated'}</dd>
            <dt>Fingerprint</dt>
            <dd>
              <code>{g.fingerprint}</code>
            </dd>
          </dl>
          <section aria-labelledby="group-mitigation-h" className="mitigation">
            <h2 id="group-mitigation-h">Mitigation</h2>
            {g.mitigation ? (
              <>
                <p className="note-body">{g.mitigation.body}</p>
                <p className="note-meta muted">
                  {g.mitigation.author ?? 'anonymous'} · {formatDate(g.mitigation.updatedAt)} · on{' '}
                  <Link to={`/i/${encodeURIComponent(g.mitigation.incidentId)}`}>this incident</Link>
                </p>
              </>
            ) : (
              <p className="muted">No mitigation written on any of its incidents yet.</p>
            )}
          </section>
          <section aria-labelledby="group-incidents-h">
            <h2 id="group-incidents-h">Incidents</h2>
            <table className="history-table">
              <thead>
                <tr>
                  <th>Seen</th>
                  <th>Title</th>
                  <th>Host</th>
                  <th>Kernel</th>
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {g.incidents.map((i) => (
                  <tr key={i.id}>
                    <td>{formatDate(i.createdAt)}</td>
                    <td>
                      <Link to={`/i/${encodeURIComponent(i.id)}`}>{i.title || i.id}</Link>
                    </td>
                    <td>{i.host ?? ''}</td>
                    <td>{i.kernel ?? ''}</td>
                    <td>{i.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {g.incidents.length < g.count && (
              <p className="muted">
                The newest {g.incidents.length} of {g.count}.
              </p>
            )}
          </section>
        </>
      )}
    </main>
  );
}
