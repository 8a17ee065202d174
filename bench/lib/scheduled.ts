import { setTimeout as sleep } from 'node:timers/promises';
import type { Request } from '../../test/helpers/server.js';
import { createTemplate, expectStatus, type TemplateJar } from './fixtures.js';

const GROUP = 'GROUP-00000000-0000-4000-8000-00000000be4c';

export interface ScheduledVersion {
  pipelineId: string;
  versionId: string;
  /** /v2/pipelines/{pipelineId}/versions/{versionId} */
  base: string;
}

export interface ScheduledVersionOptions {
  name: string;
  schedulerConfiguration: Record<string, unknown>;
  inputHrn: string;
  outputHrn: string;
  /** Reuse a template (one upload per bench run is enough). */
  templateId?: string;
}

/** Waits until GET `base` shows `state` (and the predicate, if given, holds). */
export async function waitForVersion(api: Request, base: string, state: string, timeoutMs = 60_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const version = await expectStatus(api, 200, 'GET', base);
    if (version.state === state) return version;
    if (Date.now() > deadline) throw new Error(`${base} still ${version.state} after ${timeoutMs} ms (waiting for ${state})`);
    await sleep(20);
  }
}

/**
 * A pipeline with one scheduled batch version of `jar`, activated over HTTP and `scheduled`.
 * Returns the template too, so further versions can share it.
 */
export async function activatedScheduledVersion(
  api: Request, jar: TemplateJar | undefined, options: ScheduledVersionOptions,
): Promise<ScheduledVersion & { templateId: string }> {
  const templateId = options.templateId ?? await createTemplate(api, jar);
  const pipeline = await expectStatus(api, 201, 'POST', '/v2/pipelines', { name: options.name, groupId: GROUP });
  const version = await expectStatus(api, 201, 'POST', `/v2/pipelines/${pipeline.id}/versions`, {
    name: `${options.name}-version`,
    pipelineTemplateId: templateId,
    inputCatalogs: { in: options.inputHrn },
    outputCatalogHRN: options.outputHrn,
    schedulerConfiguration: options.schedulerConfiguration,
  });
  const base = `/v2/pipelines/${pipeline.id}/versions/${version.id}`;
  await expectStatus(api, 202, 'POST', `${base}/operations/activate`);
  await waitForVersion(api, base, 'scheduled');
  return { pipelineId: pipeline.id, versionId: version.id, base, templateId };
}

export const publishCatalogVersion = (api: Request, hrn: string) =>
  expectStatus(api, 201, 'POST', `/sluice/v1/catalogs/${encodeURIComponent(hrn)}/versions`);

export interface SweepStatus {
  count: number;
  last?: { started: string; finished: string; durationMs: number; evaluated: number; jobsStarted: number; decisionsRecorded: number };
  nextAt?: string;
}

/** GET /sluice/v1/triggers/status: the replica's last catalog poll and cron check. */
export async function triggerStatus(api: Request): Promise<{ poll: SweepStatus; cron: SweepStatus }> {
  return expectStatus(api, 200, 'GET', '/sluice/v1/triggers/status');
}

/** Waits until the scheduler has finished more than `after` sweeps of `kind`; returns the status then. */
export async function waitForSweep(
  api: Request, kind: 'poll' | 'cron', after: number, timeoutMs: number, intervalMs = 200,
): Promise<SweepStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await triggerStatus(api))[kind];
    if (status.count > after) return status;
    if (Date.now() > deadline) throw new Error(`no ${kind} sweep after #${after} within ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await sleep(intervalMs);
  }
}
