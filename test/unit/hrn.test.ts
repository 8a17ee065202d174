import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hrnOf, idFromPath, isUuid, type HrnKind } from '../../src/domain/hrn.js';

const ID = '3f2b8c1e-9a4d-4e6f-8b7a-0c1d2e3f4a5b';
const UPPER = ID.toUpperCase();

describe('hrnOf', () => {
  const cases: [HrnKind, string, string, string][] = [
    ['pipeline', 'realm-a', ID, `hrn:here:pipeline::realm-a:${ID}`],
    ['pipeline-template', 'realm-a', ID, `hrn:here:pipeline-template::realm-a:${ID}`],
    ['pipeline', 'olp-1234', ID, `hrn:here:pipeline::olp-1234:${ID}`],
  ];
  for (const [kind, realm, id, hrn] of cases) {
    it(`${kind} in ${realm}`, () => assert.equal(hrnOf(kind, realm, id), hrn));
  }
});

describe('isUuid', () => {
  const cases: [string, boolean][] = [
    [ID, true],
    [UPPER, true],
    ['00000000-0000-0000-0000-000000000000', true],
    [ID.replace(/-/g, ''), false],
    [`${ID}0`, false],
    [` ${ID}`, false],
    [ID.replace('3f', 'zz'), false],
    ['', false],
  ];
  for (const [value, expected] of cases) {
    it(`"${value}" → ${expected}`, () => assert.equal(isUuid(value), expected));
  }
});

describe('idFromPath', () => {
  // [what, kind, realm, path value, expected id]
  const cases: [string, HrnKind, string, string, string | null][] = [
    ['a UUID', 'pipeline', 'realm-a', ID, ID],
    ['an upper-case UUID, lower-cased', 'pipeline', 'realm-a', UPPER, ID],
    ['a mixed-case UUID, lower-cased', 'pipeline-template', 'realm-a', '3F2b8C1e-9a4d-4E6f-8b7A-0c1d2e3f4a5b', ID],
    ['a pipeline HRN of the realm', 'pipeline', 'realm-a', hrnOf('pipeline', 'realm-a', ID), ID],
    ['a template HRN of the realm', 'pipeline-template', 'realm-a', hrnOf('pipeline-template', 'realm-a', ID), ID],
    ['an HRN with an upper-case UUID, lower-cased', 'pipeline', 'realm-a', `hrn:here:pipeline::realm-a:${UPPER}`, ID],
    ['a pipeline HRN of another realm', 'pipeline', 'realm-a', hrnOf('pipeline', 'realm-b', ID), null],
    ['a pipeline HRN of a realm that extends this one', 'pipeline', 'realm', hrnOf('pipeline', 'realm-a', ID), null],
    ['a pipeline HRN of a realm this one extends', 'pipeline', 'realm-a', hrnOf('pipeline', 'realm', ID), null],
    ['a template HRN where a pipeline is asked for', 'pipeline', 'realm-a', hrnOf('pipeline-template', 'realm-a', ID), null],
    ['a pipeline HRN where a template is asked for', 'pipeline-template', 'realm-a', hrnOf('pipeline', 'realm-a', ID), null],
    ['another partition', 'pipeline', 'realm-a', `hrn:here-cn:pipeline::realm-a:${ID}`, null],
    ['an upper-case prefix', 'pipeline', 'realm-a', `HRN:HERE:PIPELINE::realm-a:${ID}`, null],
    ['a region where none belongs', 'pipeline', 'realm-a', `hrn:here:pipeline:eu:realm-a:${ID}`, null],
    ['an HRN without an id', 'pipeline', 'realm-a', 'hrn:here:pipeline::realm-a:', null],
    ['an HRN whose id is no UUID', 'pipeline', 'realm-a', 'hrn:here:pipeline::realm-a:my-pipeline', null],
    ['an HRN with more after the UUID', 'pipeline', 'realm-a', `hrn:here:pipeline::realm-a:${ID}/x`, null],
    ['an HRN with a path before the UUID', 'pipeline', 'realm-a', `hrn:here:pipeline::realm-a:x:${ID}`, null],
    ['a UUID with blanks around it', 'pipeline', 'realm-a', ` ${ID} `, null],
    ['a UUID without dashes', 'pipeline', 'realm-a', ID.replace(/-/g, ''), null],
    ['a name', 'pipeline', 'realm-a', 'word-count', null],
    ['nothing', 'pipeline', 'realm-a', '', null],
  ];
  for (const [what, kind, realm, value, expected] of cases) {
    it(what, () => assert.equal(idFromPath(kind, realm, value), expected));
  }
});
