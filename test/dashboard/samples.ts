// Protocol values for the DOM-free tests: a small snapshot and a delta builder.
import type { SessionDelta, SessionSnapshot } from '../../shared/protocol';

const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 9 } };

export const snapshot: SessionSnapshot = {
  uri: 'file:///s.swapsim',
  seq: 3,
  status: 'ready',
  design: 'p4',
  pageSize: 4096,
  clusterSlots: 512,
  step: { index: 2, total: 9, range, next: range },
  devices: [
    {
      type: 0,
      path: '/dev/vda2',
      typeName: 'partition',
      kind: 'partition',
      prio: -2,
      maxSlots: 16384,
      pages: 16383,
      inuse: 10,
      clusters: 32,
      clusterSlots: 512,
      lists: { free: 31, nonfull: 1, frag: 0, full: 0, discard: 0 },
      solidState: true,
      synchronousIo: false,
      onAvailList: true,
      swapoffInProgress: false,
    },
  ],
  memcgs: [
    {
      id: 1,
      path: '/',
      parentId: null,
      online: true,
      current: 0,
      max: null,
      high: null,
      peak: 0,
      swapCurrent: 40960,
      swapMax: null,
      swapHigh: null,
      swapPeak: 40960,
      zswapCurrent: 0,
      zswapMax: null,
      zswapWriteback: true,
      events: { low: 0, high: 0, max: 0, oom: 0, oom_kill: 0 },
      swapEvents: { max: 0, fail: 0 },
      tasks: ['web'],
    },
  ],
  counters: {
    swaps: [{ Filename: '/dev/vda2', Type: 'partition', Size: 65532, Used: 40, Priority: -2 }],
    free: { total: 65532, used: 40, free: 65492 },
    meminfo: { SwapTotal: 65532, SwapFree: 65492 },
    vmstat: { pswpout: 10, pswpin: 0 },
    mthp: { 'hugepages-64kB': { swpout: 0 } },
    zswap: { stored_pages: 0 },
  },
  expects: [],
  errors: [],
};

export function delta(over: Partial<SessionDelta> = {}): SessionDelta {
  return {
    uri: snapshot.uri,
    seq: 4,
    status: 'ready',
    design: 'p4',
    step: { index: 3, total: 9, range, next: range },
    devices: [],
    removedDevices: [],
    clusters: [{ type: 0, cluster: 1, list: 'nonfull', order: 0, count: 3, hasTable: true }],
    clustersOverflow: [],
    changedSlots: { 0: 3 },
    memcgs: [],
    removedMemcgs: [],
    counters: { 'vmstat.pswpout': 13, 'swaps./dev/vda2.Used': 52 },
    events: [{ id: 40, step: 3, kind: 'swapout', type: 0, offset: 600, nr: 3, text: 'swapout 3 page(s)' }],
    eventsTotal: 41,
    expects: [],
    errors: [],
    rewound: false,
    ...over,
  };
}
