import { useState } from 'preact/hooks';
import { api, enc, query } from '../api.js';
import type { Me } from '../app.js';
import { usePoll } from '../poll.js';
import { Link, navigate } from '../router.js';
import { ConfirmDialog, ErrorNote, Section, StateBadge, useAction, When } from '../ui.js';
import { NewVersion } from './new-version.js';
import type { Version } from './version-types.js';

export interface Pipeline {
  id: string;
  name: string;
  description?: string;
  groupId?: string;
  hrn: string;
  created: string;
}

/** Versions per page: the API's list is paged with limit and after (the Link header). */
const PAGE = 100;

export function PipelinePage({ pipelineId, me }: { pipelineId: string; me: Me }) {
  const [after, setAfter] = useState<number[]>([]);
  const pipeline = usePoll<Pipeline>(`/v2/pipelines/${enc(pipelineId)}`);
  const versions = usePoll<Version[]>(`/v2/pipelines/${enc(pipelineId)}/versions${query({ limit: PAGE, after: after.at(-1) })}`);
  const [deleting, setDeleting] = useState(false);
  const remove = useAction();
  const nextAfter = versions.next ? Number(new URL(versions.next, location.href).searchParams.get('after')) : undefined;

  if (pipeline.error && !pipeline.data) return <main id="main"><h1>Pipeline</h1><ErrorNote error={pipeline.error} /></main>;
  const p = pipeline.data;
  return (
    <main id="main">
      <nav aria-label="Breadcrumb" class="crumbs"><Link href="/">Pipelines</Link> › <span aria-current="page">{p?.name ?? '…'}</span></nav>
      <div class="title-row">
        <h1>{p?.name ?? 'Pipeline'}</h1>
        <button type="button" class="danger" onClick={() => setDeleting(true)}>Delete pipeline</button>
      </div>
      {p && (
        <dl class="facts">
          <dt>ID</dt><dd><code>{p.id}</code></dd>
          <dt>HRN</dt><dd><code>{p.hrn}</code></dd>
          {p.groupId && <><dt>Group</dt><dd><code>{p.groupId}</code></dd></>}
          {p.description && <><dt>Description</dt><dd>{p.description}</dd></>}
          <dt>Created</dt><dd><When at={p.created} /></dd>
        </dl>
      )}
      <NewVersion me={me} pipelineId={pipelineId} created={(id) => navigate(`/pipelines/${pipelineId}/versions/${id}`)} />
      <Section title="Versions">
        <ErrorNote error={versions.error} />
        {versions.data && versions.data.length === 0 && <p class="empty">No versions yet.</p>}
        {versions.data && versions.data.length > 0 && (
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">#</th><th scope="col">Version</th><th scope="col">State</th><th scope="col">Next scheduled attempt</th><th scope="col">Created</th></tr></thead>
              <tbody>
                {versions.data.map((v) => (
                  <tr key={v.id} class={v.state !== 'ready' ? 'active-row' : undefined}>
                    <td data-label="#">{v.versionNumber}</td>
                    <th scope="row">
                      <Link href={`/pipelines/${pipelineId}/versions/${v.id}`}>{v.name}</Link>
                      {v.state !== 'ready' && <span class="tag">active</span>}
                    </th>
                    <td data-label="State"><StateBadge state={v.state} /></td>
                    <td data-label="Next attempt"><When at={v.nextJobAttempt} /></td>
                    <td data-label="Created"><When at={v.created} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div class="buttons">
          {after.length > 0 && <button type="button" onClick={() => setAfter(after.slice(0, -1))}>Previous {PAGE}</button>}
          {nextAfter !== undefined && <button type="button" onClick={() => setAfter([...after, nextAfter])}>Next {PAGE}</button>}
        </div>
      </Section>
      {deleting && (
        <ConfirmDialog
          title={`Delete pipeline ${p?.name ?? pipelineId}?`} confirmLabel="Delete" danger busy={remove.busy} error={remove.error}
          onClose={() => { setDeleting(false); remove.setError(null); }}
          onConfirm={() => void remove.run(async () => { await api('DELETE', `/v2/pipelines/${enc(pipelineId)}`); navigate('/'); })}
        >
          <p>The pipeline and all its versions are deleted. A pipeline with an active version cannot be deleted.</p>
        </ConfirmDialog>
      )}
    </main>
  );
}
