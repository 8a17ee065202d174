import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { usePoll } from '../poll.js';
import { Link } from '../router.js';
import { Duration, ErrorNote, Field, Section, StateBadge, useAction, When } from '../ui.js';
import { JobLog } from './job-log.js';
import { VersionActions } from './version-actions.js';
import type { Job, VersionView } from './version-types.js';

function Jobs({ jobs, selected, select }: { jobs: Job[]; selected?: string; select(id: string): void }) {
  if (jobs.length === 0) return <p class="empty">No job has run yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">Job</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Outcome</th><th scope="col">Log</th></tr></thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} aria-selected={job.id === selected}>
              <th scope="row"><code title={job.id}>{job.id.slice(0, 8)}</code>{job.attempt > 1 && <span class="tag">attempt {job.attempt}</span>}</th>
              <td data-label="State"><StateBadge state={job.state} /></td>
              <td data-label="Started"><When at={job.created} /></td>
              <td data-label="Duration"><Duration from={job.created} to={job.ended} /></td>
              <td data-label="Outcome" class="outcome">
                {job.exitCode !== undefined && <span>exit code {job.exitCode}. </span>}
                {job.message && <span class="message">{job.message}</span>}
                {job.latestCheckpoint && <div class="muted">checkpoint {job.latestCheckpoint}</div>}
                {job.restoredFrom && <div class="muted">started from {job.restoredFrom}</div>}
              </td>
              <td data-label="Log"><button type="button" onClick={() => select(job.id)} aria-pressed={job.id === selected}>View log</button></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Timeline({ operations }: { operations: VersionView['operations'] }) {
  if (operations.length === 0) return <p class="empty">No operations yet.</p>;
  return (
    <ol class="timeline">
      {operations.map((op) => (
        <li key={op.id}>
          <When at={op.created} /> <strong>{op.requestType.replace(/_/g, ' ')}</strong> <StateBadge state={op.state} />{' '}
          <span class="muted">by {op.userId}</span>
          {op.message && <div class="message">{op.message}</div>}
        </li>
      ))}
    </ol>
  );
}

function Decisions({ decisions }: { decisions: VersionView['decisions'] }) {
  return (
    <div class="table-wrap">
      <table>
        <thead><tr><th scope="col">When</th><th scope="col">Trigger</th><th scope="col">Decision</th><th scope="col">Why</th><th scope="col">Seen</th></tr></thead>
        <tbody>
          {decisions.map((d) => (
            <tr key={d.at + d.trigger}>
              <td data-label="When"><When at={d.at} /></td>
              <td data-label="Trigger">{d.trigger}</td>
              <td data-label="Decision"><StateBadge state={d.decision} /></td>
              <td data-label="Why">{d.reason}</td>
              <td data-label="Seen">{d.evaluations > 1 ? <>{d.evaluations} times, last <When at={d.lastEvaluated} /></> : 'once'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LoggingLevel({ view, saved }: { view: VersionView; saved(): void }) {
  const current = view.version.loggingConfiguration.configuration.loggers.root.level;
  const [level, setLevel] = useState(current);
  const { busy, error, run } = useAction();
  const path = `/v2/pipelines/${enc(view.version.pipelineId)}/versions/${enc(view.version.id)}/logging-configuration`;
  const save = () => run(async () => {
    const loggers = view.version.loggingConfiguration.configuration.loggers;
    await api('PUT', path, { configuration: { loggers: { ...loggers, root: { level } } } });
    saved();
  });
  return (
    <form class="row" onSubmit={(event) => { event.preventDefault(); void save(); }}>
      <Field label="Root log level" hint={`Now ${current}; a running job picks a change up within 5 s`}>
        <select name="level" value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
          {['error', 'warn', 'info', 'debug'].map((l) => <option key={l} value={l}>{l}</option>)}
        </select>
      </Field>
      <div class="buttons"><button type="submit" disabled={busy || level === current}>Save log level</button></div>
      <ErrorNote error={error} />
    </form>
  );
}

function Configuration({ view }: { view: VersionView }) {
  const { version, template } = view;
  const schedule = version.schedulerConfiguration;
  return (
    <dl class="facts">
      <dt>Template</dt><dd>{template ? <>{template.name} <span class="muted">({template.runtimeEnvironment})</span></> : <code>{version.pipelineTemplateId}</code>}</dd>
      <dt>Kind</dt><dd>{view.kind === 'run-now' ? 'batch, runs once when activated' : view.kind === 'scheduled' ? 'scheduled batch' : 'stream'}</dd>
      {schedule?.timeTriggerOptions && <><dt>Schedule</dt><dd><code>{schedule.timeTriggerOptions.cronJobExpression}</code> (UTC), {schedule.timeTriggerOptions.processingType}</dd></>}
      {schedule?.catalogTriggerOptions && <><dt>Trigger</dt><dd>when its input catalogs change (version resolver)</dd></>}
      <dt>Next scheduled attempt</dt><dd><When at={version.nextJobAttempt} /></dd>
      {Object.entries(version.inputCatalogs).map(([label, hrn]) => <Fragment key={label}><dt>Input "{label}"</dt><dd><code>{hrn}</code></dd></Fragment>)}
      <dt>Output catalog</dt><dd><code>{version.outputCatalogHRN}</code></dd>
      <dt>Cluster</dt><dd><code>{JSON.stringify(version.clusterConfiguration)}</code></dd>
      {version.streamConfiguration && <><dt>Stream configuration</dt><dd><code>{JSON.stringify(version.streamConfiguration)}</code></dd></>}
      <dt>Runtime configuration</dt><dd>{version.customRuntimeConfiguration ? <pre class="properties">{version.customRuntimeConfiguration}</pre> : <span class="muted">none</span>}</dd>
      <dt>Created</dt><dd><When at={version.created} /></dd>
      <dt>ID</dt><dd><code>{version.id}</code></dd>
    </dl>
  );
}

export function VersionPage({ pipelineId, versionId }: { pipelineId: string; versionId: string }) {
  const { data: view, error, refresh } = usePoll<VersionView>(`/sluice/v1/console/pipelines/${enc(pipelineId)}/versions/${enc(versionId)}`);
  const [logJob, setLogJob] = useState<string>();
  if (!view) return <main id="main"><h1>Version</h1>{error ? <ErrorNote error={error} /> : <p role="status">Loading…</p>}</main>;
  const { version } = view;
  const shownJob = view.jobs.find((job) => job.id === logJob);
  return (
    <main id="main">
      <nav aria-label="Breadcrumb" class="crumbs">
        <Link href="/">Pipelines</Link> › <Link href={`/pipelines/${pipelineId}`}>{view.pipeline?.name ?? 'pipeline'}</Link> › <span aria-current="page">{version.name}</span>
      </nav>
      <div class="title-row">
        <h1>{version.name} <span class="muted">#{version.versionNumber}</span></h1>
        <span class="version-state" aria-live="polite">State: <StateBadge state={version.state} /></span>
      </div>
      <ErrorNote error={error} />
      <VersionActions view={view} done={refresh} />
      <Section title="Jobs"><Jobs jobs={view.jobs} selected={logJob} select={setLogJob} /></Section>
      {shownJob && <JobLog job={shownJob} onClose={() => setLogJob(undefined)} />}
      <div class="columns">
        <Section title="Operations"><Timeline operations={view.operations} /></Section>
        <Section title="Why did or didn't it run">
          {view.decisions.length === 0
            ? <p class="empty">{view.kind === 'scheduled' ? 'No trigger evaluation yet.' : 'Trigger decisions are made for scheduled versions; this one runs when activated.'}</p>
            : <Decisions decisions={view.decisions} />}
        </Section>
      </div>
      {(view.kind === 'stream' || view.snapshots.length > 0) && (
        <Section title="Snapshots and checkpoints">
          {view.snapshots.length === 0 ? <p class="empty">No snapshot of this version.</p> : (
            <ul class="plain">
              {view.snapshots.map((s) => <li key={s.id}><When at={s.created} /> snapshot <code>{s.id}</code> <span class="muted">({s.reason}, job {s.jobId.slice(0, 8)})</span></li>)}
            </ul>
          )}
          <p>Latest checkpoint of the pipeline's last job (what activating from the latest checkpoint starts from): {view.latestCheckpoint ? <><code>{view.latestCheckpoint.name}</code> <span class="muted">(job {view.latestCheckpoint.jobId.slice(0, 8)})</span></> : <span class="muted">none</span>}</p>
        </Section>
      )}
      <Section title="Logging"><LoggingLevel view={view} saved={refresh} /></Section>
      <Section title="Configuration"><Configuration view={view} /></Section>
    </main>
  );
}
