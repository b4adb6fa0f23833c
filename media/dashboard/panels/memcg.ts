/**
 * Memory cgroups as a tree: per cgroup, bars for memory.current,
 * memory.swap.current and memory.zswap.current against their max (and a
 * mark at high), the event files, and whether it is a zombie (removed but
 * still pinned, typically by swap entries charged to it).
 */
import type { MemcgSummary } from '../../../shared/protocol';
import { h, replaceChildren } from '../dom';
import { formatBytes, formatLimit, formatPercent } from '../../../shared/format';

function bar(
  id: string,
  label: string,
  current: number,
  max: number | null,
  high: number | null,
  peak: number,
): HTMLElement {
  // An unlimited cgroup is scaled to what it has used at most, so the bar still says something.
  const scale = max ?? Math.max(peak, current, high ?? 0, 1);
  const fraction = Math.min(1, current / scale);
  const text = `${label}: ${formatBytes(current)} of ${formatLimit(max)}${high !== null ? `, high ${formatBytes(high)}` : ''}${max !== null ? ` (${formatPercent(fraction)})` : ''}`;
  const fill = h('span', { class: 'bar-fill' });
  fill.style.width = `${fraction * 100}%`;
  const track = h(
    'span',
    {
      class: `bar${max !== null && current >= max ? ' at-limit' : ''}`,
      role: 'meter',
      'aria-label': label,
      'aria-valuemin': 0,
      'aria-valuemax': Math.round(scale),
      'aria-valuenow': Math.round(current),
      'aria-valuetext': text,
    },
    fill,
  );
  if (high !== null && high < scale) {
    const mark = h('span', { class: 'bar-high', title: `high: ${formatBytes(high)}` });
    mark.style.left = `${(high / scale) * 100}%`;
    track.append(mark);
  }
  return h(
    'div',
    { class: 'bar-row', 'data-bar': id },
    h('span', { class: 'bar-label' }, label),
    track,
    h('span', { class: 'bar-value' }, `${formatBytes(current)} / ${formatLimit(max)}`),
  );
}

/** A cgroup event file as the kernel prints it: one "name value" per line. */
function eventFile(name: string, events: Record<string, number>): HTMLElement {
  const entries = Object.entries(events);
  return h(
    'div',
    { class: 'kfile small', 'data-file': name },
    h('div', { class: 'kfile-name' }, name),
    ...entries.map(([key, value]) => h('div', { class: `kline${value > 0 ? ' nonzero' : ''}` }, `${key} ${value}`)),
  );
}

export class MemcgPanel {
  readonly element: HTMLElement;
  private readonly tree: HTMLElement;

  constructor() {
    this.tree = h('ul', { class: 'memcg-tree', id: 'memcg-tree', 'aria-label': 'Memory cgroups' });
    this.element = h('div', { class: 'memcg-panel' }, this.tree);
  }

  render(memcgs: Iterable<MemcgSummary>): void {
    const all = [...memcgs];
    const children = new Map<number | null, MemcgSummary[]>();
    const ids = new Set(all.map((m) => m.id));
    for (const m of all) {
      // A parent that is not listed (should not happen) puts the child at the top level.
      const parent = m.parentId !== null && ids.has(m.parentId) ? m.parentId : null;
      const list = children.get(parent) ?? [];
      list.push(m);
      children.set(parent, list);
    }
    const build = (parent: number | null, depth: number): HTMLElement[] =>
      (children.get(parent) ?? [])
        .sort((a, b) => a.path.localeCompare(b.path))
        .map((m) => {
          const kids = build(m.id, depth + 1);
          const item = this.node(m);
          if (kids.length > 0) item.append(h('ul', { class: 'memcg-children' }, ...kids));
          return item;
        });
    const roots = build(null, 0);
    if (roots.length === 0) replaceChildren(this.tree, h('li', { class: 'hint' }, 'No memory cgroups yet.'));
    else replaceChildren(this.tree, ...roots);
  }

  private node(m: MemcgSummary): HTMLElement {
    const name = m.path === '/' ? '/ (root)' : m.path;
    const state = m.online
      ? null
      : h(
          'span',
          { class: 'tag zombie', title: 'Removed (offline) but still pinned, e.g. by swap entries charged to it' },
          'zombie',
        );
    const root = m.path === '/';
    return h(
      'li',
      {
        class: `memcg${m.online ? '' : ' offline'}`,
        'data-memcg': m.path,
        'aria-label': `${name}${m.online ? '' : ', zombie'}`,
      },
      h(
        'div',
        { class: 'memcg-head' },
        h('strong', {}, name),
        state,
        m.tasks.length > 0 ? h('span', { class: 'tasks' }, `tasks: ${m.tasks.join(', ')}`) : null,
      ),
      h(
        'div',
        { class: 'bars' },
        bar('memory', 'memory.current', m.current, root ? null : m.max, root ? null : m.high, m.peak),
        bar(
          'swap',
          'memory.swap.current',
          m.swapCurrent,
          root ? null : m.swapMax,
          root ? null : m.swapHigh,
          m.swapPeak,
        ),
        bar('zswap', 'memory.zswap.current', m.zswapCurrent, root ? null : m.zswapMax, null, m.zswapCurrent),
      ),
      h(
        'div',
        { class: 'memcg-files' },
        eventFile('memory.events', m.events),
        eventFile('memory.swap.events', m.swapEvents),
        h(
          'div',
          { class: 'kfile small' },
          h('div', { class: 'kfile-name' }, 'peaks'),
          h('div', { class: 'kline' }, `memory.peak ${m.peak}`),
          h('div', { class: 'kline' }, `memory.swap.peak ${m.swapPeak}`),
          h('div', { class: 'kline' }, `memory.zswap.writeback ${m.zswapWriteback ? 1 : 0}`),
        ),
      ),
    );
  }
}
