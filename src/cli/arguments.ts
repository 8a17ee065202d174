import fs from 'node:fs/promises';
import { UsageError } from './errors.js';

/** Reads a file named on the command line; a missing file is a usage error (exit 2). */
export async function readArgumentFile(file: string, what: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

const NUMERIC = new Set(['workers', 'workerUnits', 'supervisorUnits', 'workerAdditionalOverheadMemory', 'supervisorAdditionalOverheadMemory']);

/** `workers=2,workerUnits=1,supervisorUnits=1[,gcProfile=g1gc,…]` → a ClusterConfiguration. */
export function parseCluster(text: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!match) throw new UsageError(`--cluster takes key=value pairs separated by commas, got "${part}"`);
    const [, key, value] = match;
    if (NUMERIC.has(key)) {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`--cluster ${key} must be a number, got "${value}"`);
      out[key] = n;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** `label=value` pairs from a repeated option. */
export function keyValues(values: string[] | undefined, option: string): [string, string][] {
  return (values ?? []).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`${option} takes label=value, got "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  });
}

/** A whole number for a flag (catalog versions: −1 and up). */
export function integer(value: string, option: string, min = -1): number {
  if (!/^-?\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${option} must be a whole number${min > -1 ? ` of at least ${min}` : ''}, got "${value}"`);
  }
  return Number(value);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * A token lifetime (`30m`, `12h`, `7d`) in seconds. Only a positive amount is a lifetime: jose
 * would read `-5h` as "expired five hours ago" and sign a token no server accepts.
 */
export function lifetimeSeconds(text: string, option = '--expires'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text);
  const seconds = match ? Math.round(Number(match[1]) * UNIT_SECONDS[match[2].toLowerCase()]) : NaN;
  if (!(seconds > 0)) {
    throw new UsageError(`${option} must be a positive duration: a number and s, m, h, d or w (30m, 12h, 7d), got "${text}"`);
  }
  return seconds;
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
