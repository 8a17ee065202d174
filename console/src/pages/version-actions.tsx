import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { navigate } from '../router.js';
import { ConfirmDialog, Field, useAction } from '../ui.js';
import type { VersionView } from './version-types.js';

type Kind = 'activate' | 'pause' | 'resume' | 'cancel' | 'deactivate' | 'upgrade' | 'delete';

const LABELS: Record<Kind, string> = {
  activate: 'Activate', pause: 'Pause', resume: 'Resume', cancel: 'Cancel', deactivate: 'Deactivate', upgrade: 'Upgrade', delete: 'Delete',
};

const EXPLAIN: Record<Kind, string> = {
  activate: '',
  pause: 'No new runs start; a stream job writes a snapshot and stops, and resumes from it.',
  resume: 'Runs start again; a paused stream job starts from its pause snapshot.',
  cancel: 'A running job is stopped (SIGTERM, then SIGKILL after the grace time) and the version goes back to ready; a stream job\'s state is not kept.',
  deactivate: 'The version goes back to ready once a running job has finished.',
  upgrade: 'The target version takes over: it becomes the active version (a stream job hands its state over through a snapshot).',
  delete: 'The version, its jobs and its snapshots are deleted. Only a ready version without an operation in flight can be deleted.',
};

/** What the version's state makes worth offering; the API has the last word and says why not. */
function offered(state: string): Kind[] {
  if (state === 'ready') return ['activate', 'delete'];
  const kinds: Kind[] = [];
  if (state === 'running' || state === 'scheduled') kinds.push('pause');
  if (state === 'paused') kinds.push('resume');
  return [...kinds, 'cancel', 'deactivate', 'upgrade'];
}

interface CatalogPin { version: string; processingType: string; sinceVersion: string }

function ActivateOptions({ view, body, setBody }: { view: VersionView; body: Record<string, unknown>; setBody(body: Record<string, unknown>): void }) {
  const [start, setStart] = useState<'fresh' | 'snapshot' | 'checkpoint'>('fresh');
  const [snapshots, setSnapshots] = useState<{ id: string; created: string; pipelineVersionId: string }[]>([]);
  const [pinned, setPinned] = useState(false);
  const [pins, setPins] = useState<Record<string, CatalogPin>>({});
  const [base, setBase] = useState('');
  const [ha, setHa] = useState(false);
  const labels = Object.keys(view.version.inputCatalogs);

  useEffect(() => {
    if (view.kind !== 'stream') return;
    api<typeof snapshots>('GET', `/v2/pipelines/${enc(view.version.pipelineId)}/snapshots`).then(setSnapshots, () => setSnapshots([]));
  }, []);
  const [snapshotId, setSnapshotId] = useState('');
  useEffect(() => {
    if (view.kind === 'stream') {
      setBody({
        ...(ha ? { highAvailability: true } : {}),
        ...(start === 'snapshot' ? { snapshotId: snapshotId || snapshots[0]?.id } : {}),
        ...(start === 'checkpoint' ? { useLatestCheckpoint: true } : {}),
      });
      return;
    }
    if (!pinned) return setBody({});
    const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
    setBody({
      inputCatalogs: Object.fromEntries(labels.map((label) => {
        const pin = pins[label] ?? { version: '', processingType: 'reprocess', sinceVersion: '' };
        return [label, { processingType: pin.processingType, version: number(pin.version), ...(pin.processingType === 'changes' ? { sinceVersion: number(pin.sinceVersion) } : {}) }];
      })),
      ...(base.trim() ? { outputCatalog: { baseVersion: Number(base) } } : {}),
    });
  }, [start, snapshotId, snapshots, pinned, pins, base, ha]);

  if (view.kind === 'stream') {
    return (
      <>
        <fieldset>
          <legend>Start the stream job</legend>
          <label class="choice"><input type="radio" name="start" checked={start === 'fresh'} onChange={() => setStart('fresh')} /> with fresh state</label>
          <label class="choice"><input type="radio" name="start" checked={start === 'snapshot'} disabled={snapshots.length === 0} onChange={() => setStart('snapshot')} /> from a snapshot {snapshots.length === 0 && <span class="muted">(none kept)</span>}</label>
          {start === 'snapshot' && (
            <Field label="Snapshot">
              <select value={snapshotId} onChange={(e) => setSnapshotId(e.currentTarget.value)}>
                {snapshots.map((s) => <option key={s.id} value={s.id}>{new Date(s.created).toLocaleString()} — {s.id.slice(0, 8)}</option>)}
              </select>
            </Field>
          )}
          <label class="choice"><input type="radio" name="start" checked={start === 'checkpoint'} onChange={() => setStart('checkpoint')} /> from the pipeline's latest checkpoint {view.latestCheckpoint ? <code>{view.latestCheckpoint.name}</code> : <span class="muted">(none recorded)</span>}</label>
        </fieldset>
        <label class="choice"><input type="checkbox" checked={ha} onChange={(e) => setHa(e.currentTarget.checked)} /> High availability: restart from the latest checkpoint when the job dies</label>
      </>
    );
  }
  return (
    <>
      <label class="choice"><input type="checkbox" checked={pinned} onChange={(e) => setPinned(e.currentTarget.checked)} /> Run now with explicit catalog versions (one run)</label>
      {pinned && labels.map((label) => {
        const pin = pins[label] ?? { version: '', processingType: 'reprocess', sinceVersion: '' };
        const set = (change: Partial<CatalogPin>) => setPins({ ...pins, [label]: { ...pin, ...change } });
        return (
          <fieldset key={label} class="row">
            <legend>Input "{label}"</legend>
            <Field label="Version"><input type="number" min={-1} required value={pin.version} onInput={(e) => set({ version: e.currentTarget.value })} /></Field>
            <Field label="Processing">
              <select value={pin.processingType} onChange={(e) => set({ processingType: e.currentTarget.value })}>
                <option value="reprocess">reprocess</option><option value="changes">changes</option><option value="no_changes">no changes</option>
              </select>
            </Field>
            {pin.processingType === 'changes' && <Field label="Since version"><input type="number" min={-1} required value={pin.sinceVersion} onInput={(e) => set({ sinceVersion: e.currentTarget.value })} /></Field>}
          </fieldset>
        );
      })}
      {pinned && <Field label="Output base version (optional)"><input type="number" min={-1} value={base} onInput={(e) => setBase(e.currentTarget.value)} /></Field>}
    </>
  );
}

