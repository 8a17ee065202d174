import { asError } from '../domain/errors.js';
import { entryPointProblem } from '../domain/template-check.js';
import type { Db } from '../store/database.js';
import { finishTemplateCheck, templateToCheck, templatesAwaitingCheck } from '../store/template-checks.js';

/**
 * Moves templates from `creating` to `created` or `creation_failed`. Creation answers at once
 * with `creating`; the check runs right after, and again at start for any template a crash left
 * in `creating`, so none stays there.
 */
export class TemplateChecker {
  onError: (error: Error) => void = () => {};
  private running = new Set<Promise<void>>();

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  check(templateId: string): void {
    const task = this.run(templateId).catch((error) => this.onError(asError(error)));
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
  }

  async checkPending(): Promise<void> {
    for (const id of await templatesAwaitingCheck(this.db)) await this.run(id);
  }

  async idle(): Promise<void> {
    await Promise.all([...this.running]);
  }

  private async run(templateId: string): Promise<void> {
    const template = await templateToCheck(this.db, templateId);
    if (!template) return;
    const problem = entryPointProblem(template.entryPointClassName, template.packageClassNames);
    await finishTemplateCheck(this.db, templateId, {
      state: problem ? 'creation_failed' : 'created',
      message: problem,
      at: this.now(),
    });
  }
}
