import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import type { Me } from '../app.js';
import { usePoll } from '../poll.js';
import { ErrorNote, Field, Section, useAction, When } from '../ui.js';

interface CatalogVersions {
  catalogHrn: string;
  latestVersion: number;
  versions: { version: number; published: string; publishedBy: string }[];
}

/**
 * The local catalog registry: publishing a catalog's next version by hand triggers the versions
 * that read it (their version resolver) at once.
 */
export function CatalogsPage({ me }: { me: Me }) {
  const catalogs = usePoll<{ catalogHrn: string; latestVersion: number }[]>('/sluice/v1/console/catalogs');
  const [selected, setSelected] = useState('');
  const [typed, setTyped] = useState('');
  const hrn = selected || catalogs.data?.[0]?.catalogHrn || '';
  const versions = usePoll<CatalogVersions>(hrn && me.catalogRegistry ? `/sluice/v1/catalogs/${enc(hrn)}/versions` : null);
  const publish = useAction();
  const publishTo = (catalog: string) => publish.run(async () => {
    await api('POST', `/sluice/v1/catalogs/${enc(catalog)}/versions`);
    setSelected(catalog);
    catalogs.refresh();
    versions.refresh();
  });

  if (!me.catalogRegistry) {
    return <main id="main"><h1>Catalogs</h1><p>Catalog versions come from the hosted metadata service here (SLUICE_CATALOG_SOURCE=hosted): there is nothing to publish by hand.</p></main>;
  }
  return (
    <main id="main">
      <h1>Catalogs</h1>
      <p>The local catalog registry. Publishing a catalog's next version triggers, at once, the scheduled versions whose version resolver reads it.</p>
      <ErrorNote error={publish.error} />
      <div class="columns">
        <Section title="Known catalogs">
          <ErrorNote error={catalogs.error} />
          {catalogs.data?.length === 0 && <p class="empty">No catalog yet: versions name them as inputs and outputs.</p>}
          <ul class="plain">
            {catalogs.data?.map((c) => (
              <li key={c.catalogHrn}>
                <button type="button" class="link" aria-pressed={c.catalogHrn === hrn} onClick={() => setSelected(c.catalogHrn)}><code>{c.catalogHrn}</code></button>{' '}
                <span class="muted">latest {c.latestVersion < 0 ? 'none' : c.latestVersion}</span>{' '}
                <button type="button" onClick={() => void publishTo(c.catalogHrn)} disabled={publish.busy} aria-label={`Publish the next version of ${c.catalogHrn}`}>Publish next version</button>
              </li>
            ))}
          </ul>
          <form class="row" onSubmit={(event) => { event.preventDefault(); void publishTo(typed.trim()); }}>
            <Field label="Another catalog HRN" hint="hrn:here:data:::name"><input name="catalogHrn" required value={typed} onInput={(e) => setTyped(e.currentTarget.value)} /></Field>
            <div class="buttons"><button type="submit" disabled={publish.busy}>Publish its next version</button></div>
          </form>
        </Section>
        <Section title={hrn ? `Versions of ${hrn}` : 'Versions'}>
          <ErrorNote error={versions.error} />
          {versions.data && versions.data.versions.length === 0 && <p class="empty">No version published yet.</p>}
          <ol class="plain">
            {versions.data?.versions.map((v) => <li key={v.version}>version <strong>{v.version}</strong> <When at={v.published} /> <span class="muted">by {v.publishedBy}</span></li>)}
          </ol>
        </Section>
      </div>
    </main>
  );
}