/** The version's lifecycle actions, each confirmed in a dialog that shows the API's answer if it refuses. */
export function VersionActions({ view, done }: { view: VersionView; done(): void }) {
  const [open, setOpen] = useState<Kind | null>(null);
  const [body, setBody] = useState<Record<string, unknown>>({});
  const [target, setTarget] = useState('');
  const action = useAction();
  const { version } = view;
  const path = `/v2/pipelines/${enc(version.pipelineId)}/versions/${enc(version.id)}`;
  const targets = view.siblings.filter((s) => s.state === 'ready');
  const close = () => { setOpen(null); setBody({}); action.setError(null); };

  const confirm = (kind: Kind) => action.run(async () => {
    if (kind === 'delete') {
      await api('DELETE', path);
      navigate(`/pipelines/${version.pipelineId}`);
      return;
    }
    const payload = kind === 'upgrade' ? { toVersionId: target || targets[0]?.id } : kind === 'activate' ? body : {};
    await api('POST', `${path}/operations/${kind}`, payload);
    close();
    done();
  });

  return (
    <div class="actions" role="group" aria-label="Version actions">
      {offered(version.state).map((kind) => (
        <button key={kind} type="button" class={kind === 'delete' || kind === 'cancel' ? 'danger' : kind === 'activate' ? 'primary' : undefined} onClick={() => setOpen(kind)}>
          {LABELS[kind]}
        </button>
      ))}
      {open && (
        <ConfirmDialog
          title={`${LABELS[open]} version ${version.name}?`} confirmLabel={LABELS[open]} danger={open === 'delete' || open === 'cancel'}
          busy={action.busy} error={action.error} onClose={close} onConfirm={() => void confirm(open)}
        >
          {EXPLAIN[open] && <p>{EXPLAIN[open]}</p>}
          {open === 'activate' && <ActivateOptions view={view} body={body} setBody={setBody} />}
          {open === 'upgrade' && (
            targets.length === 0 ? <p class="muted">No other version of this pipeline is ready to take over.</p> : (
              <Field label="Target version">
                <select value={target || targets[0].id} onChange={(e) => setTarget(e.currentTarget.value)}>
                  {targets.map((t) => <option key={t.id} value={t.id}>#{t.versionNumber} {t.name}</option>)}
                </select>
              </Field>
            )
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
