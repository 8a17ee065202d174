import { useState } from 'preact/hooks';
import { api, uploadJar, type ErrorMessage } from '../api.js';
import type { Me } from '../app.js';
import { usePoll } from '../poll.js';
import { ConfirmDialog, ErrorNote, errorOf, Field, rememberedGroup, Section, StateBadge, useAction, When } from '../ui.js';
import type { Template } from './new-version.js';

interface Package {
  id: string;
  fileName: string;
  mainClass?: string;
  entryPoints: string[];
  sizeBytes?: number;
  created?: string;
}

function Upload({ uploaded }: { uploaded(pkg: Package): void }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ErrorMessage | null>(null);
  const submit = async () => {
    if (!file) return;
    setError(null);
    setProgress(0);
    try {
      uploaded(await uploadJar<Package>(file, setProgress));
      setFile(null);
    } catch (failure) {
      setError(errorOf(failure));
    } finally {
      setProgress(null);
    }
  };
  return (
    <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
      <Field label="JAR file" hint="The pipeline's classes; its manifest's Main-Class and Entry-Point name the entry points">
        <input type="file" name="jarPackage" accept=".jar,application/java-archive" required onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </Field>
      {progress !== null && (
        <Field label={`Uploading: ${Math.round(progress * 100)} %`}><progress max={1} value={progress} /></Field>
      )}
      <ErrorNote error={error} />
      <div class="buttons"><button type="submit" class="primary" disabled={!file || progress !== null}>Upload package</button></div>
    </form>
  );
}

function NewTemplate({ me, packages, created }: { me: Me; packages: Package[]; created(): void }) {
  const runtimes = usePoll<{ availableRuntimes: { id: string; displayName: string }[] }>('/v2/runtimeEnvironments', 60_000);
  const [name, setName] = useState('');
  const [packageId, setPackageId] = useState('');
  const [entryPoint, setEntryPoint] = useState('');
  const [runtime, setRuntime] = useState('batch-3.0.0');
  const [inputs, setInputs] = useState('');
  const [workers, setWorkers] = useState('1');
  const [groupId, setGroupId] = useState(rememberedGroup.get);
  const [defaults, setDefaults] = useState('');
  const { busy, error, run } = useAction();
  const pkg = packages.find((p) => p.id === packageId) ?? packages[0];
  const entryPoints = pkg ? [...new Set([...(pkg.mainClass ? [pkg.mainClass] : []), ...pkg.entryPoints])] : [];

  const submit = () => run(async () => {
    await api('POST', '/v2/templates', {
      name,
      packageId: pkg?.id,
      entryPointClassName: entryPoint || entryPoints[0],
      runtimeEnvironment: runtime,
      defaultClusterConfiguration: { workers: Number(workers), workerUnits: 1, supervisorUnits: 1 },
      inputCatalogIds: inputs.split(/[\s,]+/).filter(Boolean),
      groupId: me.scope ? undefined : groupId,
      defaultRuntimeConfiguration: defaults || undefined,
    });
    if (!me.scope) rememberedGroup.set(groupId);
    setName('');
    created();
  });

  return (
    <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
      <Field label="Name"><input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
      <Field label="Package">
        <select name="package" value={pkg?.id ?? ''} onChange={(e) => { setPackageId(e.currentTarget.value); setEntryPoint(''); }}>
          {packages.map((p) => <option key={p.id} value={p.id}>{p.fileName} ({p.id.slice(0, 8)})</option>)}
        </select>
      </Field>
      <Field label="Entry point class">
        <input name="entryPoint" list="entry-points" required value={entryPoint || entryPoints[0] || ''} onInput={(e) => setEntryPoint(e.currentTarget.value)} />
        <datalist id="entry-points">{entryPoints.map((e) => <option key={e} value={e} />)}</datalist>
      </Field>
      <Field label="Runtime environment">
        <select name="runtime" value={runtime} onChange={(e) => setRuntime(e.currentTarget.value)}>
          {(runtimes.data?.availableRuntimes ?? [{ id: 'batch-3.0.0', displayName: 'batch-3.0.0' }]).map((r) => <option key={r.id} value={r.id}>{r.id} — {r.displayName}</option>)}
        </select>
      </Field>
      <Field label="Input catalog ids" hint="Labels the versions map to catalogs, separated by spaces or commas (none for a stream)">
        <input name="inputs" value={inputs} onInput={(e) => setInputs(e.currentTarget.value)} />
      </Field>
      <Field label="Workers"><input name="workers" type="number" min={1} max={199} required value={workers} onInput={(e) => setWorkers(e.currentTarget.value)} /></Field>
      {!me.scope && <Field label="Group ID"><input name="groupId" required value={groupId} onInput={(e) => setGroupId(e.currentTarget.value)} /></Field>}
      <Field label="Default runtime configuration" hint="Java properties">
        <textarea name="defaults" rows={3} value={defaults} onInput={(e) => setDefaults(e.currentTarget.value)} />
      </Field>
      <ErrorNote error={error} />
      <div class="buttons"><button type="submit" class="primary" disabled={busy || packages.length === 0}>Create template</button></div>
    </form>
  );
}

