import { useEffect, useState } from 'preact/hooks';
import { api, session, TOKEN_KEY } from './api.js';
import { Link, navigate, usePath } from './router.js';
import { CatalogsPage } from './pages/catalogs.js';
import { EgressPage } from './pages/egress.js';
import { PipelinePage } from './pages/pipeline.js';
import { PipelinesPage } from './pages/pipelines.js';
import { SignInPage } from './pages/sign-in.js';
import { TemplatesPage } from './pages/templates.js';
import { VersionPage } from './pages/version.js';

/** Who the token is, as the service read it. */
export interface Me {
  userId: string;
  realm: string;
  roles: string[];
  scope?: string;
  orgAdmin: boolean;
  catalogRegistry: boolean;
}

const UUID = '([0-9a-fA-F-]{36})';

function Page({ path, me }: { path: string; me: Me }) {
  let match: RegExpExecArray | null;
  if (path === '/' || path === '/pipelines') return <PipelinesPage me={me} />;
  if ((match = new RegExp(`^/pipelines/${UUID}/versions/${UUID}$`).exec(path))) return <VersionPage pipelineId={match[1]} versionId={match[2]} />;
  if ((match = new RegExp(`^/pipelines/${UUID}$`).exec(path))) return <PipelinePage pipelineId={match[1]} me={me} />;
  if (path === '/templates') return <TemplatesPage me={me} />;
  if (path === '/catalogs') return <CatalogsPage me={me} />;
  if (path === '/egress') return <EgressPage me={me} />;
  return (
    <main id="main">
      <h1>Not found</h1>
      <p>There is no console page at {path}. <Link href="/">Go to the pipelines.</Link></p>
    </main>
  );
}

export function App() {
  const path = usePath();
  const [token, setToken] = useState(session.token);
  const [me, setMe] = useState<Me | null>(null);

  useEffect(() => {
    const signedOut = () => { setToken(null); setMe(null); };
    // Signed out (or in again) in another tab: the token is shared through localStorage.
    const otherTab = (event: StorageEvent) => {
      if (event.key !== TOKEN_KEY) return;
      if (!event.newValue) signedOut();
      else { setMe(null); setToken(event.newValue); }
    };
    window.addEventListener('sluice:signed-out', signedOut);
    window.addEventListener('storage', otherTab);
    return () => {
      window.removeEventListener('sluice:signed-out', signedOut);
      window.removeEventListener('storage', otherTab);
    };
  }, []);
  useEffect(() => {
    if (token) api<Me>('GET', '/sluice/v1/console/me').then(setMe, () => undefined);
  }, [token]);

  if (path === '/sign-in' || !token) {
    return <SignInPage signedIn={(newToken, who) => { setToken(newToken); setMe(who); navigate('/', { replace: true }); }} />;
  }
  if (!me) return <p class="boot" role="status">Signing in…</p>;
  const nav: [string, string][] = [['/', 'Pipelines'], ['/templates', 'Templates and packages'], ['/catalogs', 'Catalogs']];
  if (me.orgAdmin) nav.push(['/egress', 'Egress rules']);
  const current = (href: string) => (href === '/' ? path === '/' || path.startsWith('/pipelines') : path.startsWith(href));
  return (
    <>
      <a class="skip" href="#main">Skip to the page</a>
      <header class="top">
        <Link href="/" class="brand">Sluice</Link>
        <nav aria-label="Console">
          <ul>{nav.map(([href, label]) => <li key={href}><Link href={href} aria-current={current(href) ? 'page' : undefined}>{label}</Link></li>)}</ul>
        </nav>
        <div class="who">
          <span title={me.roles.join(', ')}>{me.userId} · realm {me.realm}{me.scope ? ` · ${me.scope}` : ''}</span>
          <button type="button" onClick={() => session.clear()}>Sign out</button>
        </div>
      </header>
      <Page path={path} me={me} />
    </>
  );
}
