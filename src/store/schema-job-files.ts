import type { Json, Timestamp } from './schema.js';

/** The table of migration 0017: files served to jobs on remote runtimes while they start. */
export interface JobFileTables {
  jobFiles: JobFilesTable;
}

export interface JobFilesTable {
  /** SHA-256 (hex) of the random token in the files' URLs; the token itself is never stored. */
  tokenHash: string;
  jobId: string;
  /** File name → content. */
  files: Json<Record<string, string>>;
  expires: Timestamp;
}
