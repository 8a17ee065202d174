/**
 * The event log's vocabulary (README: "Events and webhooks"): the types of events, and how a
 * stored event reads as a CloudEvents 1.0 JSON object. Pure: the store writes and reads rows,
 * the http layer and the webhook deliverer show them with `cloudEventOf`.
 */
export const EVENT_TYPES = [
  'sluice.operation.accepted',
  'sluice.operation.succeeded',
  'sluice.operation.failed',
  'sluice.job.started',
  'sluice.job.completed',
  'sluice.job.failed',
  'sluice.job.restarted',
  'sluice.version.state_changed',
  'sluice.snapshot.taken',
  'sluice.trigger.run',
  'sluice.trigger.skipped',
  'sluice.freshness.missed',
  'sluice.freshness.met',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType => (EVENT_TYPES as readonly string[]).includes(value);

/** An event to append: what happened, to which version, with what data. */
export interface NewEvent {
  id: string;
  type: EventType;
  realm: string;
  /** The pipeline's project (null outside projects): who may read the event, as for the pipeline. */
  home: string | null;
  pipelineId: string;
  versionId: string;
  /** The resource the event is about, relative to the version: `operations/<id>`, `jobs/<id>`… */
  subject: string;
  time: Date;
  data: Record<string, unknown>;
}

/** A stored event, as the store reads it back. */
export interface StoredEvent {
  seq: number;
  id: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date;
  versionId: string | null;
  data: Record<string, unknown>;
}

/** CloudEvents 1.0, JSON format, with the sequence and partitioning extensions. */
export interface CloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  /** The event's place in the log (the cursor after it), as the Sequence extension's string. */
  sequence: string;
  /** Events with the same key (the version) are delivered in `sequence` order (Partitioning extension). */
  partitionkey?: string;
  data: Record<string, unknown>;
}

/** The version a change happened to: the CloudEvents `source`, and the path of the API resource. */
export const sourceOf = (pipelineId: string, versionId: string) => `/v2/pipelines/${pipelineId}/versions/${versionId}`;

export function cloudEventOf(event: StoredEvent): CloudEvent {
  return {
    specversion: '1.0',
    id: event.id,
    source: event.source,
    type: event.type,
    ...(event.subject ? { subject: event.subject } : {}),
    time: event.time.toISOString(),
    datacontenttype: 'application/json',
    sequence: String(event.seq),
    ...(event.versionId ? { partitionkey: event.versionId } : {}),
    data: event.data,
  };
}
