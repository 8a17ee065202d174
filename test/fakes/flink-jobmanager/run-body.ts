import { badRequestBody, handlerError } from './errors.js';

export interface RunBody {
  entryClass?: string;
  programArgs?: string;
  programArgsList?: string[];
  parallelism?: number;
  jobId?: string;
  allowNonRestoredState?: boolean;
  savepointPath?: string;
  restoreMode?: string;
  claimMode?: string;
  flinkConfiguration?: Record<string, string>;
}

type FieldCheck = (value: unknown) => boolean;

const isString: FieldCheck = (v) => typeof v === 'string';
const isStringList: FieldCheck = (v) => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isInt: FieldCheck = (v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 2 ** 31 - 1;
const isBool: FieldCheck = (v) => typeof v === 'boolean';
const isJobId: FieldCheck = (v) => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v);
const isStringMap: FieldCheck = (v) => typeof v === 'object' && v !== null && !Array.isArray(v)
  && Object.values(v).every((s) => typeof s === 'string');
const oneOf = (...values: string[]): FieldCheck => (v) => typeof v === 'string' && values.includes(v);

/**
 * JarRunRequestBody's fields per major version. 2.x removed the whitespace-split `programArgs`
 * and the LEGACY restore mode, and added `claimMode` (restoreMode kept as its deprecated alias).
 * `flinkConfiguration` exists since 1.17 (FLIP-256).
 */
function fieldsFor(major: number, minor: number): Record<string, FieldCheck> {
  const common: Record<string, FieldCheck> = {
    entryClass: isString,
    programArgsList: isStringList,
    parallelism: isInt,
    jobId: isJobId,
    allowNonRestoredState: isBool,
    savepointPath: isString,
  };
  if (major >= 2 || minor >= 17) common.flinkConfiguration = isStringMap;
  if (major < 2) return { ...common, programArgs: isString, restoreMode: oneOf('CLAIM', 'NO_CLAIM', 'LEGACY') };
  return { ...common, restoreMode: oneOf('CLAIM', 'NO_CLAIM'), claimMode: oneOf('CLAIM', 'NO_CLAIM') };
}

/**
 * Reads a run request as Flink's strict mapper does: an empty body is `{}`; a body that is not a
 * JSON object, has a field the version does not know, a value of the wrong type or a key given
 * twice is refused with one fixed message. Nulls are accepted (the fields are boxed types).
 */
export function checkRunBody(raw: string, major: number, minor: number): RunBody {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badRequestBody('JarRunRequestBody');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequestBody('JarRunRequestBody');
  // A top-level key given twice is refused (JSON.parse would keep the last silently); the
  // count is over every key in the text, so a nested map repeating a top-level name also counts.
  const keys = [...raw.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)].map((m) => m[1]);
  if (Object.keys(parsed).some((k) => keys.filter((x) => x === k).length > 1)) throw badRequestBody('JarRunRequestBody');
  const fields = fieldsFor(major, minor);
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const check = fields[key];
    if (!check) throw badRequestBody('JarRunRequestBody');
    if (value === null) continue;
    if (!check(value)) throw badRequestBody('JarRunRequestBody');
    body[key] = value;
  }
  const run = body as RunBody;
  if (run.programArgs && run.programArgs.trim() !== '' && run.programArgsList && run.programArgsList.length > 0) {
    throw handlerError(400, 'Confusing request: programArgs and programArgsList are specified, please, use only programArgsList', 'JarRunHandler');
  }
  if (run.parallelism !== undefined && run.parallelism < 1 && run.parallelism !== -1) {
    throw handlerError(400, `Parallelism must be a positive number or -1 (default parallelism), was ${run.parallelism}.`, 'JarRunHandler');
  }
  return run;
}
