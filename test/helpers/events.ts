import { deploy, runOperation, type Deployed } from './lifecycle.js';
import type { Request } from './server.js';

/**
 * A scheduled batch version (cron once a year: no job ever starts during a test) whose
 * operations make events without running anything: activate, then pause/resume cycles.
 */
export async function scheduledVersion(api: Request, name: string): Promise<Deployed> {
  return deploy(api, {
    example: 'batch-word-count',
    name,
    schedulerConfiguration: { timeTriggerOptions: { cronJobExpression: '0 0 1 1 *', processingType: 'force' } },
  });
}

/** Runs `count` operations on the version (activate, pause, resume, pause…), each to its end: `count` accepted events. */
export async function makeOperationEvents(api: Request, version: Deployed, count: number): Promise<void> {
  const types = ['activate', 'pause', 'resume'];
  for (let i = 0; i < count; i++) {
    const type = i === 0 ? 'activate' : types[1 + ((i - 1) % 2)];
    const op = await runOperation(api, version.base, type);
    if (op.state !== 'succeeded') throw new Error(`${type} ${op.state}: ${op.message}`);
  }
}

/** Every event of the caller's realm, following `next` page by page. */
export async function allEvents(api: Request, query = ''): Promise<any[]> {
  const events: any[] = [];
  let since = '0';
  for (;;) {
    const page = await api('GET', `/sluice/v1/events?since=${since}&limit=50${query}`);
    if (page.status !== 200) throw new Error(`events: ${page.text}`);
    events.push(...page.body.events);
    if (page.body.events.length === 0) return events;
    since = page.body.next;
  }
}
