import { useState } from 'react';
import { useSignIn } from '../api/hooks';

/** Shown instead of every page while the server checks tokens and this browser has none. */
export function SignIn() {
  const [token, setToken] = useState('');
  const signIn = useSignIn();
  return (
    <main className="page sign-in">
      <h1>Sign in</h1>
      <p>
        This hangscope server checks who you are. Paste the token an admin made for you (
        <code>cli.js token create</code>); the browser keeps a session, not the token.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) signIn.mutate(token.trim());
        }}
      >
        <label>
          Token{' '}
          <input
            type="password"
            autoComplete="off"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            aria-label="Token"
          />
        </label>{' '}
        <button type="submit" disabled={signIn.isPending || !token.trim()}>
          Sign in
        </button>
      </form>
      {signIn.isError && (
        <p role="alert" className="error">
          {signIn.error.message}
        </p>
      )}
    </main>
  );
}
