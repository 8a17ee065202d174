import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc, type ErrorMessage } from '../api.js';
import { ErrorNote, errorOf } from '../ui.js';
import { isLive, type Job } from './version-types.js';

interface Chunk {
  size: number;
  from: number;
  next: number;
  text: string;
  removed?: string;
}

/** How often a running job's log is asked for more; an ended job's is read once to its end. */
const TAIL_MS = 1000;
/** What the viewer keeps: the newest part of a long log. */
const KEEP_CHARS = 512 * 1024;

/** A job's log, from its last 64 KB, followed while the job runs (each request asks from where the last ended). */
export function JobLog({ job, onClose }: { job: Job; onClose(): void }) {
  const [text, setText] = useState('');
  const [startedAt, setStartedAt] = useState(0);
  const [removed, setRemoved] = useState<string>();
  const [error, setError] = useState<ErrorMessage | null>(null);
  const [follow, setFollow] = useState(true);
  const live = isLive(job.state);
  const pre = useRef<HTMLPreElement>(null);
  const next = useRef<number | undefined>(undefined);

  useEffect(() => {
    next.current = undefined;
    setText('');
    setRemoved(undefined);
    let stopped = false;
    let timer: number | undefined;
    const read = async () => {
      try {
        const from = next.current === undefined ? '' : `?from=${next.current}`;
        const chunk = await api<Chunk>('GET', `/sluice/v1/console/jobs/${enc(job.id)}/log${from}`);
        if (stopped) return;
        if (chunk.removed) setRemoved(chunk.removed);
        if (next.current === undefined) setStartedAt(chunk.from);
        next.current = chunk.next;
        if (chunk.text) setText((previous) => (previous + chunk.text).slice(-KEEP_CHARS));
        setError(null);
        // More than one chunk's worth waiting: ask again at once.
        const behind = chunk.next < chunk.size;
        if (behind || live) timer = window.setTimeout(read, behind ? 0 : TAIL_MS);
      } catch (failure) {
        if (!stopped) setError(errorOf(failure));
      }
    };
    void read();
    return () => { stopped = true; window.clearTimeout(timer); };
  }, [job.id, live]);

  useEffect(() => {
    if (follow && pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text, follow]);

  return (
    <section class="log" aria-labelledby="log-title">
      <div class="section-head">
        <h2 id="log-title">Log of job <code>{job.id.slice(0, 8)}</code> {live ? '(live)' : `(${job.state})`}</h2>
        <label class="choice"><input type="checkbox" checked={follow} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow the end</label>
        <button type="button" onClick={onClose}>Close log</button>
      </div>
      <ErrorNote error={error} />
      {removed && <p class="muted">The log was removed on {new Date(removed).toLocaleString()}, with the job's folder, after the retention for ended jobs.</p>}
      {startedAt > 0 && <p class="muted">The first {startedAt} bytes are not shown.</p>}
      <pre ref={pre} tabIndex={0} aria-label="Job log" data-testid="job-log">{text || (removed ? '' : 'The log is empty so far.')}</pre>
    </section>
  );
}