export function TemplatesPage({ me }: { me: Me }) {
  const packages = usePoll<Package[]>('/sluice/v1/console/packages');
  const templates = usePoll<Template[]>('/v2/templates');
  const [deleting, setDeleting] = useState<Template | null>(null);
  const remove = useAction();
  return (
    <main id="main">
      <h1>Templates and packages</h1>
      <div class="columns">
        <Section title="Upload a package"><Upload uploaded={() => packages.refresh()} /></Section>
        <Section title="New template">
          {packages.data && packages.data.length === 0 ? <p class="empty">Upload a package first.</p> : <NewTemplate me={me} packages={packages.data ?? []} created={templates.refresh} />}
        </Section>
      </div>
      <Section title="Templates">
        <ErrorNote error={templates.error} />
        {templates.data?.length === 0 && <p class="empty">No templates yet.</p>}
        {templates.data && templates.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Template</th><th scope="col">State</th><th scope="col">Runtime</th><th scope="col">Entry point</th><th scope="col">Inputs</th><th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {templates.data.map((t) => (
                  <tr key={t.id}>
                    <th scope="row">{t.name}<div class="muted"><code>{t.id}</code></div></th>
                    <td data-label="State"><StateBadge state={t.state} />{t.stateMessage && <div class="message">{t.stateMessage}</div>}</td>
                    <td data-label="Runtime">{t.runtimeEnvironment}</td>
                    <td data-label="Entry point"><code>{t.entryPointClassName}</code></td>
                    <td data-label="Inputs">{t.inputCatalogIds.join(', ') || <span class="muted">none</span>}</td>
                    <td data-label="Created"><When at={t.created} /></td>
                    <td><button type="button" class="danger" onClick={() => setDeleting(t)} aria-label={`Delete template ${t.name}`}>Delete</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Packages">
        <ErrorNote error={packages.error} />
        {packages.data?.length === 0 && <p class="empty">No packages yet.</p>}
        <ul class="plain">
          {packages.data?.map((p) => (
            <li key={p.id}><strong>{p.fileName}</strong> <code>{p.id}</code> <span class="muted">{p.sizeBytes !== undefined && `${Math.ceil(p.sizeBytes / 1024)} KB, `}entry points: {[p.mainClass, ...p.entryPoints].filter(Boolean).join(', ') || 'none'}</span> <When at={p.created} /></li>
          ))}
        </ul>
      </Section>
      {deleting && (
        <ConfirmDialog
          title={`Delete template ${deleting.name}?`} confirmLabel="Delete" danger busy={remove.busy} error={remove.error}
          onClose={() => { setDeleting(null); remove.setError(null); }}
          onConfirm={() => void remove.run(async () => { await api('DELETE', `/v2/templates/${deleting.id}`); setDeleting(null); templates.refresh(); })}
        >
          <p>A template that a version uses cannot be deleted.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
