import type { FieldError } from './errors.js';
import { pointerSegment } from './json-pointer.js';

/**
 * Flink settings a version may override. The hosted service accepts a limited set; Sluice
 * takes the ones that mean something to a single stream job (checkpointing, state, restarts,
 * parallelism). Anything else is refused rather than silently ignored.
 */
export const ALLOWED_STREAM_KEYS = [
  'execution.checkpointing.interval',
  'execution.checkpointing.min-pause',
  'execution.checkpointing.timeout',
  'execution.checkpointing.mode',
  'state.backend.type',
  'state.checkpoints.num-retained',
  'restart-strategy.type',
  'restart-strategy.fixed-delay.attempts',
  'restart-strategy.fixed-delay.delay',
  'parallelism.default',
  'taskmanager.numberOfTaskSlots',
  'pipeline.auto-watermark-interval',
] as const;

const allowed = new Set<string>(ALLOWED_STREAM_KEYS);

export function streamConfigurationProblems(config: Record<string, string>, at: string): FieldError[] {
  return Object.keys(config)
    .filter((key) => !allowed.has(key))
    .map((key) => ({
      field: `${at}/${pointerSegment(key)}`,
      message: `"${key}" is not a stream setting a version may change (allowed: ${ALLOWED_STREAM_KEYS.join(', ')})`,
      invalidValue: key,
      code: 'E1000',
    }));
}
