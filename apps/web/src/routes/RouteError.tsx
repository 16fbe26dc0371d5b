import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** Last-resort error screen for anything a section boundary did not catch. */
export function RouteError() {
  const err = useRouteError();
  const message = isRouteErrorResponse(err)
    ? `${err.status} ${err.statusText}`
    : err instanceof Error
      ? err.message
      : String(err);
  return (
    <main className="page" role="alert">
      <h1>Something broke</h1>
      <p>{message}</p>
      <p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>{' '}
        <Link to="/">Incident list</Link>
      </p>
    </main>
  );
}
