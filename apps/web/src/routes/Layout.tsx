import { Link, NavLink, Outlet } from 'react-router';
import { useSession, useSignOut } from '../api/hooks';
import { SignIn } from '../components/SignIn';

export function Layout() {
  const session = useSession();
  const signOut = useSignOut();
  const who = session.data;
  const needsSignIn = who?.auth === true && who.name === null;
  return (
    <>
      <header className="topbar">
        <Link to="/" className="brand">
          hangscope
        </Link>
        <nav>
          <NavLink to="/" end>
            Incidents
          </NavLink>
          <NavLink to="/groups">Recurring</NavLink>
          <NavLink to="/new">New incident</NavLink>
        </nav>
        {who?.auth && who.name !== null && (
          <span className="who">
            {who.name} ({who.role}){' '}
            <button type="button" className="linklike" onClick={() => signOut.mutate()}>
              Sign out
            </button>
          </span>
        )}
      </header>
      {needsSignIn ? <SignIn /> : <Outlet />}
    </>
  );
}
