/**
 * Markdown for completion items and hovers, built from the catalogue (the
 * one place the language's documentation lives).
 */
import type {
  CommandSpec,
  ConfigKeySpec,
  DesignProfile,
  ErrnoSpec,
  FieldSpec,
  FileSpec,
  FlagSpec,
  KeySpec,
  OptionSpec,
  PositionalSpec,
} from '../lang/catalog';
import { UNIT_DOCS } from '../lang/catalog';
import { KERNEL_DIFFERENCES, kernelBehaviour, type KernelVersion } from '../sim/kernel_version';

export function commandMarkdown(spec: CommandSpec): string {
  const parts = [`**${spec.name}** — \`${spec.synopsis}\``, spec.doc];
  if (spec.kernel !== '') parts.push(`*Kernel:* ${spec.kernel}`);
  if (spec.example !== '') parts.push('```swapsim\n' + spec.example + '\n```');
  return parts.join('\n\n');
}

export function flagMarkdown(spec: CommandSpec, flag: FlagSpec): string {
  const values = flag.values !== undefined ? `\n\nValues: ${flag.values.map((v) => `\`${v}\``).join(', ')}` : '';
  return `**${flag.names.join(', ')}** (${spec.name})\n\n${flag.doc}${values}`;
}

export function optionMarkdown(spec: CommandSpec, option: OptionSpec): string {
  const values = option.values !== undefined ? `\n\nValues: ${option.values.map((v) => `\`${v}\``).join(', ')}` : '';
  return `**${option.key}=** (${spec.name})\n\n${option.doc}${values}`;
}

export function positionalMarkdown(spec: CommandSpec, p: PositionalSpec): string {
  return `**${p.name}** (${spec.name})\n\n${p.doc}`;
}

export function fileMarkdown(spec: FileSpec, path: string): string {
  const access = spec.access === 'ro' ? 'read-only' : spec.access === 'wo' ? 'write-only' : 'read-write';
  const unit =
    spec.unit !== null ? `, ${UNIT_DOCS[spec.unit]}` : spec.keys !== undefined ? ', keyed (`KEY value` lines)' : '';
  const parts = [`**${path}** — ${access}${unit}`, spec.doc];
  if (spec.values !== undefined) parts.push(`Values: ${spec.values.map((v) => `\`${v}\``).join(', ')}`);
  if (spec.defaultValue !== undefined) parts.push(`Default: \`${spec.defaultValue}\``);
  parts.push(`*Kernel:* ${spec.kernel}`);
  return parts.join('\n\n');
}

export function keyMarkdown(file: string, key: KeySpec): string {
  return `**${key.name}** in ${file} — ${UNIT_DOCS[key.unit]}\n\n${key.doc}`;
}

export function fieldMarkdown(what: string, field: FieldSpec): string {
  const values = field.values !== undefined ? `\n\nValues: ${field.values.map((v) => `\`${v}\``).join(', ')}` : '';
  return `**${field.name}** (${what}) — ${UNIT_DOCS[field.unit]}\n\n${field.doc}${values}`;
}

export function errnoMarkdown(e: ErrnoSpec): string {
  return `**${e.name}** (${e.value})\n\n${e.doc}`;
}

export function designMarkdown(d: DesignProfile): string {
  const structures = d.structures.map((s) => `- \`${s.name}\` (${s.kind}): ${s.doc}`).join('\n');
  return `**${d.name}** — ${d.title}\n\n*Status:* ${d.status}\n\n${d.doc}\n\n${structures}`;
}

export function configKeyMarkdown(k: ConfigKeySpec): string {
  return `**config ${k.key}=**${k.syntax}\n\n${k.doc}\n\nDefault: \`${k.defaultValue}\``;
}

/** Hover of a `config kernel=` value: every modelled behaviour under that release, with where it changed. */
export function kernelMarkdown(v: KernelVersion): string {
  const kv = kernelBehaviour(v);
  const rows = KERNEL_DIFFERENCES.map((d) => `| ${d.behaviour} | ${d.show(kv).replace(/\|/g, '\\|')} | ${d.source} |`);
  return [
    `**kernel ${v}** — mainline behaviour simulated (docs/kernels.md)`,
    '',
    '| behaviour | this release | changed by |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}
