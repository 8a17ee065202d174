import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decide, kindOf, type OperationType, type VersionKind, type VersionState,
} from '../../src/domain/state-machine.js';

/**
 * Behaviour notes §2, copied out by hand (not from LIFECYCLE): per operation the "allowed from"
 * column, and per kind the state it leads to (absent: "—" or 400). Where a kind's cell names its
 * own states (pause; deactivate for stream) `from` is given per kind.
 */
type Row = {
  from: VersionState[] | Partial<Record<VersionKind, VersionState[]>>;
  to: Partial<Record<VersionKind, VersionState>>;
};
const ACTIVE: VersionState[] = ['scheduled', 'running', 'paused'];
const DOC_TABLE: Record<OperationType, Row> = {
  activate: { from: ['ready'], to: { stream: 'running', scheduled: 'scheduled', 'run-now': 'running' } },
  run: { from: ['scheduled'], to: { scheduled: 'running' } },
  job_terminate: { from: ['running'], to: { scheduled: 'scheduled' } },
  job_terminate_to_ready: { from: ['running'], to: { stream: 'ready', 'run-now': 'ready' } },
  pause: { from: { stream: ['running'], scheduled: ['scheduled', 'running'] }, to: { stream: 'paused', scheduled: 'paused' } },
  resume: { from: ['paused'], to: { stream: 'running', scheduled: 'scheduled' } },
  cancel: { from: ['running', 'paused', 'scheduled'], to: { stream: 'ready', scheduled: 'ready', 'run-now': 'ready' } },
  deactivate: { from: { stream: ['paused'], scheduled: ['scheduled', 'running', 'paused'] }, to: { stream: 'ready', scheduled: 'ready' } },
  // "source active"; the state given is the source's (the target goes from ready to running/scheduled).
  upgrade: { from: ACTIVE, to: { stream: 'ready', scheduled: 'ready' } },
  restart: { from: ['running'], to: { stream: 'running' } },
  // Not in the table at all: "any other combination" is refused.
  maintenance: { from: [], to: {} },
};

/**
 * The "allowed from" column is shared by the three kinds, so it lists the union of their states.
 * A stream version is never `scheduled`, and a run-now version is never `paused` (pause is 400)
 * nor `scheduled` (activate takes it straight to running): in those states every operation is
 * refused. The last test below checks this against DOC_TABLE itself.
 */
const REACHABLE: Record<VersionKind, VersionState[]> = {
  stream: ['ready', 'running', 'paused'],
  scheduled: ['ready', 'scheduled', 'running', 'paused'],
  'run-now': ['ready', 'running'],
};

const OPERATIONS = Object.keys(DOC_TABLE) as OperationType[];
const KINDS: VersionKind[] = ['stream', 'scheduled', 'run-now'];
const STATES: VersionState[] = ['ready', 'scheduled', 'running', 'paused'];

function fromStates(row: Row, kind: VersionKind): VersionState[] {
  return Array.isArray(row.from) ? row.from : row.from[kind] ?? [];
}

/** The state the doc says the cell leads to, or null when it is refused. */
function expected(operation: OperationType, kind: VersionKind, state: VersionState): VersionState | null {
  const row = DOC_TABLE[operation];
  const to = row.to[kind];
  if (to === undefined || !REACHABLE[kind].includes(state)) return null;
  return fromStates(row, kind).includes(state) ? to : null;
}

describe('lifecycle table: every operation × kind × state (behaviour notes §2)', () => {
  it('covers the 11 operation types', () => {
    assert.equal(OPERATIONS.length, 11);
  });

  for (const operation of OPERATIONS) {
    describe(operation, () => {
      for (const kind of KINDS) {
        for (const state of STATES) {
          const to = expected(operation, kind, state);
          it(`${kind} in ${state}: ${to ? `→ ${to}` : 'refused'}`, () => {
            const decision = decide(operation, kind, state);
            if (to !== null) {
              assert.equal(decision.allowed, true, decision.allowed ? '' : decision.reason);
              if (decision.allowed) {
                assert.equal(decision.transition.to, to);
                assert.ok(decision.transition.from.includes(state));
                assert.ok(decision.transition.effect.length > 0);
              }
              return;
            }
            assert.equal(decision.allowed, false, `expected a refusal, got → ${decision.allowed ? decision.transition.to : ''}`);
            if (!decision.allowed) {
              // Names the current state as the current one (a "must be ready" is not enough).
              assert.match(decision.reason, new RegExp(`state:? ${state}\\b`));
              assert.ok(decision.reason.includes(operation), decision.reason);
            }
          });
        }
      }
    });
  }

  it('the states each kind can reach from ready are exactly the ones assumed above', () => {
    for (const kind of KINDS) {
      const seen = new Set<VersionState>(['ready']);
      const queue: VersionState[] = ['ready'];
      while (queue.length > 0) {
        const state = queue.shift()!;
        const next: VersionState[] = [];
        for (const operation of OPERATIONS) {
          const row = DOC_TABLE[operation];
          const to = row.to[kind];
          if (to !== undefined && fromStates(row, kind).includes(state)) next.push(to);
        }
        // The target of an upgrade goes from ready to where an activation of its kind leads.
        if (state === 'ready' && DOC_TABLE.upgrade.to[kind]) next.push(DOC_TABLE.activate.to[kind]!);
        for (const s of next) if (!seen.has(s)) { seen.add(s); queue.push(s); }
      }
      assert.deepEqual([...seen].sort(), [...REACHABLE[kind]].sort(), kind);
    }
  });
});

describe('kindOf', () => {
  const cases: { runtime: 'batch' | 'stream'; hasSchedule: boolean; pins: boolean; kind: VersionKind }[] = [
    { runtime: 'stream', hasSchedule: false, pins: false, kind: 'stream' },
    { runtime: 'stream', hasSchedule: true, pins: false, kind: 'stream' },
    { runtime: 'stream', hasSchedule: false, pins: true, kind: 'stream' },
    { runtime: 'stream', hasSchedule: true, pins: true, kind: 'stream' },
    { runtime: 'batch', hasSchedule: true, pins: false, kind: 'scheduled' },
    // Pinned catalog versions make a one-time run, whatever the schedule.
    { runtime: 'batch', hasSchedule: true, pins: true, kind: 'run-now' },
    { runtime: 'batch', hasSchedule: false, pins: false, kind: 'run-now' },
    { runtime: 'batch', hasSchedule: false, pins: true, kind: 'run-now' },
  ];
  for (const c of cases) {
    it(`${c.runtime}, schedule ${c.hasSchedule}, pins ${c.pins} → ${c.kind}`, () => {
      assert.equal(kindOf(c.runtime, c.hasSchedule, c.pins), c.kind);
    });
  }
});
