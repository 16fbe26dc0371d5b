import { Link, NavLink, Outlet } from 'react-router';

export function Layout() {
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
      </header>
      <Outlet />
    </>
  );
}
