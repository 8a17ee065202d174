import { createHash } from 'node:crypto';
import type { JobRow } from '../store/schema.js';

/**
 * The id a snapshot of this job's attempt gets: derived, not random, so that a service that
 * died between keeping the snapshot and recording it finds the same snapshot again (and a
 * runtime asked to stop twice targets the same one).
 */
export function snapshotIdOf(job: Pick<JobRow, 'id' | 'attempt'>): string {
  const hex = createHash('sha1').update(`sluice-snapshot:${job.id}:${job.attempt}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
