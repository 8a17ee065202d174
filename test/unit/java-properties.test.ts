import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  mergeProperties, parseProperties, PROPERTY_LIMITS, propertiesProblems, type Property,
} from '../../src/domain/java-properties.js';
import { javaCases } from './java-properties-cases.js';

const entries = (list: Property[]) => list.map(({ key, value }): [string, string] => [key, value]);

describe('parseProperties reads what java.util.Properties reads', () => {
  for (const c of javaCases) {
    it(c.name, () => {
      assert.deepEqual(entries(parseProperties(c.text)), c.entries);
    });
  }

  it('keeps a malformed \\u escape as its letters (Java would refuse the text)', () => {
    assert.deepEqual(entries(parseProperties('a=\\u00zz')), [['a', 'u00zz']]);
    assert.deepEqual(entries(parseProperties('a=\\u00')), [['a', 'u00']]);
  });
});

describe('propertiesProblems', () => {
  const field = '/defaultRuntimeConfiguration';
  const limits: { name: string; text: string; messages: RegExp[] }[] = [
    { name: 'a usual text', text: 'spark.executor.cores=2\n# note\nname = job\n', messages: [] },
    { name: 'empty text', text: '', messages: [] },
    // The whole text counts comments too: a comment line fills it exactly.
    { name: `whole text of ${PROPERTY_LIMITS.whole} characters`, text: `#${'c'.repeat(PROPERTY_LIMITS.whole - 1)}`, messages: [] },
    { name: `whole text of ${PROPERTY_LIMITS.whole + 1} characters`, text: `#${'c'.repeat(PROPERTY_LIMITS.whole)}`, messages: [/at most 10243 characters in all, got 10244/] },
    { name: `name of ${PROPERTY_LIMITS.name} characters`, text: `${'k'.repeat(PROPERTY_LIMITS.name)}=v`, messages: [] },
    { name: `name of ${PROPERTY_LIMITS.name + 1} characters`, text: `${'k'.repeat(PROPERTY_LIMITS.name + 1)}=v`, messages: [/line 1: property name "k{40}…" is longer than 2048 characters \(2049\)/] },
    // Names and values are measured after escapes are resolved: `\=` is one character.
    { name: 'name of 2048 escaped characters', text: `${'\\='.repeat(PROPERTY_LIMITS.name)}=v`, messages: [] },
    { name: 'name of 2049 escaped characters', text: `${'\\='.repeat(PROPERTY_LIMITS.name + 1)}=v`, messages: [/property name .* longer than 2048/] },
    { name: `value of ${PROPERTY_LIMITS.value} characters`, text: `k=${'v'.repeat(PROPERTY_LIMITS.value)}`, messages: [] },
    { name: `value of ${PROPERTY_LIMITS.value + 1} characters`, text: `k=${'v'.repeat(PROPERTY_LIMITS.value + 1)}`, messages: [/line 1: value of property "k" is longer than 8192 characters \(8193\)/] },
    {
      name: 'value over the limit only once its continuation lines are joined',
      text: `a=1\nk=${'v'.repeat(5000)}\\\n    ${'v'.repeat(3193)}`,
      messages: [/line 2: value of property "k" is longer than 8192/],
    },
    {
      name: 'value of 8192 with the continuation blanks not counted',
      text: `k=${'v'.repeat(5000)}\\\n    ${'v'.repeat(3192)}`,
      messages: [],
    },
    {
      name: 'whole text and a value over their limits at once',
      text: `k=${'v'.repeat(PROPERTY_LIMITS.whole)}`,
      messages: [/in all, got 10245/, /value of property "k"/],
    },
    { name: 'a malformed \\u escape in a value', text: 'a=1\nb=x\\u12g4', messages: [/line 2: malformed escape "\\u12g4"/] },
    { name: 'a \\u escape cut short by the end of the key', text: 'k\\u41=1', messages: [/line 1: malformed escape "\\u41"/] },
    { name: 'an escaped backslash before u is no escape', text: 'a=C:\\\\users', messages: [] },
  ];
  for (const c of limits) {
    it(c.name, () => {
      const problems = propertiesProblems(c.text, field);
      assert.equal(problems.length, c.messages.length, JSON.stringify(problems.map((p) => p.message)));
      c.messages.forEach((message, i) => assert.match(problems[i].message, message));
      for (const problem of problems) {
        assert.equal(problem.field, field);
        assert.equal(problem.code, 'E1000');
      }
    });
  }

  it('points every problem at the pointer it is given', () => {
    // 2049 + 1 + 8193 is exactly the whole limit: the comment takes the text past it too.
    const text = `# pad\n${'k'.repeat(PROPERTY_LIMITS.name + 1)}=${'v'.repeat(PROPERTY_LIMITS.value + 1)}`;
    const problems = propertiesProblems(text, '/customRuntimeConfiguration');
    assert.deepEqual(problems.map((p) => p.field), Array(3).fill('/customRuntimeConfiguration'));
  });
});

describe('mergeProperties', () => {
  const cases: { name: string; base: string | null | undefined; overlay: string | null | undefined; merged: [string, string][] }[] = [
    { name: 'nothing on either side', base: undefined, overlay: null, merged: [] },
    { name: 'only the template', base: 'a=1\nb=2', overlay: undefined, merged: [['a', '1'], ['b', '2']] },
    { name: 'only the version', base: null, overlay: 'a=1', merged: [['a', '1']] },
    { name: 'the version wins key by key', base: 'a=1\nb=2\nc=3', overlay: 'b=20', merged: [['a', '1'], ['b', '20'], ['c', '3']] },
    { name: 'keys of either side are kept, the template order first', base: 'a=1\nb=2', overlay: 'z=26\na=10', merged: [['a', '10'], ['b', '2'], ['z', '26']] },
    { name: 'an empty version value still wins', base: 'a=1', overlay: 'a=', merged: [['a', '']] },
    { name: 'keys are compared once escapes are resolved', base: 'a\\u0062=1', overlay: 'ab : 2', merged: [['ab', '2']] },
    { name: 'a key repeated in the template: its last value', base: 'a=1\na=2', overlay: '', merged: [['a', '2']] },
    { name: 'a key repeated in the version: its last value', base: 'a=0', overlay: 'a=1\na=2', merged: [['a', '2']] },
    { name: 'comments never become keys', base: '# a=1\na=2', overlay: '! a=3', merged: [['a', '2']] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(entries(mergeProperties(c.base, c.overlay)), c.merged);
    });
  }
});
