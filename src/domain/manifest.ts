/**
 * The main section of a JAR manifest (META-INF/MANIFEST.MF): `Name: value` lines, where a line
 * starting with one space continues the previous one (lines are wrapped at 72 bytes).
 */
export function parseManifest(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') break; // end of the main section
    if (line.startsWith(' ') && last !== null) {
      attributes.set(last, attributes.get(last) + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    attributes.set(last, line.slice(colon + 1).trim());
  }
  return attributes;
}

export interface ManifestFacts {
  mainClass?: string;
  entryPoints: string[];
}

export function manifestFacts(text: string): ManifestFacts {
  const attributes = parseManifest(text);
  const mainClass = attributes.get('Main-Class')?.trim() || undefined;
  const entryPoints = (attributes.get('Entry-Point') ?? '').split(/\s+/).filter((name) => name !== '');
  return { mainClass, entryPoints };
}

/** `com/example/Main.class` → `com.example.Main`; multi-release copies count once; not a class → null. */
export function classNameOfEntry(entryName: string): string | null {
  if (!entryName.endsWith('.class')) return null;
  const path = entryName.replace(/^META-INF\/versions\/\d+\//, '');
  if (path.startsWith('META-INF/') || path === 'module-info.class' || path.endsWith('/package-info.class')) return null;
  return path.slice(0, -'.class'.length).replace(/\//g, '.');
}

/** A file name as uploaded: a plain name, never a path. Returns the problem, or null. */
export function fileNameProblem(fileName: string): string | null {
  if (fileName.length === 0) return 'is missing: the uploaded part has no filename';
  if (fileName.length > 200) return `must be at most 200 characters, got ${fileName.length}`;
  if (/[/\\\0]/.test(fileName) || fileName === '.' || fileName === '..') {
    return 'must be a plain file name, without folders or path separators';
  }
  return null;
}
