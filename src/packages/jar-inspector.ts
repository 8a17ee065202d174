import yauzl from 'yauzl';
import { classNameOfEntry, manifestFacts, type ManifestFacts } from '../domain/manifest.js';

export interface JarFacts extends ManifestFacts {
  classNames: string[];
}

export type JarInspection =
  | { ok: true; facts: JarFacts }
  /** `overLimit`: a Java archive, but past one of the limits below (413, not 415). */
  | { ok: false; reason: string; overLimit?: boolean };

/**
 * Limits that keep an upload from costing more than its bytes. Fat JARs of Spark and Flink jobs
 * hold 20 000–80 000 entries and inflate to 3–10 times their size; a zip bomb holds millions of
 * entries or inflates a thousandfold. Only the central directory's declared sizes are summed
 * (nothing but the manifest is inflated here), and yauzl checks a read entry against them.
 */
export const JAR_LIMITS = {
  /** The default of SLUICE_MAX_JAR_ENTRIES. */
  maxEntries: 200_000,
  /** Declared uncompressed bytes per archive byte, once the declared total passes `ratioFloorBytes`. */
  maxRatio: 100,
  ratioFloorBytes: 64 * 1024 * 1024,
  /** Entry-Point names kept with a package (each becomes a choice in templates and the console). */
  maxEntryPoints: 1000,
};

const MANIFEST = 'META-INF/MANIFEST.MF';
/** A manifest is a few KB; anything near this is not one, and is not inflated whole. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false }, (error, zip) =>
      error ? reject(error) : resolve(zip)));
}

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

class OverLimit extends Error {}

/**
 * Reads a JAR's central directory with a real zip reader (yauzl): its class names and, from
 * the manifest, `Main-Class` and `Entry-Point`. Only the manifest is inflated.
 */
export async function inspectJar(file: string, archiveBytes: number, maxEntries = JAR_LIMITS.maxEntries): Promise<JarInspection> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    return { ok: false, reason: `The file is not a zip archive (${(error as Error).message}).` };
  }
  try {
    if (zip.entryCount === 0) return { ok: false, reason: 'The archive has no entries.' };
    if (zip.entryCount > maxEntries) {
      return { ok: false, overLimit: true, reason: `The archive has ${zip.entryCount} entries; at most ${maxEntries} are accepted.` };
    }
    let declaredBytes = 0;
    const classNames = new Set<string>();
    let manifest: string | undefined;
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        declaredBytes += entry.uncompressedSize;
        if (declaredBytes > JAR_LIMITS.ratioFloorBytes && declaredBytes > JAR_LIMITS.maxRatio * archiveBytes) {
          reject(new OverLimit(`The archive would inflate to more than ${JAR_LIMITS.maxRatio} times its ${archiveBytes} bytes: refused as a zip bomb.`));
          return;
        }
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
    const facts = manifestFacts(manifest);
    if (facts.entryPoints.length > JAR_LIMITS.maxEntryPoints) {
      return { ok: false, overLimit: true, reason: `The manifest names ${facts.entryPoints.length} entry points; at most ${JAR_LIMITS.maxEntryPoints} are accepted.` };
    }
    return { ok: true, facts: { ...facts, classNames: [...classNames] } };
  } catch (error) {
    if (error instanceof OverLimit) return { ok: false, overLimit: true, reason: error.message };
    return { ok: false, reason: `The archive cannot be read (${(error as Error).message}).` };
  } finally {
    zip.close();
  }
}
