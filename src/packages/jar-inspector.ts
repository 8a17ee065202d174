import fs from 'node:fs';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { classNameOfEntry, manifestFacts, type ManifestFacts } from '../domain/manifest.js';

export interface JarFacts extends ManifestFacts {
  classNames: string[];
}

/** `tooLarge`: refused for its size (413), not for what it is (415). */
export type JarInspection =
  | { ok: true; facts: JarFacts }
  | { ok: false; reason: string; tooLarge?: boolean };

/**
 * Reading a central directory costs CPU per entry: a JAR of 200 000 entries took ~24 s of the
 * server's CPU to inspect. The entry count and the directory's size are read from the end
 * record before any entry is, and a JAR over either limit is refused at once. 65 535 entries is
 * the most a zip holds without its zip64 extension; a directory may average 1 KB an entry
 * (names are seldom longer than 200 bytes).
 */
export interface JarLimits {
  maxEntries: number;
  maxCentralDirectoryBytes: number;
}

export const jarLimitsFor = (maxEntries: number): JarLimits => ({ maxEntries, maxCentralDirectoryBytes: maxEntries * 1024 });


function limitProblem(zip: yauzl.ZipFile, limits: JarLimits): string | null {
  if (zip.entryCount > limits.maxEntries) {
    return `The archive has ${zip.entryCount} entries; packages may have at most ${limits.maxEntries} (SLUICE_MAX_PACKAGE_ENTRIES).`;
  }
  // The directory runs from its offset to the end record.
  const directoryBytes = zip.fileSize - directoryStart(zip);
  if (directoryBytes > limits.maxCentralDirectoryBytes) {
    return `The archive's central directory is ${directoryBytes} bytes; packages may have at most ${limits.maxCentralDirectoryBytes} (1 KB per allowed entry, SLUICE_MAX_PACKAGE_ENTRIES).`;
  }
  return null;
}

const MANIFEST = 'META-INF/MANIFEST.MF';
/** A manifest is a few KB; anything near this is not one, and is not inflated whole. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

/**
 * Reads the file with one `fs.read` per call, except the central directory, which is read into
 * memory once (it is bounded by JarLimits before it is read) and served from there. yauzl reads
 * each directory entry with two small reads; through the thread pool that cost ~140 µs of CPU
 * an entry (9.2 s for 65 535 entries), from memory ~10 µs (0.6 s).
 */
class DirectoryCachingReader extends yauzl.RandomAccessReader {
  private directory: { start: number; bytes: Buffer } | undefined;

  constructor(private readonly fd: number) {
    super();
  }

  async cacheFrom(start: number, end: number): Promise<void> {
    const bytes = Buffer.alloc(end - start);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await new Promise<{ bytesRead: number }>((resolve, reject) =>
        fs.read(this.fd, bytes, filled, bytes.length - filled, start + filled, (error, bytesRead) => (error ? reject(error) : resolve({ bytesRead }))));
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    this.directory = { start, bytes: bytes.subarray(0, filled) };
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null, bytesRead?: number) => void): void {
    // yauzl passes the callback on as fs.read's: it reads the byte count (its types leave it out).
    const cached = this.directory;
    if (cached && position >= cached.start) {
      const from = position - cached.start;
      const copied = cached.bytes.copy(buffer, offset, from, Math.min(from + length, cached.bytes.length));
      setImmediate(() => callback(null, copied));
      return;
    }
    fs.read(this.fd, buffer, offset, length, position, (error, bytesRead) => callback(error, bytesRead));
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return fs.createReadStream('', { fd: this.fd, start, end: end - 1, autoClose: false });
  }

  override close(callback: (error: Error | null) => void): void {
    fs.close(this.fd, (error) => callback(error ?? null));
  }
}

async function openZip(file: string): Promise<{ zip: yauzl.ZipFile; reader: DirectoryCachingReader }> {
  const fd = await new Promise<number>((resolve, reject) => fs.open(file, 'r', (error, opened) => (error ? reject(error) : resolve(opened))));
  try {
    const size = (await fs.promises.stat(file)).size;
    const reader = new DirectoryCachingReader(fd);
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.fromRandomAccessReader(reader, size, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, opened) =>
        (error ? reject(error) : resolve(opened))));
    return { zip, reader };
  } catch (error) {
    fs.close(fd, () => undefined);
    throw error;
  }
}

/** Before the first entry is read, yauzl's cursor is the directory's offset (its types call it a boolean). */
const directoryStart = (zip: yauzl.ZipFile) => Number((zip as unknown as { readEntryCursor: number }).readEntryCursor);

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  return new Promise((resolve, reject) => {
    if (entry.uncompressedSize > MAX_MANIFEST_BYTES) {
      reject(new Error(`${MANIFEST} is larger than ${MAX_MANIFEST_BYTES} bytes`));
      return;
    }
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MANIFEST_BYTES) stream.destroy(new Error(`${MANIFEST} is too large`));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  });
}

/**
 * Reads a JAR's central directory with a real zip reader (yauzl): its class names and, from
 * the manifest, `Main-Class` and `Entry-Point`. Only the manifest is inflated.
 */
export async function inspectJar(file: string, limits: JarLimits): Promise<JarInspection> {
  let zip: yauzl.ZipFile;
  let reader: DirectoryCachingReader;
  try {
    ({ zip, reader } = await openZip(file));
  } catch (error) {
    return { ok: false, reason: `The file is not a zip archive (${(error as Error).message}).` };
  }
  try {
    if (zip.entryCount === 0) return { ok: false, reason: 'The archive has no entries.' };
    const tooLarge = limitProblem(zip, limits);
    if (tooLarge) return { ok: false, reason: tooLarge, tooLarge: true };
    await reader.cacheFrom(directoryStart(zip), zip.fileSize);
    const classNames = new Set<string>();
    let manifest: string | undefined;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        const className = classNameOfEntry(entry.fileName);
        if (className) classNames.add(className);
        if (entry.fileName === MANIFEST) {
          readEntry(zip, entry).then((text) => { manifest = text; zip.readEntry(); }, reject);
        } else {
          zip.readEntry();
        }
      });
      zip.on('end', () => resolve());
      zip.on('error', reject);
      zip.readEntry();
    });
    if (manifest === undefined) return { ok: false, reason: `The archive is not a Java archive: it has no ${MANIFEST}.` };
    return { ok: true, facts: { ...manifestFacts(manifest), classNames: [...classNames] } };
  } catch (error) {
    return { ok: false, reason: `The archive cannot be read (${(error as Error).message}).` };
  } finally {
    zip.close();
  }
}
