import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import type { Me } from '../app.js';
import { usePoll } from '../poll.js';
import { Link, navigate } from '../router.js';
import { ErrorNote, Field, rememberedGroup, Section, StateBadge, useAction, When } from '../ui.js';

interface OverviewItem {
  id: string;
  name: string;
  description?: string;
  versionCount: number;
  activeVersion?: { id: string; name: string; state: string; nextJobAttempt?: string };
  lastJob?: { id: string; state: string; versionId: string; created: string; ended?: string };
}

const STATES = [['', 'any state'], ['running', 'running'], ['scheduled', 'scheduled'], ['paused', 'paused'], ['idle', 'idle (no active version)']];

/** Typing settles before the list is asked for again. */
function useSettled(value: string, ms = 300): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function NewPipeline({ me, created }: { me: Me; created(id: string): void }) {
  const [name, setName] = useState('');
  const [groupId, setGroupId] = useState(rememberedGroup.get);
  const [description, setDescription] = useState('');
  const { busy, error, run } = useAction();
  const submit = () => run(async () => {
    const body = { name, description: description || undefined, groupId: me.scope ? undefined : groupId };
    const pipeline = await api<{ id: string }>('POST', '/v2/pipelines', body);
    if (!me.scope) rememberedGroup.set(groupId);
    created(pipeline.id);
  });
  return (
    <details class="panel">
      <summary>New pipeline</summary>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Field label="Name"><input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
        {!me.scope && (
          <Field label="Group ID" hint="GROUP-… of the group that owns it">
            <input name="groupId" required value={groupId} onInput={(e) => setGroupId(e.currentTarget.value)} />
          </Field>
        )}
        <Field label="Description"><input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></Field>
        <ErrorNote error={error} />
        <div class="buttons"><button type="submit" class="primary" disabled={busy}>Create pipeline</button></div>
      </form>
    </details>
  );
}

export function PipelinesPage({ me }: { me: Me }) {
  const [search, setSearch] = useState('');
  const [state, setState] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const settled = useSettled(search);
  useEffect(() => setCursors([]), [settled, state]);
  const after = cursors.at(-1);
  const { data, error } = usePoll<{ items: OverviewItem[]; next?: string }>(`/sluice/v1/console/pipelines${query({ search: settled, state, after })}`);

  return (
    <main id="main">
      <h1>Pipelines</h1>
      <NewPipeline me={me} created={(id) => navigate(`/pipelines/${id}`)} />
      <Section title="All pipelines">
        <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
          <Field label="Search by name"><input type="search" name="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} /></Field>
          <Field label="State">
            <select name="state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
              {STATES.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </Field>
        </form>
        <ErrorNote error={error} />
        {data && data.items.length === 0 && <p class="empty">No pipelines{settled || state ? ' match' : ' yet'}.</p>}
        {data && data.items.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Pipeline</th><th scope="col">State</th><th scope="col">Active version</th><th scope="col">Last job</th><th scope="col">Next scheduled attempt</th><th scope="col">Versions</th></tr></thead>
              <tbody>
                {data.items.map((item) => (
                  <tr key={item.id}>
                    <th scope="row"><Link href={`/pipelines/${item.id}`}>{item.name}</Link>{item.description && <div class="muted">{item.description}</div>}</th>
                    <td data-label="State"><StateBadge state={item.activeVersion?.state ?? 'idle'} /></td>
                    <td data-label="Active version">{item.activeVersion ? <Link href={`/pipelines/${item.id}/versions/${item.activeVersion.id}`}>{item.activeVersion.name}</Link> : <span class="muted">none</span>}</td>
                    <td data-label="Last job">{item.lastJob ? <><StateBadge state={item.lastJob.state} /> <When at={item.lastJob.ended ?? item.lastJob.created} /></> : <span class="muted">never ran</span>}</td>
                    <td data-label="Next attempt"><When at={item.activeVersion?.nextJobAttempt} /></td>
                    <td data-label="Versions">{item.versionCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="buttons">
          {cursors.length > 0 && <button type="button" onClick={() => setCursors([])}>First page</button>}
          {data?.next && <button type="button" onClick={() => setCursors([...cursors, data.next!])}>Next page</button>}
        </div>
      </Section>
    </main>
  );
}
