import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface JarSpec {
  /** Fully-qualified class names; each is compiled from a tiny real Java source. */
  classes: string[];
  mainClass?: string;
  entryPoints?: string[];
  /** false: no META-INF/MANIFEST.MF at all (`jar --no-manifest`). */
  manifest?: boolean;
}

/** Builds a real JAR with the JDK's javac and jar, in a temporary folder; returns its path. */
export async function buildJar(spec: JarSpec, name = 'test.jar'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sluice-jar-'));
  const sources: string[] = [];
  for (const className of spec.classes) {
    const parts = className.split('.');
    const simple = parts.pop()!;
    const file = path.join(dir, 'src', ...parts, `${simple}.java`);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const pkg = parts.length > 0 ? `package ${parts.join('.')};\n` : '';
    await fs.writeFile(file, `${pkg}public class ${simple} { public static void main(String[] a) { System.out.println("${className}"); } }\n`);
    sources.push(file);
  }
  const classes = path.join(dir, 'classes');
  await fs.mkdir(classes);
  if (sources.length > 0) await run('javac', ['-d', classes, ...sources]);
  const jar = path.join(dir, name);
  if (spec.manifest === false) {
    await run('jar', ['--create', '--no-manifest', '--file', jar, '-C', classes, '.']);
    return jar;
  }
  const lines = ['Manifest-Version: 1.0'];
  if (spec.mainClass) lines.push(`Main-Class: ${spec.mainClass}`);
  if (spec.entryPoints) lines.push(`Entry-Point: ${spec.entryPoints.join(' ')}`);
  const manifest = path.join(dir, 'MANIFEST.MF');
  await fs.writeFile(manifest, lines.join('\n') + '\n');
  await run('jar', ['--create', '--file', jar, '--manifest', manifest, '-C', classes, '.']);
  return jar;
}

/** A zip archive with no entries: just the end-of-central-directory record. */
export const EMPTY_ZIP = Buffer.concat([Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]);

/** multipart/form-data with one file part. */
export function multipartWith(field: string, fileName: string, content: Buffer): FormData {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(content)]), fileName);
  return form;
}
