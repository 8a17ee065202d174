import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Checkpoint } from '../../domain/reconcile-types.js';

/**
 * Where a location the local JVM handed out is on disk: a `file:` URI, or a plain path (what
 * rows written before locations became URIs hold).
 */
export function pathOf(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(location) : location;
}

const uriOf = (file: string) => pathToFileURL(file).href;

/**
 * Stream state on the local disk (README: "Stream state"). A job's folder holds `checkpoints/`
 * (complete checkpoints appear there as sub-folders, atomically) and `snapshot/` (written when
 * the job is stopped for a pause or upgrade). Kept snapshots move to `<data>/snapshots/<id>`:
 * a rename, so keeping even a large state costs no copy. Locations leave here as `file:` URIs.
 */
export const CHECKPOINTS = 'checkpoints';
export const SNAPSHOT = 'snapshot';

export class LocalStreamState {
  constructor(private readonly snapshotsDir: string) {}

  async written(workDir: string, snapshotId: string): Promise<boolean> {
    if (await exists(this.locationOf(snapshotId))) return true;
    const entries = await fs.readdir(path.join(workDir, SNAPSHOT)).catch(() => []);
    return entries.length > 0;
  }

  async keep(workDir: string, snapshotId: string): Promise<string> {
    const destination = this.locationOf(snapshotId);
    // Already kept by an earlier try that stopped before the database recorded it.
    if (await exists(destination)) return uriOf(destination);
    await fs.mkdir(this.snapshotsDir, { recursive: true });
    await fs.rename(path.join(workDir, SNAPSHOT), destination);
    return uriOf(destination);
  }

  async discard(workDir: string): Promise<void> {
    await fs.rm(path.join(workDir, SNAPSHOT), { recursive: true, force: true });
  }

  /** The newest sub-folder of `checkpoints/` (by modification time, then name); in-progress names start with a dot. */
  async newestCheckpoint(workDir: string): Promise<Checkpoint | null> {
    const dir = path.join(workDir, CHECKPOINTS);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    let newest: { name: string; mtime: number } | null = null;
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const stat = await fs.stat(path.join(dir, entry.name)).catch(() => null);
      if (!stat) continue; // removed by the job meanwhile (it keeps only its newest few)
      const candidate = { name: entry.name, mtime: stat.mtimeMs };
      if (!newest || candidate.mtime > newest.mtime || (candidate.mtime === newest.mtime && candidate.name > newest.name)) newest = candidate;
    }
    return newest ? { location: uriOf(path.join(dir, newest.name)), name: newest.name } : null;
  }

  /** Removes a kept snapshot; only ever inside the snapshot store. */
  async delete(location: string): Promise<void> {
    const resolved = path.resolve(pathOf(location));
    if (path.dirname(resolved) !== path.resolve(this.snapshotsDir)) throw new Error(`not a kept snapshot: ${location}`);
    await fs.rm(resolved, { recursive: true, force: true });
  }

  private locationOf(snapshotId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(snapshotId)) throw new Error(`not a snapshot id: ${snapshotId}`);
    return path.join(this.snapshotsDir, snapshotId);
  }
}

const exists = (file: string) => fs.stat(file).then(() => true, () => false);
