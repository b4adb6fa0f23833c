import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { debugVm, mustExist, VmBug, vmBugOn } from '../../server/sim/debug_vm';
import { Session } from '../../server/session/session';

// npm test turns the checks on for every test (scripts/test.mjs sets
// SWAPSIM_DEBUG_VM=1); this file turns them on itself, so it also runs alone.
before(() => {
  debugVm.enabled = true;
});

test('vmBugOn() throws only when checks are on; the detail is built only when it fires', () => {
  let built = 0;
  const detail = (): string => {
    built++;
    return 'cluster 3 count 7';
  };
  vmBugOn(false, 'free_cluster(): the cluster still has used slots', detail);
  assert.equal(built, 0);
  assert.throws(
    () => vmBugOn(true, 'free_cluster(): the cluster still has used slots', detail),
    (e: unknown) =>
      e instanceof VmBug && e.message === 'free_cluster(): the cluster still has used slots: cluster 3 count 7',
  );
  debugVm.enabled = false;
  try {
    vmBugOn(true, 'off', detail);
  } finally {
    debugVm.enabled = true;
  }
  assert.equal(built, 1);
  assert.throws(() => mustExist(undefined, 'no table'), VmBug);
  assert.equal(mustExist(0, 'zero is a value'), 0);
});

test('the cluster primitives check their preconditions: freeing more slots than a cluster holds', () => {
  const s = new Session(
    'mem:vmbug',
    'config ram=64M\nswapon /dev/vda size=16M\ntask t\nmmap t heap 1M populate\npageout t heap\n',
  );
  s.run();
  const k = s.machine;
  const si = k.swap.swapInfo[0]!;
  const ci = si.clusters().find((c) => c.count > 1);
  assert.ok(ci, 'the pageout filled a cluster');
  assert.throws(
    () => k.swap.freeEntries(si, ci, 0, ci.count + 1),
    (e: unknown) =>
      e instanceof VmBug &&
      /^__swap_cluster_free_entries\(\): more slots than the cluster holds: \/dev\/vda cluster 0 count 257, freeing 258 at 0$/.test(
        e.message,
      ),
  );
});
