/**
 * CONFIG_DEBUG_VM for the simulator: the preconditions that mm/ states as
 * VM_BUG_ON()/VM_WARN_ON() (and our comments state in prose) are checked at
 * the entry of the cluster-list and swap-cache primitives.
 *
 * On in the test suite and in debug builds (SWAPSIM_DEBUG_VM=1 in the
 * environment of the language server or the CLI); off otherwise, where each
 * check costs one branch. A failed check throws a VmBug, which the session
 * reports as an internal error naming the statement that was running.
 */
export class VmBug extends Error {
  override readonly name = 'VmBug';
}

const fromEnvironment = typeof process !== 'undefined' && process.env['SWAPSIM_DEBUG_VM'] === '1';

export const debugVm = { enabled: fromEnvironment };

/**
 * VM_BUG_ON(): throw when `condition` holds and checks are on. `what` is a
 * constant naming the broken rule and the kernel function that states it;
 * `detail` runs only when the check fires.
 */
export function vmBugOn(condition: boolean, what: string, detail?: () => string): void {
  if (condition && debugVm.enabled) throw new VmBug(detail ? `${what}: ${detail()}` : what);
}

/**
 * A value the caller's precondition says is there (a cluster's table, a
 * slot's cluster). Unlike vmBugOn() this is always checked: going on
 * without the value would only fail later, further from the cause.
 */
export function mustExist<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new VmBug(what);
  return value;
}
