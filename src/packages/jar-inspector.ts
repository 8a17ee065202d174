import yauzl from 'yauzl';
import { classNameOfEntry, manifestFacts, type ManifestFacts } from '../domain/manifest.js';

export interface JarFacts extends ManifestFacts {
  classNames: string[];
}

export type JarInspection =
  | { ok: true; facts: JarFacts }
  | { ok: false; reason: string };

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

/**
 * Reads a JAR's central directory with a real zip reader (yauzl): its class names and, from
 * the manifest, `Main-Class` and `Entry-Point`. Only the manifest is inflated.
 */
export async function inspectJar(file: string): Promise<JarInspection> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(file);
  } catch (error) {
    return { ok: false, reason: `The file is not a zip archive (${(error as Error).message}).` };
  }
  try {
    if (zip.entryCount === 0) return { ok: false, reason: 'The archive has no entries.' };
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
