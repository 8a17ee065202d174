import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.js';
import type { Me } from '../app.js';
import { ErrorNote, Field, useAction } from '../ui.js';

/**
 * Sign in by the one-time link `npm start` prints (its code is in the URL's fragment, which the
 * browser never sends: it is posted once, then wiped from the address bar), or by pasting a token.
 * Signing in with an application's credentials comes once Sluice has applications.
 */
export function SignInPage({ signedIn }: { signedIn(token: string, me: Me): void }) {
  const [pasted, setPasted] = useState('');
  const { busy, error, run } = useAction();
  const signInWith = (token: string) => run(async () => {
    const me = await api<Me>('GET', '/sluice/v1/console/me', undefined, token);
    session.set(token);
    signedIn(token, me);
  });

  useEffect(() => {
    const code = new URLSearchParams(location.hash.slice(1)).get('code');
    if (!code) return;
    history.replaceState(null, '', location.pathname);
    void run(async () => {
      const { token } = await api<{ token: string }>('POST', '/console/sign-in', { code }, null);
      const me = await api<Me>('GET', '/sluice/v1/console/me', undefined, token);
      session.set(token);
      signedIn(token, me);
    });
  }, []);

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Sluice</h1>
      {busy && <p role="status">Signing in…</p>}
      <ErrorNote error={error} />
      <p>
        On the embedded default, <code>npm start</code> prints a one-time sign-in link: open it once, within its time.
        Otherwise paste a token (<code>npx sluice token</code> prints one for the local realm).
      </p>
      <form onSubmit={(event) => { event.preventDefault(); void signInWith(pasted.trim()); }}>
        <Field label="Token" hint="A JWT, sent as Authorization: Bearer to the API; kept in this browser until you sign out or it expires.">
          <textarea name="token" rows={4} required autocomplete="off" spellcheck={false} value={pasted} onInput={(e) => setPasted(e.currentTarget.value)} />
        </Field>
        <div class="buttons"><button type="submit" class="primary" disabled={busy || pasted.trim() === ''}>Sign in</button></div>
      </form>
    </main>
  );
}
