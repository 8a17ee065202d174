import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

const Cluster = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]));
const Text = Type.String();

/**
 * What `sluice apply -f pipeline.yaml` reads: the package (a JAR path relative to the file, or
 * an uploaded package's id), the template, the pipeline and the version, and whether the version
 * should be active. Field names are the API's.
 */
export const ApplySpec = Type.Object({
  package: Type.Union([
    Type.Object({ jar: Text }, { additionalProperties: false }),
    Type.Object({ id: Text }, { additionalProperties: false }),
  ]),
  template: Type.Object({
    name: Text,
    runtimeEnvironment: Text,
    entryPointClassName: Text,
    inputCatalogIds: Type.Optional(Type.Array(Text)),
    defaultClusterConfiguration: Type.Optional(Cluster),
    defaultRuntimeConfiguration: Type.Optional(Text),
    description: Type.Optional(Text),
  }, { additionalProperties: false }),
  pipeline: Type.Object({
    name: Text,
    groupId: Type.Optional(Text),
    description: Type.Optional(Text),
    contactEmail: Type.Optional(Text),
  }, { additionalProperties: false }),
  version: Type.Object({
    name: Text,
    inputCatalogs: Type.Optional(Type.Record(Type.String(), Text)),
    outputCatalogHRN: Text,
    clusterConfiguration: Type.Optional(Cluster),
    customRuntimeConfiguration: Type.Optional(Text),
    streamConfiguration: Type.Optional(Type.Record(Type.String(), Text)),
    schedulerConfiguration: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    billingTag: Type.Optional(Text),
    runAsId: Type.Optional(Text),
    /** `active`: kept running (stream) or scheduled (scheduled batch); `ready` (default): left as it is. */
    state: Type.Optional(Type.Union([Type.Literal('ready'), Type.Literal('active')])),
  }, { additionalProperties: false }),
}, { additionalProperties: false });

export type ApplySpec = Static<typeof ApplySpec>;

/** Parses and checks the file; a problem is a usage error naming the field (a JSON pointer). */
export function readApplySpec(text: string, file: string): { spec: ApplySpec; jar?: string } {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  if (!Value.Check(ApplySpec, document)) {
    const problems = [...Value.Errors(ApplySpec, document)].slice(0, 5).map((e) => `  ${e.path || '/'}: ${e.message}`);
    throw new UsageError(`${file} does not describe a pipeline:\n${problems.join('\n')}`);
  }
  const spec = document as ApplySpec;
  const jar = 'jar' in spec.package ? path.resolve(path.dirname(file), spec.package.jar) : undefined;
  return { spec, jar };
}
