// A minimal view for the session tests: starts from a snapshot and applies
// swapsim/delta notifications as the dashboard would, then must equal a
// fresh snapshot.
import assert from 'node:assert/strict';
import type {
  DeviceSummary,
  ExpectResult,
  MemcgSummary,
  SessionDelta,
  SessionSnapshot,
  StepError,
  StepInfo,
} from '../../shared/protocol';
import { flatCounters } from '../../server/session/observe';

export class View {
  seq: number;
  step: StepInfo;
  status: string;
  design: string;
  readonly devices = new Map<number, DeviceSummary>();
  readonly memcgs = new Map<number, MemcgSummary>();
  counters: Record<string, number>;
  expects: ExpectResult[];
  errors: StepError[];
  applied = 0;

  constructor(snapshot: SessionSnapshot) {
    this.seq = snapshot.seq;
    this.step = snapshot.step;
    this.status = snapshot.status;
    this.design = snapshot.design;
    for (const d of snapshot.devices) this.devices.set(d.type, d);
    for (const m of snapshot.memcgs) this.memcgs.set(m.id, m);
    this.counters = flatCounters(snapshot.counters);
    this.expects = [...snapshot.expects];
    this.errors = [...snapshot.errors];
  }

  apply(d: SessionDelta): void {
    assert.ok(d.seq > this.seq, `delta seq ${d.seq} does not follow ${this.seq}`);
    this.seq = d.seq;
    this.step = d.step;
    this.status = d.status;
    this.design = d.design;
    for (const t of d.removedDevices) this.devices.delete(t);
    for (const dev of d.devices) this.devices.set(dev.type, dev);
    for (const id of d.removedMemcgs) this.memcgs.delete(id);
    for (const m of d.memcgs) this.memcgs.set(m.id, m);
    Object.assign(this.counters, d.counters);
    if (d.rewound) {
      this.expects = [...d.expects];
      this.errors = [...d.errors];
    } else {
      this.expects.push(...d.expects);
      this.errors.push(...d.errors);
    }
    this.applied++;
  }

  /** Apply every delta of `uri` newer than what the view has. */
  catchUp(deltas: readonly SessionDelta[], uri: string): void {
    for (const d of deltas) if (d.uri === uri && d.seq > this.seq) this.apply(d);
  }

  assertMatches(snapshot: SessionSnapshot, what: string): void {
    assert.equal(this.seq, snapshot.seq, `${what}: seq`);
    assert.deepEqual(this.step, snapshot.step, `${what}: step`);
    assert.equal(this.status, snapshot.status, `${what}: status`);
    assert.deepEqual(
      [...this.devices.values()].sort((a, b) => a.type - b.type),
      snapshot.devices,
      `${what}: devices`,
    );
    assert.deepEqual(
      [...this.memcgs.values()].sort((a, b) => a.id - b.id),
      [...snapshot.memcgs].sort((a, b) => a.id - b.id),
      `${what}: memcgs`,
    );
    const snap = flatCounters(snapshot.counters);
    for (const key of new Set([...Object.keys(snap), ...Object.keys(this.counters)])) {
      assert.equal(this.counters[key] ?? 0, snap[key] ?? 0, `${what}: counter ${key}`);
    }
    assert.deepEqual(this.expects, snapshot.expects, `${what}: expects`);
    assert.deepEqual(this.errors, snapshot.errors, `${what}: errors`);
  }
}
