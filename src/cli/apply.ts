import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { seg } from './api-client.js';
import type { ApplySpec } from './apply-spec.js';
import type { Context } from './context.js';
import { CommandFailure, UsageError } from './errors.js';
import { settledTemplate } from './nouns/template.js';
import { uploadJar } from './upload.js';
import { pollUntil } from './waiting.js';

/**
 * `sluice apply`: brings the server to what a file describes, the way the Flink Kubernetes
 * Operator reconciles a resource: read what exists, compare with the wish, change only what
 * differs. Templates and versions cannot be changed in place (the API has no PUT for them), so a
 * change makes a new one, found again by its content next time; a running stream version is
 * upgraded to the new version, which carries its state over. Nothing differing: nothing done.
 */
export interface Change {
  action: string;
  target: string;
  detail?: string;
}

export interface ApplyResult {
  changes: Change[];
  packageId?: string;
  templateId?: string;
  pipelineId?: string;
  versionId?: string;
}

type Json = Record<string, any>;

export interface ApplyOptions {
  dryRun: boolean;
  timeoutSeconds: number;
  /** The JAR to upload, when the file names one. */
  jar?: string;
  /** Told of each change as it is made (or, in a dry run, planned). */
  onChange?: (change: Change) => void;
}

const ACTIVE = ['running', 'scheduled', 'paused'];

/** Deep equality of JSON values, objects compared without regard to key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k) => sameJson((a as Json)[k], (b as Json)[k]));
}

/** The fields the file gives equal the stored ones (the service fills in the rest). */
const covers = (stored: Json | undefined, wanted: Json | undefined) =>
  !wanted || Object.entries(wanted).every(([k, v]) => sameJson(stored?.[k], v));

