/**
 * Machine geometry: page size, cluster size, orders, limits.
 * Models the compile-time constants of include/linux/swap.h, mm/swap.h and
 * include/linux/swapops.h (docs/kernel-model.md §1).
 */
import { fail } from './errno';

export interface GeometryConfig {
  /** PAGE_SIZE in bytes: 4096, 16384 or 65536. */
  pageSize?: number;
  /** SWAPFILE_CLUSTER; defaults to HPAGE_PMD_NR for the page size (THP swap on). */
  clusterSlots?: number;
  /** CONFIG_THP_SWAP. When off, SWAPFILE_CLUSTER is 256 and only order 0 exists. */
  thpSwap?: boolean;
  /** MAX_SWAPFILES usable swap types (24 with every special entry type configured). */
  maxSwapfiles?: number;
  /** Number of CPUs (for the per-CPU cluster caches). */
  cpus?: number;
  /** Machine RAM in bytes. */
  ramBytes?: number;
}

export interface Geometry {
  readonly pageSize: number;
  readonly pageShift: number;
  readonly clusterSlots: number;
  readonly clusterShift: number;
  /** SWAP_NR_ORDERS: PMD_ORDER + 1 with THP swap, else 1. */
  readonly nrOrders: number;
  /** PMD_ORDER: the order of a PMD-sized folio (9 on x86-64). */
  readonly pmdOrder: number;
  readonly thpSwap: boolean;
  readonly maxSwapfiles: number;
  readonly cpus: number;
  readonly ramPages: number;
}

/** SWP_TYPE_SHIFT on 64-bit: BITS_PER_XA_VALUE (63) - MAX_SWAPFILES_SHIFT (5). */
export const SWP_TYPE_SHIFT = 58;
export const MAX_SWAPFILES_SHIFT = 5;
/** Default MAX_SWAPFILES: 32 minus device-private(3), migration(3), hwpoison(1), pte marker(1). */
export const DEFAULT_MAX_SWAPFILES = 24;
/** si->max is an unsigned int: at most 2^32 - 1 slots per device. */
export const MAX_DEVICE_SLOTS = 0xffffffff;

const log2 = (n: number): number => Math.round(Math.log2(n));
const isPow2 = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export function makeGeometry(cfg: GeometryConfig = {}): Geometry {
  const pageSize = cfg.pageSize ?? 4096;
  if (![4096, 16384, 65536].includes(pageSize)) fail('EINVAL', `page size ${pageSize} is not 4K, 16K or 64K`);
  const pageShift = log2(pageSize);
  // HPAGE_PMD_NR: one page of PTEs (8 bytes each) maps PAGE_SIZE/8 pages.
  const pmdPages = pageSize / 8;
  const thpSwap = cfg.thpSwap ?? (cfg.clusterSlots === undefined || cfg.clusterSlots === pmdPages);
  const clusterSlots = cfg.clusterSlots ?? (thpSwap ? pmdPages : 256);
  if (!isPow2(clusterSlots) || clusterSlots < 64 || clusterSlots > 8192) {
    fail('EINVAL', `cluster size ${clusterSlots} must be a power of two between 64 and 8192`);
  }
  if (thpSwap && clusterSlots !== pmdPages) {
    fail('EINVAL', `with THP swap the cluster must be HPAGE_PMD_NR (${pmdPages}) slots, not ${clusterSlots}`);
  }
  const pmdOrder = log2(pmdPages);
  const maxSwapfiles = cfg.maxSwapfiles ?? DEFAULT_MAX_SWAPFILES;
  if (!Number.isInteger(maxSwapfiles) || maxSwapfiles < 1 || maxSwapfiles > 32) {
    fail('EINVAL', `max_swapfiles ${maxSwapfiles} outside 1..32`);
  }
  const cpus = cfg.cpus ?? 4;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 1024) fail('EINVAL', `cpus ${cpus} outside 1..1024`);
  const ramBytes = cfg.ramBytes ?? 4 * 1024 ** 3;
  const ramPages = Math.floor(ramBytes / pageSize);
  if (ramPages < 1024) fail('EINVAL', `RAM of ${ramBytes} bytes is below 1024 pages`);
  if (ramPages > 2 ** 25) fail('E2BIG', `RAM of ${ramBytes} bytes exceeds the simulator's 2^25-page limit`);
  return {
    pageSize,
    pageShift,
    clusterSlots,
    clusterShift: log2(clusterSlots),
    nrOrders: thpSwap ? pmdOrder + 1 : 1,
    pmdOrder,
    thpSwap,
    maxSwapfiles,
    cpus,
    ramPages,
  };
}
