import { createRequire } from 'node:module';
import { UsageError } from './errors.js';

interface HoconParser {
  parse(options: { text?: string; url?: string; strict?: boolean }): Promise<unknown>;
  Context: { registerComponent(...classes: unknown[]): void };
  getClass(name: string): new (...args: unknown[]) => object;
}

const hocon = createRequire(import.meta.url)('@pushcorn/hocon-parser') as HoconParser;

/**
 * @pushcorn/hocon-parser extends HOCON with value transforms (`a: 1 | eval { expr = "…" }`), some
 * of which run JavaScript from the file. A pipeline configuration has no use for them, and a file
 * should not run code: each transform the parser ships is replaced by one that refuses.
 */
const TRANSFORMS = ['Base64Decode', 'Base64Encode', 'Eval', 'Filter', 'Hash', 'Invoke', 'Map', 'Query', 'Reduce', 'Slice', 'Sort', 'Trim', 'Unique'];
let guarded = false;
function refuseTransforms(): void {
  if (guarded) return;
  const Adapter = hocon.getClass('core.TransformAdapter');
  for (const name of TRANSFORMS) {
    const refusing = {
      [`${name}Transform`]: class extends Adapter {
        constructor(...args: unknown[]) {
          super(...args);
          throw new Error(`value transforms ("| ${name.toLowerCase()}") are not allowed in Sluice configuration files`);
        }
      },
    }[`${name}Transform`];
    hocon.Context.registerComponent(refusing);
  }
  guarded = true;
}

/** Parses HOCON text (strict mode) into plain JSON values. */
export async function parseHocon(text: string, file: string): Promise<Record<string, unknown>> {
  refuseTransforms();
  let parsed: unknown;
  try {
    parsed = await hocon.parse({ text, strict: true });
  } catch (error) {
    throw new UsageError(`${file} is not valid HOCON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${file} must hold a HOCON object`);
  return parsed as Record<string, unknown>;
}

const at = (value: unknown, path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), value);

export interface PipelineConfig {
  outputCatalogHRN: string;
  inputCatalogs: Record<string, string>;
}

/**
 * `pipeline-config.conf` as the OLP CLI reads it:
 * `pipeline.config { output-catalog { hrn = "…" }, input-catalogs { <label> { hrn = "…" } } }`.
 */
export async function readPipelineConfig(text: string, file: string): Promise<PipelineConfig> {
  const root = await parseHocon(text, file);
  const output = at(root, ['pipeline', 'config', 'output-catalog', 'hrn']);
  if (typeof output !== 'string') throw new UsageError(`${file} has no pipeline.config.output-catalog.hrn`);
  const inputs = at(root, ['pipeline', 'config', 'input-catalogs']) ?? {};
  if (typeof inputs !== 'object' || Array.isArray(inputs)) throw new UsageError(`${file}: pipeline.config.input-catalogs must be an object of labels`);
  const inputCatalogs: Record<string, string> = {};
  for (const [label, entry] of Object.entries(inputs as Record<string, unknown>)) {
    const hrn = at(entry, ['hrn']);
    if (typeof hrn !== 'string') throw new UsageError(`${file} has no pipeline.config.input-catalogs.${label}.hrn`);
    inputCatalogs[label] = hrn;
  }
  return { outputCatalogHRN: output, inputCatalogs };
}

export interface JobCatalogVersions {
  inputCatalogs?: Record<string, { processingType: string; version: number; sinceVersion?: number }>;
  outputCatalog?: { baseVersion: number };
}

/** `pipeline-job.conf` (`pipeline.job.catalog-versions { output-catalog { base-version }, input-catalogs { … } }`). */
export async function readPipelineJobConfig(text: string, file: string): Promise<JobCatalogVersions> {
  const root = await parseHocon(text, file);
  const versions = at(root, ['pipeline', 'job', 'catalog-versions']);
  if (!versions || typeof versions !== 'object') throw new UsageError(`${file} has no pipeline.job.catalog-versions`);
  const out: JobCatalogVersions = {};
  const base = at(versions, ['output-catalog', 'base-version']);
  if (base !== undefined) out.outputCatalog = { baseVersion: Number(base) };
  const inputs = at(versions, ['input-catalogs']);
  if (inputs && typeof inputs === 'object') {
    out.inputCatalogs = {};
    for (const [label, entry] of Object.entries(inputs as Record<string, unknown>)) {
      const since = at(entry, ['since-version']);
      out.inputCatalogs[label] = {
        processingType: String(at(entry, ['processing-type'])),
        version: Number(at(entry, ['version'])),
        ...(since !== undefined ? { sinceVersion: Number(since) } : {}),
      };
    }
  }
  return out;
}