const orEmpty = <T>(value: T | undefined, empty: T) => value ?? empty;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function apply(ctx: Context, spec: ApplySpec, options: ApplyOptions): Promise<ApplyResult> {
  const result: ApplyResult = { changes: [] };
  const change = (c: Change) => {
    result.changes.push(c);
    options.onChange?.(c);
  };
  const wait = { timeoutSeconds: options.timeoutSeconds, interactive: ctx.interactive };

  // Package: by content, so the same JAR is uploaded once.
  if ('id' in spec.package) {
    result.packageId = (await ctx.api.get(`/sluice/v1/packages/${seg(spec.package.id)}`)).body.id;
  } else {
    const digest = await sha256Of(options.jar!).catch(() => { throw new UsageError(`cannot read the JAR ${options.jar}`); });
    const known = (await ctx.api.get<Json[]>('/sluice/v1/packages', { query: { sha256: digest } })).body;
    if (known.length > 0) {
      result.packageId = known[0].id;
    } else {
      change({ action: 'upload', target: 'package', detail: `${options.jar} (sha256 ${digest.slice(0, 12)}…)` });
      if (!options.dryRun) result.packageId = (await uploadJar(ctx.api, options.jar!, ctx.interactive)).body.id;
    }
  }

  // Template: an existing one with the same content, else a new one.
  const t = spec.template;
  const wantedTemplate = {
    name: t.name,
    packageId: result.packageId,
    runtimeEnvironment: t.runtimeEnvironment,
    entryPointClassName: t.entryPointClassName,
    inputCatalogIds: orEmpty(t.inputCatalogIds, []),
    defaultClusterConfiguration: orEmpty(t.defaultClusterConfiguration, { workers: 1, workerUnits: 1, supervisorUnits: 1 }),
    defaultRuntimeConfiguration: t.defaultRuntimeConfiguration,
    description: t.description,
    groupId: spec.pipeline.groupId,
  };
  const templates = (await ctx.api.get<Json[]>('/v2/templates')).body;
  const sameTemplate = result.packageId === undefined ? undefined : templates.find((row) =>
    row.state !== 'creation_failed'
    && row.name === t.name && row.packageId === result.packageId && row.runtimeEnvironment === t.runtimeEnvironment
    && row.entryPointClassName === t.entryPointClassName && sameJson(row.inputCatalogIds, wantedTemplate.inputCatalogIds)
    && covers(row.defaultClusterConfiguration, wantedTemplate.defaultClusterConfiguration)
    && (row.defaultRuntimeConfiguration ?? '') === (t.defaultRuntimeConfiguration ?? '')
    && (row.description ?? '') === (t.description ?? ''));
  if (sameTemplate) {
    result.templateId = sameTemplate.id;
  } else {
    change({ action: 'create', target: 'template', detail: t.name });
    if (!options.dryRun) {
      const created = (await ctx.api.post('/v2/templates', wantedTemplate)).body;
      result.templateId = created.id;
    }
  }
  if (result.templateId && !options.dryRun) {
    const settled = (await settledTemplate(ctx, result.templateId, options.timeoutSeconds)).body;
    if (settled.state !== 'created') throw new CommandFailure(`template ${settled.id} is ${settled.state}: ${settled.stateMessage ?? ''}`);
  }

  // Pipeline: by name; its description and contact can change in place.
  const p = spec.pipeline;
  const pipelines = (await ctx.api.get<Json[]>('/v2/pipelines')).body;
  const pipeline = pipelines.find((row) => row.name === p.name && (p.groupId === undefined || row.groupId === p.groupId));
  if (!pipeline) {
    change({ action: 'create', target: 'pipeline', detail: p.name });
    if (!options.dryRun) result.pipelineId = (await ctx.api.post('/v2/pipelines', { name: p.name, groupId: p.groupId, description: p.description, contactEmail: p.contactEmail })).body.id;
  } else {
    result.pipelineId = pipeline.id;
    if ((p.description !== undefined && p.description !== pipeline.description) || (p.contactEmail !== undefined && p.contactEmail !== pipeline.contactEmail)) {
      change({ action: 'update', target: 'pipeline', detail: `${p.name} (${pipeline.id})` });
      if (!options.dryRun) {
        await ctx.api.put(`/v2/pipelines/${seg(pipeline.id)}`, {
          name: p.name, groupId: pipeline.groupId, description: p.description ?? pipeline.description, contactEmail: p.contactEmail ?? pipeline.contactEmail,
        });
      }
    }
  }

  // Version: one with the same content, else a new one.
  const v = spec.version;
  const versions = result.pipelineId ? (await ctx.api.get<Json[]>(`/v2/pipelines/${seg(result.pipelineId)}/versions`)).body : [];
  const matches = (row: Json) => row.name === v.name && row.pipelineTemplateId === result.templateId
    && sameJson(row.inputCatalogs, orEmpty(v.inputCatalogs, {})) && row.outputCatalogHRN === v.outputCatalogHRN
    && covers(row.clusterConfiguration, v.clusterConfiguration)
    && (row.customRuntimeConfiguration ?? '') === (v.customRuntimeConfiguration ?? '')
    && sameJson(orEmpty(row.streamConfiguration, {}), orEmpty(v.streamConfiguration, {}))
    && sameJson(orEmpty(row.schedulerConfiguration, {}), orEmpty(v.schedulerConfiguration, {}))
    && (v.billingTag === undefined || row.billingTag === v.billingTag) && (v.runAsId === undefined || row.runAsId === v.runAsId);
  // The active one first: when it matches, nothing is to be done.
  const ordered = [...versions].sort((a, b) => Number(ACTIVE.includes(b.state)) - Number(ACTIVE.includes(a.state)) || b.versionNumber - a.versionNumber);
  let target = ordered.find(matches);
  if (target) {
    result.versionId = target.id;
  } else {
    change({ action: 'create', target: 'version', detail: v.name });
    if (!options.dryRun) {
      target = (await ctx.api.post(`/v2/pipelines/${seg(result.pipelineId!)}/versions`, {
        name: v.name, pipelineTemplateId: result.templateId, inputCatalogs: orEmpty(v.inputCatalogs, {}), outputCatalogHRN: v.outputCatalogHRN,
        clusterConfiguration: v.clusterConfiguration, customRuntimeConfiguration: v.customRuntimeConfiguration,
        streamConfiguration: v.streamConfiguration, schedulerConfiguration: v.schedulerConfiguration, billingTag: v.billingTag, runAsId: v.runAsId,
      })).body;
      result.versionId = target!.id;
    }
  }

  if ((v.state ?? 'ready') !== 'active') return result;
  const stream = t.runtimeEnvironment.startsWith('stream');
  if (!stream && Object.keys(orEmpty(v.schedulerConfiguration, {})).length === 0) {
    throw new UsageError('version.state active needs a stream version or a scheduler configuration: a run-now batch version has nothing to keep active (run it with `sluice pipeline version activate --wait`)');
  }
  const active = versions.find((row) => ACTIVE.includes(row.state));
  if (active && active.id === result.versionId) return result;
  const base = (id: string) => `/v2/pipelines/${seg(result.pipelineId ?? '')}/versions/${seg(id)}`;
  const operate = async (versionId: string, verb: string, body?: unknown) => {
    const op = (await ctx.api.post(`${base(versionId)}/operations/${verb}`, body)).body;
    const ended = await pollUntil(async () => {
      const now = (await ctx.api.get(`${base(versionId)}/operations/${seg(op.id)}`)).body;
      return ['succeeded', 'failed'].includes(now.state) ? now : undefined;
    }, { ...wait, label: `${verb} of version ${versionId}` });
    if (ended.state === 'failed') throw new CommandFailure(`${verb} of version ${versionId} failed: ${ended.message ?? ''}`);
  };
  if (active) {
    change({ action: 'upgrade', target: 'version', detail: `${active.id} (${active.state}) → ${result.versionId ?? v.name}${stream ? ', keeping its state' : ''}` });
    if (!options.dryRun) await operate(active.id, 'upgrade', { toVersionId: result.versionId });
  } else {
    change({ action: 'activate', target: 'version', detail: result.versionId ?? v.name });
    if (!options.dryRun) await operate(result.versionId!, 'activate');
  }
  return result;
}
