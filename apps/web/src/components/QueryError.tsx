import { ApiError } from '../api/client';

export function QueryError({ error, retry, what }: { error: unknown; retry?: () => void; what: string }) {
  const notFound = error instanceof ApiError && error.status === 404;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" className="error-box">
      <p>{notFound ? `No such ${what}.` : `Could not load ${what}: ${message}`}</p>
      {retry && !notFound && (
        <button type="button" onClick={retry}>
          Retry
        </button>
      )}
    </div>
  );
}
