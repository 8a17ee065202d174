import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from './errors.js';

/** Settings a profile may hold (`sluice config set <key> <value>`). */
export const PROFILE_KEYS = ['url', 'credentials'] as const;
export type ProfileKey = (typeof PROFILE_KEYS)[number];
export type Profile = Partial<Record<ProfileKey, string>>;

export interface ConfigFile {
  /** The profile used when none is named (`sluice config use`). */
  current?: string;
  profiles: Record<string, Profile>;
}

type Env = Record<string, string | undefined>;

/** `$SLUICE_CONFIG_DIR`, else `$XDG_CONFIG_HOME/sluice`, else `~/.config/sluice`. */
export function configDir(env: Env = process.env): string {
  if (env.SLUICE_CONFIG_DIR) return path.resolve(env.SLUICE_CONFIG_DIR);
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  return path.join(base, 'sluice');
}

const fileIn = (dir: string) => path.join(dir, 'config.json');

export async function readConfig(dir: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await fs.readFile(fileIn(dir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as ConfigFile;
    return { current: parsed.current, profiles: parsed.profiles ?? {} };
  } catch {
    throw new UsageError(`${fileIn(dir)} is not valid JSON: fix or remove it.`);
  }
}

/** Written aside and renamed, mode 0600 (a profile names a credentials file). */
export async function writeConfig(dir: string, config: ConfigFile): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const temporary = `${fileIn(dir)}.${process.pid}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temporary, fileIn(dir));
}

export function profileName(config: ConfigFile, asked: string | undefined, env: Env = process.env): string {
  return asked ?? env.SLUICE_PROFILE ?? config.current ?? 'default';
}

export function checkProfileKey(key: string): ProfileKey {
  if (!(PROFILE_KEYS as readonly string[]).includes(key)) {
    throw new UsageError(`unknown setting "${key}": a profile holds ${PROFILE_KEYS.join(', ')}`);
  }
  return key as ProfileKey;
}
