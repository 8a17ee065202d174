import type { ApiResponse } from './api-client.js';

export type OutputMode = 'table' | 'json' | 'quiet';

type Row = Record<string, unknown>;

export interface ShowOptions {
  /** Columns of the table (for a list) or the fields shown (for one object), in order. */
  columns?: string[];
  /** The field printed by `--quiet` (default `id`). */
  idField?: string;
}

/**
 * Prints results: a readable table by default, `--json` the API's body exactly as sent,
 * `--quiet` only ids (one a line), so `$(sluice … --quiet)` captures an id.
 */
export class Output {
  constructor(readonly mode: OutputMode, private readonly write: (text: string) => void = (t) => process.stdout.write(t)) {}

  /** An API response: JSON mode prints its text untouched. */
  response(response: ApiResponse, options: ShowOptions = {}): void {
    if (this.mode === 'json') {
      this.write(response.text.endsWith('\n') ? response.text : `${response.text}\n`);
      return;
    }
    this.value(response.body, options);
  }

  /** A value Sluice's CLI computed itself (JSON mode prints it as JSON). */
  value(value: unknown, options: ShowOptions = {}): void {
    if (this.mode === 'json') {
      this.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const idField = options.idField ?? 'id';
    if (this.mode === 'quiet') {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        const id = item && typeof item === 'object' ? (item as Row)[idField] : item;
        if (id !== undefined && id !== null) this.write(`${String(id)}\n`);
      }
      return;
    }
    if (Array.isArray(value)) this.write(table(value as Row[], options.columns));
    else if (value && typeof value === 'object') this.write(fields(value as Row, options.columns));
    else if (value !== undefined) this.write(`${String(value)}\n`);
  }

  /** A sentence for people (table mode only). */
  note(text: string): void {
    if (this.mode === 'table') this.write(`${text}\n`);
  }
}

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function table(rows: Row[], columns?: string[]): string {
  if (rows.length === 0) return '(none)\n';
  const cols = columns ?? Object.keys(rows[0]);
  const cells = rows.map((row) => cols.map((c) => cell(row[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) => values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(cols.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n') + '\n';
}

export function fields(row: Row, columns?: string[]): string {
  const keys = columns ? columns.filter((k) => row[k] !== undefined) : Object.keys(row);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cell(row[k])}`).join('\n') + '\n';
}
