/**
 * Which kernel object a piece of state belongs to: a cluster's table
 * arrays belong to the cluster, a VMA's PTE array to the VMA, a memcg's
 * page counters and LRU lists to the memcg. The journal records writes by
 * the array or object written; this map turns them into the objects a step
 * changed, for deltas (which clusters changed) and for the incremental
 * invariant checks (invariants_local.ts). Not kernel state.
 *
 * Rule for new state: a sub-object or typed array that lives inside a
 * kernel object registers itself here when it is created, so that writes
 * to it count as writes to its owner.
 */
const owners = new WeakMap<object, object>();

/** Record that `part` belongs to `owner`; returns `part`. */
export function ownedBy<T extends object>(part: T, owner: object): T {
  owners.set(part, owner);
  return part;
}

/** The object `part` belongs to, or undefined when it is not registered. */
export function ownerOf(part: object): object | undefined {
  return owners.get(part);
}
