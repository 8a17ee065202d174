import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';
import { scrape, type Families } from '../helpers/metrics.js';
import { describeOnStores } from '../helpers/suite.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const deploy = path.resolve(here, '../../../deploy');
/** Series Prometheus makes itself for every target, not the service. */
const BUILT_IN = new Set(['up']);

/** The metric names a PromQL expression selects, from its syntax tree (Prometheus's own grammar). */
function metricNames(expr: string): string[] {
  const tree = parser.parse(expr);
  const names: string[] = [];
  const cursor = tree.cursor();
  do {
    assert.notEqual(cursor.type.isError, true, `"${expr}" does not parse at ${cursor.from}`);
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') names.push(expr.slice(cursor.from, cursor.to));
  } while (cursor.next());
  return names;
}

/** A name the exposition has: a family, or a histogram's _bucket/_sum/_count series. */
function exists(families: Families, name: string): boolean {
  if (BUILT_IN.has(name) || families.has(name)) return true;
  const suffix = /_(bucket|sum|count)$/.exec(name);
  return suffix !== null && families.get(name.slice(0, -suffix[0].length))?.type === 'histogram';
}

describeOnStores('deploy files', (ctx) => {
  it('the Grafana dashboard and the Prometheus alerts use only metrics /metrics has', async () => {
    const families = await scrape(ctx.as(null));
    const dashboard = JSON.parse(await fs.readFile(path.join(deploy, 'grafana', 'sluice.json'), 'utf8'));
    const alerts = parseYaml(await fs.readFile(path.join(deploy, 'prometheus', 'alerts.yml'), 'utf8'));
    const expressions: [string, string][] = [
      ...dashboard.panels.flatMap((p: any) => p.targets.map((t: any) => [`panel "${p.title}"`, t.expr])),
      ...alerts.groups.flatMap((g: any) => g.rules.map((r: any) => [`alert ${r.alert}`, r.expr])),
    ];
    assert.ok(expressions.length >= 15, `only ${expressions.length} expressions`);
    const missing = expressions.flatMap(([where, expr]) => metricNames(expr).filter((n) => !exists(families, n)).map((n) => `${where}: ${n}`));
    assert.deepEqual(missing, []);
    const covered = new Set(expressions.flatMap(([, expr]) => metricNames(expr)));
    for (const name of ['sluice_pipeline_versions', 'sluice_operations_in_flight', 'sluice_events_total']) assert.ok(covered.has(name), `${name} unused`);
  });

  it('would notice a metric that does not exist', () => {
    assert.deepEqual(metricNames('sum(rate(sluice_no_such_metric_total[5m]))'), ['sluice_no_such_metric_total']);
    assert.throws(() => metricNames('sum(rate(sluice_x[5m]'));
  });
});
