import { Cron } from 'croner';
import type { FieldError } from './errors.js';
import { freshnessProblems, type FreshnessOptions } from './freshness.js';

export interface TimeTriggerOptions {
  cronJobExpression: string;
  processingType: 'changes' | 'force';
}

export interface SchedulerConfiguration {
  catalogTriggerOptions?: 'version_resolver';
  timeTriggerOptions?: TimeTriggerOptions;
  /** Sluice's extension: the output catalog's freshness deadline (domain/freshness.ts). */
  freshnessOptions?: FreshnessOptions;
}

/** Linux crontab nicknames; `@reboot` has no meaning for a service and is refused. */
const NICKNAMES = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** A crontab expression's problem, or null. Five fields (or a nickname), evaluated in UTC, must fire at some time. */
export function cronProblem(expression: string, now: Date = new Date()): string | null {
  const trimmed = expression.trim();
  if (!NICKNAMES.has(trimmed) && trimmed.split(/\s+/).length !== 5) {
    return 'must be a Linux crontab expression of five fields (minute hour day-of-month month day-of-week) or a nickname such as @daily';
  }
  let cron: Cron;
  try {
    cron = new Cron(trimmed, { timezone: 'UTC', paused: true });
  } catch (error) {
    return `is not a valid crontab expression: ${(error as Error).message}`;
  }
  if (cron.nextRun(now) === null) return 'never fires';
  return null;
}

/**
 * Exactly one of the two triggers; an empty object means "no scheduler configuration" (run now).
 * A freshness deadline needs a trigger: a run-now version runs once, nothing would keep its output fresh.
 */
export function schedulerConfigurationProblems(config: SchedulerConfiguration, at: string): FieldError[] {
  const hasCatalog = config.catalogTriggerOptions !== undefined;
  const hasTime = config.timeTriggerOptions !== undefined;
  if (hasCatalog && hasTime) {
    return [{ field: at, message: 'must set exactly one of catalogTriggerOptions and timeTriggerOptions, not both', code: 'E1000' }];
  }
  if (config.freshnessOptions) {
    if (!hasCatalog && !hasTime) {
      return [{ field: `${at}/freshnessOptions`, message: 'needs catalogTriggerOptions or timeTriggerOptions: a run-now version runs once and nothing keeps its output fresh', code: 'E1000' }];
    }
    const problems = freshnessProblems(config.freshnessOptions, `${at}/freshnessOptions`);
    if (problems.length > 0) return problems;
  }
  if (hasTime) {
    const problem = cronProblem(config.timeTriggerOptions!.cronJobExpression);
    if (problem) {
      return [{
        field: `${at}/timeTriggerOptions/cronJobExpression`,
        message: problem,
        invalidValue: config.timeTriggerOptions!.cronJobExpression,
        code: 'E1000',
      }];
    }
  }
  return [];
}

export const isEmptySchedule = (config: SchedulerConfiguration | null | undefined) =>
  !config || (config.catalogTriggerOptions === undefined && config.timeTriggerOptions === undefined);
