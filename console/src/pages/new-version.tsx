import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import type { Me } from '../app.js';
import { usePoll } from '../poll.js';
import { ErrorNote, Field, useAction } from '../ui.js';

export interface Template {
  id: string;
  name: string;
  state: string;
  stateMessage?: string;
  runtimeEnvironment: string;
  packageId: string;
  entryPointClassName: string;
  inputCatalogIds: string[];
  created: string;
}

type Schedule = 'none' | 'cron' | 'resolver';

/** The form of a new version: its template decides the input catalogs it must name. */
export function NewVersion({ pipelineId, created }: { me: Me; pipelineId: string; created(id: string): void }) {
  const templates = usePoll<Template[]>('/v2/templates?linkable=true', 10_000);
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('');
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [output, setOutput] = useState('');
  const [properties, setProperties] = useState('');
  const [schedule, setSchedule] = useState<Schedule>('none');
  const [cron, setCron] = useState('@daily');
  const [processing, setProcessing] = useState('changes');
  const { busy, error, run } = useAction();
  // The newest template first: most often the one just made.
  const template = templates.data?.find((t) => t.id === templateId) ?? templates.data?.at(-1);
  const stream = template?.runtimeEnvironment.startsWith('stream');

  const submit = () => run(async () => {
    if (!template) throw new Error('Create a template first (Templates and packages).');
    const schedulerConfiguration = stream || schedule === 'none' ? undefined
      : schedule === 'cron' ? { timeTriggerOptions: { cronJobExpression: cron, processingType: processing } }
      : { catalogTriggerOptions: 'version_resolver' };
    const body = {
      name,
      pipelineTemplateId: template.id,
      inputCatalogs: Object.fromEntries(template.inputCatalogIds.map((id) => [id, inputs[id] ?? ''])),
      outputCatalogHRN: output,
      customRuntimeConfiguration: properties || undefined,
      schedulerConfiguration,
    };
    const version = await api<{ id: string }>('POST', `/v2/pipelines/${enc(pipelineId)}/versions`, body);
    created(version.id);
  });

  return (
    <details class="panel">
      <summary>New version</summary>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <Field label="Name"><input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} /></Field>
        <Field label="Template" hint="Templates in state created">
          <select name="template" value={template?.id ?? ''} onChange={(e) => setTemplateId(e.currentTarget.value)}>
            {[...(templates.data ?? [])].reverse().map((t) => <option key={t.id} value={t.id}>{t.name} ({t.runtimeEnvironment})</option>)}
          </select>
        </Field>
        {template?.inputCatalogIds.map((id) => (
          <Field key={id} label={`Input catalog "${id}"`} hint="hrn:here:data:::name">
            <input name={`input-${id}`} required value={inputs[id] ?? ''} onInput={(e) => setInputs({ ...inputs, [id]: e.currentTarget.value })} />
          </Field>
        ))}
        <Field label="Output catalog HRN" hint="hrn:here:data:::name"><input name="output" required value={output} onInput={(e) => setOutput(e.currentTarget.value)} /></Field>
        <Field label="Runtime configuration" hint="Java properties laid over the template's defaults, e.g. wordcount.input=/tmp/in.txt">
          <textarea name="properties" rows={4} value={properties} onInput={(e) => setProperties(e.currentTarget.value)} />
        </Field>
        {!stream && (
          <fieldset>
            <legend>Runs</legend>
            {([['none', 'once, when activated'], ['cron', 'on a cron schedule'], ['resolver', 'when its input catalogs change']] as [Schedule, string][]).map(([value, label]) => (
              <label key={value} class="choice"><input type="radio" name="schedule" value={value} checked={schedule === value} onChange={() => setSchedule(value)} /> {label}</label>
            ))}
            {schedule === 'cron' && (
              <div class="row">
                <Field label="Cron expression" hint="Linux crontab, UTC"><input name="cron" value={cron} onInput={(e) => setCron(e.currentTarget.value)} /></Field>
                <Field label="Processing">
                  <select name="processing" value={processing} onChange={(e) => setProcessing(e.currentTarget.value)}>
                    <option value="changes">only when inputs changed</option>
                    <option value="force">always</option>
                  </select>
                </Field>
              </div>
            )}
          </fieldset>
        )}
        <ErrorNote error={error ?? templates.error} />
        <div class="buttons"><button type="submit" class="primary" disabled={busy}>Create version</button></div>
      </form>
    </details>
  );
}
