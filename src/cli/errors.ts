/** What went wrong in a `sluice` command, and the exit code it leads to. */

/** The command line itself is wrong (a bad flag value, a missing file): exit 2, like commander's own. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The API refused the request: its ErrorMessage is printed; exit 1. */
export class ApiFailure extends Error {
  readonly exitCode = 1;
  constructor(readonly status: number, readonly body: ErrorBody | undefined, readonly text: string, readonly request: string) {
    super(body?.message ?? `${request} answered ${status}`);
  }
}

/** Anything else that fails the command (an operation or job that failed, a timeout): exit 1. */
export class CommandFailure extends Error {
  readonly exitCode: number = 1;
}

export interface ErrorBody {
  status?: number;
  code?: string;
  message?: string;
  errors?: { field?: string; message?: string; invalidValue?: unknown }[];
}

/** The text printed to stderr for an error, the ErrorMessage's fields one per line. */
export function describeError(error: unknown): string {
  if (error instanceof ApiFailure) {
    const head = error.body?.code
      ? `${error.body.code} (${error.status}): ${error.body.message ?? ''}`
      : `${error.request} answered ${error.status}: ${error.text.slice(0, 500)}`;
    const fields = (error.body?.errors ?? []).map((e) => {
      const value = e.invalidValue === undefined ? '' : ` (got ${JSON.stringify(e.invalidValue)})`;
      return `  ${e.field === '' ? '(body)' : e.field ?? '?'}: ${e.message ?? ''}${value}`;
    });
    return [head, ...fields].join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown }).exitCode;
  return typeof code === 'number' ? code : 1;
}
