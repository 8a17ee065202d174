import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryPointProblem } from '../../src/domain/template-check.js';

describe('entryPointProblem', () => {
  const cases: { name: string; entryPoint: string; classes: string[] | null; problem: RegExp | null }[] = [
    { name: 'the class is in the package', entryPoint: 'com.example.Main', classes: ['com.example.Other', 'com.example.Main'], problem: null },
    { name: 'the package is gone', entryPoint: 'com.example.Main', classes: null, problem: /package of this template does not exist/ },
    { name: 'the class is missing', entryPoint: 'com.example.Main', classes: ['com.example.Other'], problem: /entry-point class com\.example\.Main is not in the package/ },
    { name: 'an empty package', entryPoint: 'com.example.Main', classes: [], problem: /com\.example\.Main is not in the package/ },
    { name: 'class names are case-sensitive', entryPoint: 'com.example.Main', classes: ['com.example.main'], problem: /not in the package/ },
    { name: 'a simple name does not match a qualified one', entryPoint: 'Main', classes: ['com.example.Main'], problem: /not in the package/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const problem = entryPointProblem(c.entryPoint, c.classes);
      if (c.problem === null) assert.equal(problem, null);
      else assert.match(problem ?? '', c.problem);
    });
  }
});
