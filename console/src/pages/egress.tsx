import { useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import type { Me } from '../app.js';
import { usePoll } from '../poll.js';
import { ConfirmDialog, ErrorNote, Field, Section, useAction, When } from '../ui.js';

interface Rule { id: string; destination: string; destinationType: string; description?: string; created: string }
interface AuditEntry { created: string; ruleId: string; ruleDestination: string; action: string; principal: string }

/** Egress rules and their audit log: OrgAdmin only (the API answers 403 otherwise, shown as it says). */
export function EgressPage({ me }: { me: Me }) {
  const rules = usePoll<Rule[]>('/v2/egressRules');
  const audit = usePoll<AuditEntry[]>('/v2/egressRules/auditlog');
  const [destination, setDestination] = useState('');
  const [description, setDescription] = useState('');
  const [deleting, setDeleting] = useState<Rule | null>(null);
  const create = useAction();
  const remove = useAction();
  const submit = () => create.run(async () => {
    await api('POST', '/v2/egressRules', [{ destination, description: description || undefined }]);
    setDestination('');
    setDescription('');
    rules.refresh();
    audit.refresh();
  });
  return (
    <main id="main">
      <h1>Egress rules</h1>
      {!me.orgAdmin && <p class="muted">Changing egress rules needs the OrgAdmin role.</p>}
      <Section title="New rule">
        <form class="row" onSubmit={(event) => { event.preventDefault(); void submit(); }}>
          <Field label="Destination" hint="An IP address or a DNS name, optionally *.example.com"><input name="destination" required value={destination} onInput={(e) => setDestination(e.currentTarget.value)} /></Field>
          <Field label="Description"><input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} /></Field>
          <div class="buttons"><button type="submit" class="primary" disabled={create.busy}>Add rule</button></div>
        </form>
        <ErrorNote error={create.error} />
      </Section>
      <Section title="Rules">
        <ErrorNote error={rules.error} />
        {rules.data?.length === 0 && <p class="empty">No egress rules.</p>}
        <ul class="plain">
          {rules.data?.map((r) => (
            <li key={r.id}><code>{r.destination}</code> <span class="muted">{r.destinationType}{r.description ? ` — ${r.description}` : ''}</span> <When at={r.created} />{' '}
              <button type="button" class="danger" onClick={() => setDeleting(r)} aria-label={`Delete the rule for ${r.destination}`}>Delete</button></li>
          ))}
        </ul>
      </Section>
      <Section title="Audit log">
        <ErrorNote error={audit.error} />
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Destination</th><th scope="col">By</th></tr></thead>
            <tbody>{audit.data?.map((a) => <tr key={a.created + a.ruleId + a.action}><td data-label="When"><When at={a.created} /></td><td data-label="Action">{a.action}</td><td data-label="Destination"><code>{a.ruleDestination}</code></td><td data-label="By">{a.principal}</td></tr>)}</tbody>
          </table>
        </div>
      </Section>
      {deleting && (
        <ConfirmDialog
          title={`Delete the rule for ${deleting.destination}?`} confirmLabel="Delete" danger busy={remove.busy} error={remove.error}
          onClose={() => { setDeleting(null); remove.setError(null); }}
          onConfirm={() => void remove.run(async () => { await api('DELETE', `/v2/egressRules/${enc(deleting.id)}`); setDeleting(null); rules.refresh(); audit.refresh(); })}
        />
      )}
    </main>
  );
}
