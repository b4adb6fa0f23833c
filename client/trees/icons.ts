// Which codicon and theme colour stands for each state, in one place so the
// trees, the legend in the docs and the dashboard's colours stay consistent.
import type { ClusterListName, DeviceSummary, SlotBacking } from '../../shared/protocol';

export interface IconSpec {
  readonly icon: string;
  readonly color?: string;
}

export const DEVICE_ICONS: Record<DeviceSummary['kind'], IconSpec> = {
  partition: { icon: 'database' },
  file: { icon: 'file-binary' },
  zram: { icon: 'zap' },
  ghost: { icon: 'eye-closed' },
  vswap: { icon: 'layers' },
};

export const CLUSTER_ICONS: Record<ClusterListName, IconSpec> = {
  free: { icon: 'circle-large-outline', color: 'disabledForeground' },
  nonfull: { icon: 'circle-large-filled', color: 'charts.green' },
  frag: { icon: 'circle-large-filled', color: 'charts.orange' },
  full: { icon: 'circle-large-filled', color: 'charts.red' },
  discard: { icon: 'trash', color: 'charts.yellow' },
  // On no list: a per-CPU (or device-wide) allocation cursor owns it.
  none: { icon: 'pinned', color: 'charts.blue' },
  dead: { icon: 'circle-slash', color: 'disabledForeground' },
};

export const SLOT_ICONS: Record<SlotBacking, IconSpec> = {
  free: { icon: 'circle-small', color: 'disabledForeground' },
  cached: { icon: 'file', color: 'charts.blue' },
  'cached-dirty': { icon: 'file', color: 'charts.orange' },
  zero: { icon: 'circle-outline', color: 'charts.yellow' },
  zswap: { icon: 'file-zip', color: 'charts.purple' },
  disk: { icon: 'database', color: 'charts.green' },
  bad: { icon: 'error', color: 'errorForeground' },
  pointer: { icon: 'arrow-right', color: 'charts.blue' },
  header: { icon: 'symbol-file', color: 'descriptionForeground' },
};
