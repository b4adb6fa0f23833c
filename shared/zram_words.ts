/**
 * The words every view uses for what a zram device holds for a slot
 * (tree tooltips, the dashboard's slot inspector and cluster map).
 */
import type { ZramSlot } from './protocol';

/** `pageSize` adds the share of a page a compressed object takes. */
export function describeZramSlot(z: ZramSlot, pageSize?: number): string {
  const idle = z.idle ? ', idle' : '';
  switch (z.state) {
    case 'empty':
      return 'nothing stored';
    case 'same':
      return `same-filled: one repeated word, no memory${idle}`;
    case 'huge':
      return `huge: stored uncompressed, ${z.size.toLocaleString('en')} B${idle}`;
    case 'written-back':
      return `on the backing device, no memory${idle}`;
    case 'compressed':
      return `compressed to ${z.size.toLocaleString('en')} B${pageSize ? ` (${Math.round((z.size / pageSize) * 100)}% of a page)` : ''}${idle}`;
  }
}
