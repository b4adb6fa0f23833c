import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CGROUP_FILES,
  COMMANDS,
  CONFIG_KEYS,
  DESIGNS,
  DESIGN_NAMES,
  ERRNOS,
  KEYS,
  OTHER_FILES,
  OBSERVABLE_FORMS,
  SLOT_FIELDS,
  CLUSTER_FIELDS,
  TASK_FIELDS,
  DEVICE_FIELDS,
} from '../../server/lang/catalog';
import { DIAGNOSTIC_CODES } from '../../server/lang/diagnostics';
import { Kernel } from '../../server/sim/kernel';
import { KERNEL_VERSIONS } from '../../server/sim/kernel_version';
import { vmstatRows } from '../../server/sim/vfs';
import { run } from './helpers';

const unique = (xs: readonly string[]) => new Set(xs).size === xs.length;

test('command names, options and flag spellings are unique', () => {
  assert.ok(unique(COMMANDS.map((c) => c.name)));
  for (const c of COMMANDS) {
    assert.ok(unique(c.options.map((o) => o.key)), c.name);
    assert.ok(unique(c.flags.flatMap((f) => f.names)), c.name);
    assert.ok(unique(c.flags.map((f) => f.canonical)), c.name);
    assert.ok(c.doc.length > 20 && c.synopsis.startsWith(c.name) && c.kernel.length > 0, c.name);
  }
});

test('every command example in the catalogue checks clean', () => {
  for (const c of COMMANDS) {
    const { diagnostics } = run(c.example);
    assert.deepEqual(
      diagnostics.map((d) => `${d.code} ${d.message}`),
      [],
      `${c.name}: ${c.example}`,
    );
  }
});

test('files: writable ones say how writes parse; every entry is documented', () => {
  for (const f of [...CGROUP_FILES, ...OTHER_FILES]) {
    assert.ok(f.doc.length > 10 && f.kernel.length > 0, f.path);
    if (f.access !== 'ro') assert.ok(f.write !== undefined, `${f.path} needs a write syntax`);
    if (f.write === 'enum') assert.ok((f.values?.length ?? 0) > 0, f.path);
    if (f.write === 'int') assert.ok(f.min !== undefined && f.max !== undefined, f.path);
    if (f.access !== 'wo')
      assert.ok(
        f.unit !== null || f.keys !== undefined || f.name === 'cgroup.procs' || f.name === 'swaps',
        `${f.path} cannot be compared`,
      );
  }
  assert.ok(unique(CGROUP_FILES.map((f) => f.name)));
});

test('keys, fields, errnos, designs and config keys are unique and documented', () => {
  for (const [set, keys] of Object.entries(KEYS)) {
    assert.ok(unique(keys.map((k) => k.name)), set);
    for (const k of keys) assert.ok(k.doc.length > 0, `${set} ${k.name}`);
  }
  for (const fields of [SLOT_FIELDS, CLUSTER_FIELDS, TASK_FIELDS, DEVICE_FIELDS])
    assert.ok(unique(fields.map((f) => f.name)));
  assert.ok(unique(ERRNOS.map((e) => e.name)) && unique(ERRNOS.map((e) => String(e.value))));
  assert.deepEqual(
    DESIGNS.map((d) => d.name),
    [...DESIGN_NAMES],
  );
  for (const d of DESIGNS) assert.ok(unique(d.structures.map((s) => s.name)), d.name);
  assert.ok(unique(CONFIG_KEYS.map((k) => k.key)));
  assert.ok(unique(OBSERVABLE_FORMS.map((o) => o.keyword)));
});

test('diagnostic codes are SS1xx–SS5xx and sorted', () => {
  const codes = Object.keys(DIAGNOSTIC_CODES);
  for (const c of codes) assert.match(c, /^SS[1-5]\d\d$/);
  assert.deepEqual(codes, [...codes].sort());
});

test('the /proc/vmstat keys the checker accepts are the rows the simulator prints, on every release', () => {
  for (const kernel of KERNEL_VERSIONS) {
    const printed = vmstatRows(new Kernel({ ramBytes: 64 * 2 ** 20, kernel })).map(([key]) => key);
    const accepted = KEYS.vmstat.map((k) => k.name);
    assert.deepEqual(
      accepted.filter((key) => !printed.includes(key)),
      [],
      `${kernel}: accepted by the checker, refused at run time`,
    );
    assert.deepEqual(
      printed.filter((key) => !accepted.includes(key)),
      [],
      `${kernel}: printed, refused by the checker`,
    );
  }
});
