import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import { badRequest, fieldError, payloadTooLarge, unsupportedMediaType } from '../domain/errors.js';
import { fileNameProblem } from '../domain/manifest.js';
import { inspectJar, type JarFacts, type JarLimits } from './jar-inspector.js';

export interface StoredJar {
  id: string;
  fileName: string;
  /** Absolute path of the kept JAR: always `<packagesDir>/<id>.jar`, never derived from the upload's name. */
  storagePath: string;
  sizeBytes: number;
  /** Hex SHA-256 of the archive: `sluice apply` finds a package it uploaded before by it. */
  sha256: string;
  facts: JarFacts;
}

/**
 * Streams the upload to a temporary file in the packages folder (never whole in memory),
 * checks it is a Java archive, then renames it to its final name. Any failure removes the file.
 */
export async function storeUploadedJar(file: MultipartFile, packagesDir: string, limits: { maxBytes: number; jar: JarLimits }): Promise<StoredJar> {
  const { maxBytes } = limits;
  const fileName = file.filename ?? '';
  const problem = fileNameProblem(fileName);
  if (problem) {
    file.file.resume();
    throw fieldError('/jarPackage/fileName', `The file name ${problem}.`, fileName.slice(0, 256));
  }
  const id = randomUUID();
  const partial = path.join(packagesDir, `.${id}.part`);
  const storagePath = path.join(packagesDir, `${id}.jar`);
  try {
    // Hashed on the way to disk, so the archive is read once.
    const hash = createHash('sha256');
    file.file.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(file.file, createWriteStream(partial, { flags: 'wx', mode: 0o640 }));
    if (file.file.truncated) {
      throw payloadTooLarge(`The package is larger than the limit of ${maxBytes} bytes.`);
    }
    const { size } = await fs.stat(partial);
    if (size === 0) throw badRequest('The uploaded file is empty.');
    const inspection = await inspectJar(partial, limits.jar);
    if (!inspection.ok) throw inspection.tooLarge ? payloadTooLarge(inspection.reason) : unsupportedMediaType(inspection.reason);
    await fs.rename(partial, storagePath);
    return { id, fileName, storagePath, sizeBytes: size, sha256: hash.digest('hex'), facts: inspection.facts };
  } finally {
    await fs.rm(partial, { force: true });
  }
}
