// Incidents grouped by analysis fingerprint: the same hang seen again and again. Each
// row opens its group's page.
import { Link } from 'react-router';
import { useGroups } from '../api/hooks';
import { QueryError } from '../components/QueryError';
import { formatDate, kindLabel } from '../util/format';

export function GroupsPage() {
  const groups = useGroups();
  return (
    <main className="page">
      <h1>Recurring hangs</h1>
      {groups.isPending && <p className="muted">Loading…</p>}
      {groups.isError && <QueryError error={groups.error} retry={() => void groups.refetch()} what="groups" />}
      {groups.data === null && <p className="muted">This server does not group incidents yet.</p>}
      {groups.data && groups.data.length === 0 && <p className="muted">No incidents yet.</p>}
      {groups.data && groups.data.length > 0 && (
        <table className="history-table">
          <thead>
            <tr>
              <th>Seen</th>
              <th>Title</th>
              <th>Kind</th>
              <th>First</th>
              <th>Last</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {groups.data.map((g) => (
              <tr key={g.fingerprint}>
                <td>{g.count}×</td>
                <td>
                  <Link to={g.url ?? `/i/${encodeURIComponent(g.latestId)}`}>{g.title}</Link>
                </td>
                <td>
                  <span className={`kind kind-${g.kind}`}>{kindLabel(g.kind)}</span>
                </td>
                <td>{formatDate(g.firstSeen)}</td>
                <td>{formatDate(g.lastSeen)}</td>
                <td>{g.status ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
