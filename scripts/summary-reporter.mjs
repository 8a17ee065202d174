// A test reporter for the terminal: a dot per passing test, an F per failure, and at the end
// the failures first (where, which test, the assertion's message), then the counts. The
// complete output (Node's spec reporter) goes to a file the runner names.
const WIDTH = 80;

export default async function* summary(source) {
  const started = Date.now();
  const path = []; // names of the suites and tests open at each nesting level
  const failures = [];
  let passed = 0, skipped = 0, column = 0;
  const mark = (char) => {
    column += 1;
    if (column < WIDTH) return char;
    column = 0;
    return `${char}\n`;
  };
  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === 'test:start') path[data.nesting] = data.name;
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (data.details?.type === 'suite') {
      // A suite fails by itself only when a hook failed (before/after): report that too.
      if (event.type === 'test:fail' && data.details?.error?.failureType === 'hookFailed') {
        failures.push({ where: data.file, name: path.slice(0, data.nesting + 1).join(' › '), error: data.details.error });
      }
      continue;
    }
    if (data.skip || data.todo) {
      skipped += 1;
      yield mark('s');
    } else if (event.type === 'test:pass') {
      passed += 1;
      yield mark('.');
    } else {
      failures.push({ where: data.file, name: path.slice(0, data.nesting + 1).join(' › '), error: data.details?.error });
      yield mark('F');
    }
  }
  let out = column > 0 ? '\n' : '';
  if (failures.length > 0) {
    out += `\n${failures.length} failed:\n`;
    for (const { where, name, error } of failures) {
      const cause = error?.cause ?? error;
      const message = String(cause?.message ?? cause ?? 'failed').split('\n').slice(0, 6).join('\n      ');
      out += `\n  ✗ ${name}\n    ${where ?? ''}\n      ${message}\n`;
    }
  }
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  out += `\n${passed} passed, ${failures.length} failed, ${skipped} skipped in ${minutes} min\n`;
  yield out;
}
