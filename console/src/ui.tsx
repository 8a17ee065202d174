import { cloneElement, isValidElement, toChildArray, type ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { ApiFailure, type ErrorMessage } from './api.js';

/** A state as a word with a colour: the word carries the meaning, the colour only helps. */
export function StateBadge({ state }: { state: string | undefined | null }) {
  const word = state ?? 'idle';
  return <span class={`badge badge-${word.replace(/[^a-z_]/g, '')}`}>{word.replace(/_/g, ' ')}</span>;
}

/** The API's own error: its message, code and the fields it names. */
export function ErrorNote({ error }: { error?: ErrorMessage | null }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <p><strong>{error.message}</strong> <span class="muted">({error.code}{error.status ? `, HTTP ${error.status}` : ''})</span></p>
      {error.errors && error.errors.length > 0 && (
        <ul>{error.errors.map((e) => <li key={e.field + e.message}><code>{e.field || '(body)'}</code> {e.message}</li>)}</ul>
      )}
    </div>
  );
}

/**
 * A labelled control: the label names it (for/id) and the hint describes it (aria-describedby),
 * so a screen reader reads the hint as a description, not as part of the name. The first child is
 * the control (a datalist may follow).
 */
export function Field({ label, hint, children }: { label: string; hint?: string; children: ComponentChildren }) {
  const id = useId();
  const [control, ...rest] = toChildArray(children);
  const described = hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label class="field-label" for={id}>{label}</label>
      {isValidElement(control) ? cloneElement(control, { id, 'aria-describedby': described }) : control}
      {rest}
      {hint && <span class="hint" id={described}>{hint}</span>}
    </div>
  );
}

export function errorOf(error: unknown): ErrorMessage {
  if (error instanceof ApiFailure) return error.body;
  return { status: 0, code: 'console', message: error instanceof Error ? error.message : String(error) };
}

/** Runs an action, remembering whether it is running and the API's error if it failed. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorMessage | null>(null);
  const run = async (action: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (failure) {
      setError(errorOf(failure));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

interface DialogProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  busy: boolean;
  error: ErrorMessage | null;
  onConfirm(): void;
  onClose(): void;
  children?: ComponentChildren;
}

/**
 * A confirmation as a modal <dialog>: the browser keeps focus inside it and Escape closes it.
 * The API's error, if the action fails, is shown in the dialog where it was asked.
 */
export function ConfirmDialog({ title, confirmLabel, danger, busy, error, onConfirm, onClose, children }: DialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);
  return (
    <dialog ref={dialog} aria-labelledby="dialog-title" onClose={onClose} onCancel={(event) => { event.preventDefault(); onClose(); }}>
      <form method="dialog" onSubmit={(event) => { event.preventDefault(); onConfirm(); }}>
        <h2 id="dialog-title">{title}</h2>
        {children}
        <ErrorNote error={error} />
        <div class="buttons">
          <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>{busy ? 'Working…' : confirmLabel}</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </dialog>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function When({ at }: { at?: string | null }) {
  if (!at) return <span class="muted">—</span>;
  return <time dateTime={at} title={at}>{dateTime.format(new Date(at))}</time>;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A job's duration: until it ended, or until now while it runs. */
export function Duration({ from, to }: { from: string; to?: string }) {
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  return <span>{formatDuration(ms)}{to ? '' : ' so far'}</span>;
}

export function Section({ title, id, children, actions }: { title: string; id?: string; children: ComponentChildren; actions?: ComponentChildren }) {
  const headingId = id ?? `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section aria-labelledby={headingId}>
      <div class="section-head">
        <h2 id={headingId}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A group id, remembered once typed: most installations use one. */
export const rememberedGroup = {
  get: () => localStorage.getItem('sluice.console.group') ?? '',
  set: (value: string) => localStorage.setItem('sluice.console.group', value),
};
