/** Shared helpers for the memcg, zswap and zeromap tests. */
import assert from 'node:assert/strict';
import '../../server/sim/invariants';
import { checkInvariants } from '../../server/sim/invariants';
import { KernelError, type ErrnoName } from '../../server/sim/errno';
import { Kernel, type KernelConfig } from '../../server/sim/kernel';
import { compressedSize, decodeContent, encodeContent, type ContentSpec } from '../../server/sim/content';
import { pteEntry, pteIsSwap } from '../../server/sim/mm';
import { swpOffset, swpType, type SwpEntry } from '../../server/sim/swap_entry';
import { readValue } from '../../server/sim/vfs';

export const KiB = 1024;
export const MiB = 2 ** 20;
export const PAGE = 4096;

/** A machine with the invariant checker on after every operation. */
export function machine(cfg: KernelConfig = {}): Kernel {
  return new Kernel({ ramBytes: 64 * MiB, checkInvariants: true, ...cfg });
}

export function assertClean(k: Kernel): void {
  assert.deepEqual(checkInvariants(k), []);
}

export function throwsErrno(fn: () => unknown, errno: ErrnoName): void {
  assert.throws(fn, (e: unknown) => e instanceof KernelError && e.errno === errno, `expected ${errno}`);
}

/** A numeric file value (bytes, kB, pages or a count). */
export function num(k: Kernel, path: string, key?: string): number {
  const v = readValue(k, path, key);
  assert.equal(typeof v, 'number', `${path} ${key ?? ''} is ${String(v)}`);
  return v as number;
}

export const ZERO: ContentSpec = [{ content: { kind: 'zero' }, percent: 100 }];
export const INCOMPRESSIBLE: ContentSpec = [{ content: { kind: 'incompressible' }, percent: 100 }];
export const compressible = (ratio: number): ContentSpec => [
  { content: { kind: 'compressible', ratio }, percent: 100 },
];

export const pages = (bytes: number): number => bytes / PAGE;

/** The swap entry a task's PTE holds, or null when the page is not swapped out. */
export function swapEntryOf(k: Kernel, task: string, region: string, idx: number): SwpEntry | null {
  const p = k.vma(task, region).pte[idx]!;
  return pteIsSwap(p) ? pteEntry(p) : null;
}

/** The device and offset behind a swapped-out page. */
export function slotOf(k: Kernel, task: string, region: string, idx: number): { type: number; offset: number } {
  const e = swapEntryOf(k, task, region, idx);
  assert.ok(e !== null, `${task}:${region}[${idx}] is not swapped out`);
  return { type: swpType(e), offset: swpOffset(e) };
}

/** Bytes zswap stores for a page of this ratio (the content code keeps the ratio to 1/254). */
export function zswapLength(ratio: number): number {
  return compressedSize(decodeContent(encodeContent({ kind: 'compressible', ratio })), PAGE);
}
