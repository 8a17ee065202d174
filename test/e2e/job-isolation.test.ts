import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { deploy, exampleJarPath, waitForJob } from '../helpers/lifecycle.js';
import { multipartWith } from '../helpers/jars.js';
import { TEST_SECRET } from '../helpers/server.js';
import { describeOnStores, type SuiteContext } from '../helpers/suite.js';

/**
 * A hostile job (examples/isolation-probe) tries to read the service's secret file, its
 * /proc/<pid>/environ, another realm's package and another job's folder, to signal the service,
 * and to reach the service's own port, a host an egress rule admits (an HTTP server of this
 * suite, on the machine's own non-loopback address) and that host around the proxy. Each outcome
 * is read from the job's log. Isolated (the default as root): all blocked but the admitted host
 * through the proxy. Shared: the job reaches everything but what the proxy refuses to forward.
 */

/** This machine's first non-loopback IPv4 address: an address a rule can admit that is not the service's 127.0.0.1. */
function hostAddress(): string {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address for the admitted egress host');
}

type Outcome = { reached: boolean; detail: string };

function probeOutcomes(log: string): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  for (const match of log.matchAll(/^PROBE (\S+) (reached|blocked) ?(.*)$/gm)) {
    outcomes.set(match[1], { reached: match[2] === 'reached', detail: match[3] });
  }
  return outcomes;
}

interface ProbeRun {
  log: string;
  outcomes: Map<string, Outcome>;
  servicePort: string;
  admittedUrl: string;
}

/** Sets the scene (another realm's package, another job, a rule for this machine's address) and runs the probe. */
async function runProbe(ctx: SuiteContext, admitted: { url: string }): Promise<ProbeRun> {
  const dataDir = ctx.store.env.SLUICE_DATA_DIR;
  // The suite's servers take their secret from SLUICE_JWT_SECRET (also a probe target, in the
  // service's environment); the embedded default keeps it in this file, as here, mode 0600.
  await fs.writeFile(path.join(dataDir, 'jwt-secret'), `${TEST_SECRET}\n`, { mode: 0o600 });
  const jar = await fs.readFile(exampleJarPath('batch-noop'));
  const otherPackage = await ctx.other('POST', '/v2/packages', { rawBody: multipartWith('jarPackage', 'other.jar', jar) });
  assert.equal(otherPackage.status, 201, otherPackage.text);
  const first = await deploy(ctx.api, { example: 'isolation-probe', name: 'first-job' });
  assert.equal((await ctx.api('POST', `${first.base}/operations/activate`)).status, 202);
  const firstJob = await waitForJob(ctx.api, first.base, ['completed', 'failed']);

  const host = new URL(admitted.url).hostname;
  const rule = await ctx.api('POST', '/v2/egressRules', { body: [{ destination: host }] });
  assert.equal(rule.status, 201, rule.text);
  const servicePort = new URL(ctx.server.url).port;
  const probes = {
    'secret-file': path.join(dataDir, 'jwt-secret'),
    'service-environ': String(ctx.server.process.pid),
    'other-package': path.join(dataDir, 'packages', `${otherPackage.body.id}.jar`),
    'packages-folder': path.join(dataDir, 'packages'),
    'other-job': path.join(dataDir, 'jobs', firstJob.id, 'job.log'),
    'signal-service': String(ctx.server.process.pid),
    'refused-url': `http://127.0.0.1:${servicePort}/health/live`,
    'unlisted-url': 'http://unlisted.example.com/',
    'admitted-url': admitted.url,
    'direct-connect': `${host}:${new URL(admitted.url).port}`,
  };
  const properties = Object.entries(probes).map(([name, target]) => `probe.${name}=${target}`).join('\n');
  const d = await deploy(ctx.api, { example: 'isolation-probe', name: 'probe', customRuntimeConfiguration: properties });
  assert.equal((await ctx.api('POST', `${d.base}/operations/activate`)).status, 202);
  const job = await waitForJob(ctx.api, d.base, ['completed', 'failed']);
  assert.equal(job.state, 'completed', job.message);
  const log = await fs.readFile(path.join(dataDir, 'jobs', job.id, 'job.log'), 'utf8');
  return { log, outcomes: probeOutcomes(log), servicePort, admittedUrl: admitted.url };
}

function outcome(run: ProbeRun, name: string): Outcome {
  const found = run.outcomes.get(name);
  assert.ok(found, `no outcome for ${name} in the job's log:\n${run.log}`);
  return found;
}

function withAdmittedHost(body: (admitted: { url: string }) => void): void {
  const server = http.createServer((_, res) => res.end('hello from the admitted host'));
  const admitted = { url: '' };
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    admitted.url = `http://${hostAddress()}:${(server.address() as AddressInfo).port}/hello`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  body(admitted);
}

withAdmittedHost((admitted) => {
  describeOnStores('job isolation (isolated)', (ctx) => {
    it('runs the job as the job user in a sandbox that holds none of the service, other realms or other jobs', async () => {
      const ready = await ctx.api('GET', '/health/ready');
      assert.equal(ready.body.info.jobIsolation, 'isolated', 'this test runs as root with bubblewrap installed (CI does)');
      const run = await runProbe(ctx, admitted);
      assert.match(run.log, /^PROBE user sluice-job /m);
      for (const name of ['secret-file', 'service-environ', 'other-package', 'other-job', 'signal-service', 'refused-url', 'unlisted-url', 'direct-connect']) {
        assert.equal(outcome(run, name).reached, false, `${name}: ${outcome(run, name).detail}`);
      }
      // Of the packages folder (three JARs by now) the job sees its own package only.
      assert.equal((await fs.readdir(path.join(ctx.store.env.SLUICE_DATA_DIR, 'packages'))).length, 3);
      assert.equal(outcome(run, 'packages-folder').detail, '1 entries');
      assert.match(outcome(run, 'unlisted-url').detail, /HTTP 403/);
      assert.deepEqual(outcome(run, 'admitted-url'), { reached: true, detail: 'HTTP 200 hello from the admitted host' });
      // The refusal is a clear line in the job's log, and in the service's log with the job id.
      assert.match(run.log, /^sluice egress: refused GET unlisted\.example\.com:80: no egress rule of the realm admits unlisted\.example\.com$/m);
      assert.match(ctx.server.output(), /egress refused for job [0-9a-f-]{36}: GET unlisted\.example\.com:80/);
    });
  });

  describeOnStores('job isolation (shared mode)', (ctx) => {
    it('says so at start and in /health/ready; the job reaches what the service can, the proxy is advisory', async () => {
      const ready = await ctx.api('GET', '/health/ready');
      assert.equal(ready.body.info.jobIsolation, 'shared');
      assert.match(ctx.server.output(), /jobs run in SHARED mode \(SLUICE_JOB_ISOLATION=shared\)/);
      const run = await runProbe(ctx, admitted);
      for (const name of ['secret-file', 'service-environ', 'other-package', 'packages-folder', 'other-job', 'signal-service', 'refused-url', 'direct-connect']) {
        assert.equal(outcome(run, name).reached, true, `${name}: ${outcome(run, name).detail}`);
      }
      // What goes through the JVM's proxy settings still meets the rules; what does not (a plain
      // socket, or loopback, which the JVM never proxies) is not stopped.
      assert.match(outcome(run, 'unlisted-url').detail, /HTTP 403/);
      assert.equal(outcome(run, 'admitted-url').reached, true);
      assert.match(run.log, /^sluice egress: refused GET unlisted\.example\.com:80: no egress rule of the realm admits unlisted\.example\.com$/m);
    });
  }, { env: { SLUICE_JOB_ISOLATION: 'shared' } });
});
