import { useEffect, useState } from 'preact/hooks';
import { api, session } from '../api.js';
import { tokenFromCredentials } from '../app-credentials.js';
import type { Me } from '../app.js';
import { ErrorNote, Field, useAction } from '../ui.js';

/**
 * Sign in by the one-time link `npm start` prints (its code is in the URL's fragment, which the
 * browser never sends: it is posted once, then wiped from the address bar), with an app's
 * credentials.properties (exchanged for a token in the browser, see app-credentials.ts), or by
 * pasting a token.
 */
export function SignInPage({ signedIn }: { signedIn(token: string, me: Me): void }) {
  const [pasted, setPasted] = useState('');
  const { busy, error, run } = useAction();
  const finish = async (token: string) => {
    const me = await api<Me>('GET', '/sluice/v1/console/me', undefined, token);
    session.set(token);
    signedIn(token, me);
  };
  const signInWith = (token: string) => run(() => finish(token));

  useEffect(() => {
    const code = new URLSearchParams(location.hash.slice(1)).get('code');
    if (!code) return;
    history.replaceState(null, '', location.pathname);
    void run(async () => {
      const { token } = await api<{ token: string }>('POST', '/console/sign-in', { code }, null);
      await finish(token);
    });
  }, []);

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Sluice</h1>
      {busy && <p role="status">Signing in…</p>}
      <ErrorNote error={error} />
      <p>
        On the embedded default, <code>npm start</code> prints a one-time sign-in link: open it once, within its time.
        Otherwise choose the <code>credentials.properties</code> of an app's access key, or paste a token (<code>npx sluice token</code> prints one for the local realm).
      </p>
      <form onSubmit={(event) => {
        event.preventDefault();
        const file = (event.currentTarget.elements.namedItem('credentials') as HTMLInputElement).files?.[0];
        if (file) void run(async () => finish(await tokenFromCredentials(await file.text())));
      }}>
        <Field label="App credentials" hint="The credentials.properties of an app's access key (sluice app key create): signed here, the secret is not sent.">
          <input type="file" name="credentials" accept=".properties,text/plain" required />
        </Field>
        <div class="buttons"><button type="submit" disabled={busy}>Sign in with credentials</button></div>
      </form>
      <form onSubmit={(event) => { event.preventDefault(); void signInWith(pasted.trim()); }}>
        <Field label="Token" hint="A JWT, sent as Authorization: Bearer to the API; kept in this browser until you sign out or it expires.">
          <textarea name="token" rows={4} required autocomplete="off" spellcheck={false} value={pasted} onInput={(e) => setPasted(e.currentTarget.value)} />
        </Field>
        <div class="buttons"><button type="submit" class="primary" disabled={busy || pasted.trim() === ''}>Sign in</button></div>
      </form>
    </main>
  );
}
