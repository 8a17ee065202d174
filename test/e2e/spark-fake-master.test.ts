import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { SparkMasterProcess } from '../helpers/spark-master.js';

/**
 * The fake Spark master speaks the REST submission protocol as Spark's RestSubmissionServer does:
 * these pin the behaviour the Spark runtime relies on (and the fake's fidelity).
 */
describe('fake Spark master: the REST submission protocol', () => {
  let master: SparkMasterProcess;
  before(async () => {
    master = await SparkMasterProcess.start();
  });
  after(() => master.stop());

  const post = (path: string, body: string) => fetch(`${master.restUrl}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const json = async (response: Response) => JSON.parse(await response.text()) as Record<string, unknown>;
  const create = (fields: Record<string, unknown>) => JSON.stringify({
    action: 'CreateSubmissionRequest', clientSparkVersion: '3.5.1', appResource: 'file:///nowhere/app.jar', mainClass: 'x.Main',
    appArgs: [], sparkProperties: { 'spark.app.name': 'probe' }, environmentVariables: {}, ...fields,
  });

  it('answers paths outside /v1/submissions/{create,kill,status} with ErrorResponses: 400, and 468 with the highest version', async () => {
    const root = await fetch(`${master.restUrl}/`);
    assert.equal(root.status, 400);
    const rootBody = await json(root);
    assert.equal(rootBody.action, 'ErrorResponse');
    assert.match(String(rootBody.message), /^Missing protocol version\./);
    assert.equal(rootBody.serverSparkVersion, '3.5.1');
    const v2 = await fetch(`${master.restUrl}/v2/submissions/create`);
    assert.equal(v2.status, 468);
    const v2Body = await json(v2);
    assert.equal(v2Body.highestProtocolVersion, 'v1');
    assert.match(String(v2Body.message), /^Unknown protocol version 'v2'\./);
    const noAction = await fetch(`${master.restUrl}/v1/submissions/`);
    assert.equal(noAction.status, 400);
    assert.match(String((await json(noAction)).message), /^Missing an action/);
  });

  it('wants a submission id for status and kill, and the servlet\'s own method', async () => {
    const status = await fetch(`${master.restUrl}/v1/submissions/status/`);
    assert.equal(status.status, 400);
    assert.equal((await json(status)).message, 'Submission ID is missing in status request.');
    const kill = await post('/v1/submissions/kill', '');
    assert.equal(kill.status, 400);
    assert.equal((await json(kill)).message, 'Submission ID is missing in kill request.');
    const wrongMethod = await fetch(`${master.restUrl}/v1/submissions/create`);
    assert.equal(wrongMethod.status, 405);
    assert.doesNotMatch(await wrongMethod.text(), /^\{/);
  });

  it('refuses an unreadable or invalid create as "Malformed request" without naming the field, as Spark does', async () => {
    const notJson = await post('/v1/submissions/create', '{"action": ');
    assert.equal(notJson.status, 400);
    assert.match(String((await json(notJson)).message), /^Malformed request: com\.fasterxml\.jackson/);
    const noAction = await post('/v1/submissions/create', '{"appResource":"x"}');
    assert.match(String((await json(noAction)).message), /Action field not found in JSON/);
    for (const broken of [{ appResource: null }, { sparkProperties: {} }, { 'clientSparkVersion': null }, { sparkProperties: { 'spark.app.name': 'a', 'spark.driver.memory': '2 gigs' } },
      { sparkProperties: { 'spark.app.name': 'a', 'spark.driver.supervise': 'yes' } }, { appArgs: null }]) {
      const response = await post('/v1/submissions/create', create(broken));
      assert.equal(response.status, 400, JSON.stringify(broken));
      const message = String((await json(response)).message);
      assert.match(message, /^Malformed request: org\.apache\.spark\.deploy\.rest\.SubmitRestProtocolException: Validation of message CreateSubmissionRequest failed!\n\tat /);
    }
    const noMain = await post('/v1/submissions/create', create({ mainClass: null }));
    assert.match(String((await json(noMain)).message), /SubmitRestMissingFieldException: Main class is missing\./);
    const wrongType = await post('/v1/submissions/create', create({ appArgs: 'a b' }));
    assert.equal(wrongType.status, 400);
    const response = await post('/v1/submissions/create', JSON.stringify({ action: 'SubmissionStatusResponse', serverSparkVersion: '3.5.1' }));
    assert.equal(response.status, 400);
    assert.equal((await json(response)).message, 'Received message of unexpected type SubmissionStatusResponse.');
    const unknownClass = await post('/v1/submissions/create', JSON.stringify({ action: 'LaunchEverything' }));
    assert.equal(unknownClass.status, 500);
  });

  it('takes any clientSparkVersion, echoes unknown fields, answers with sorted keys and a driver id', async () => {
    const response = await post('/v1/submissions/create', create({ clientSparkVersion: '1.0.0', colour: 'blue', sparkProperties: { 'spark.app.name': 'a', 'spark.driver.cores': 2 } }));
    assert.equal(response.status, 200);
    const text = await response.text();
    const body = JSON.parse(text) as Record<string, unknown>;
    assert.equal(body.success, true);
    assert.deepEqual(body.unknownFields, ['colour']);
    assert.match(String(body.submissionId), /^driver-\d{14}-\d{4}$/);
    assert.equal(body.message, `Driver successfully submitted as ${String(body.submissionId)}`);
    assert.deepEqual(Object.keys(body), [...Object.keys(body)].sort());
    assert.match(text, /"action" : "CreateSubmissionResponse"/);
  });

  it('says success:false with HTTP 200 for an unknown driver, a finished one\'s kill, and a master in STANDBY', async () => {
    const unknown = await fetch(`${master.restUrl}/v1/submissions/status/driver-20200101000000-0042`);
    assert.equal(unknown.status, 200);
    const unknownBody = await json(unknown);
    assert.equal(unknownBody.success, false);
    assert.equal(unknownBody.driverState, undefined);
    const killUnknown = await json(await post('/v1/submissions/kill/driver-20200101000000-0042', ''));
    assert.equal(killUnknown.success, false);
    assert.equal(killUnknown.message, 'Driver driver-20200101000000-0042 has already finished or does not exist');
    await master.setMasterState('STANDBY');
    try {
      const refused = await post('/v1/submissions/create', create({}));
      assert.equal(refused.status, 200);
      const refusedBody = await json(refused);
      assert.equal(refusedBody.success, false);
      assert.equal(refusedBody.submissionId, undefined);
      assert.equal(refusedBody.message, 'Current state is not alive: STANDBY. Can only accept driver submissions in ALIVE state.');
    } finally {
      await master.setMasterState('ALIVE');
    }
  });
});
