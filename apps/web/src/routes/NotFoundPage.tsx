import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <main className="page">
      <h1>Not found</h1>
      <p>
        <Link to="/">Back to the incident list</Link>
      </p>
    </main>
  );
}
