/**
 * Hover: the catalogue's documentation for commands, flags, files, keys and
 * errnos (with the kernel function each models); sizes converted to bytes,
 * pages, slots and clusters of the configured geometry; devices, cgroups and
 * tasks with their live values when the document has a session.
 */
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { findDesign } from '../lang/catalog';
import type { ScenarioConfig } from '../lang/index';
import { parseSize } from '../lang/units';
import { resolveFile } from '../lang/check/paths';
import type { SessionApi } from '../session/api';
import type { Analysis } from './analysis';
import * as docs from './docs';
import { formatBytes, formatCount, formatLimit } from '../../shared/format';
import { regionName, type NameOccurrence } from './names';
import { wordAt, type RoledWord } from './roles';

/** Bytes, pages, slots and clusters of a size literal under the scenario's geometry. */
export function sizeMarkdown(text: string, config: ScenarioConfig): string | null {
  const parsed = parseSize(text);
  if (!parsed.ok) return null;
  const bytes = parsed.kind === 'bytes' ? parsed.bytes : parsed.pages * config.pageSize;
  const pages = bytes / config.pageSize;
  const clusters = pages / config.clusterSlots;
  const lines = [
    `**${text}** = ${formatCount(bytes)} bytes (${formatBytes(bytes)})`,
    '',
    `| page size ${config.pageSize / 1024}K | cluster ${formatCount(config.clusterSlots)} slots |`,
    '| --- | --- |',
    `| ${formatCount(pages)} pages = ${formatCount(pages)} slots | ${formatCount(clusters)} clusters |`,
  ];
  if (parsed.kind === 'bytes' && parsed.unit === null) lines.push('', '*No unit: bytes.*');
  return lines.join('\n');
}

function fileHover(path: string, config: ScenarioConfig): string | null {
  const resolved = resolveFile(path, config.pageSize, config.pmdOrder);
  return resolved.ok ? docs.fileMarkdown(resolved.value.spec, resolved.value.ref.path) : null;
}

function roleMarkdown(w: RoledWord, config: ScenarioConfig): string | null {
  const r = w.role;
  switch (r.role) {
    case 'verb':
      return docs.commandMarkdown(r.command);
    case 'keyword':
      return r.doc;
    case 'flag':
      return docs.flagMarkdown(r.command, r.flag);
    case 'option':
      return docs.optionMarkdown(r.command, r.option);
    case 'config-key':
      return r.key === undefined ? null : docs.configKeyMarkdown(r.key);
    case 'file':
      return fileHover(r.path, config);
    case 'errno':
      return r.errno === undefined ? null : docs.errnoMarkdown(r.errno);
    case 'key':
      return r.key === undefined ? null : docs.keyMarkdown(r.file, r.key);
    case 'field':
      return r.field === undefined ? null : docs.fieldMarkdown(r.what, r.field);
    case 'design':
      return r.design === undefined ? null : docs.designMarkdown(r.design);
    case 'kernel':
      return r.kernel === undefined ? null : docs.kernelMarkdown(r.kernel);
    case 'structure': {
      const s = findDesign(r.design)?.structures.find((x) => x.name === w.text);
      return s === undefined ? null : `**${s.name}** (${s.kind} structure of ${r.design})\n\n${s.doc}`;
    }
    case 'size':
      return sizeMarkdown(w.text, config);
    case 'enum':
      return r.doc === '' ? null : r.doc;
    case 'argument':
      if (r.option !== null) return docs.optionMarkdown(r.command, r.option);
      if (r.positional !== null) return docs.positionalMarkdown(r.command, r.positional);
      return null;
    default:
      return null;
  }
}

function definitionNote(analysis: Analysis, o: NameOccurrence): string {
  const def = analysis.names.definition(o.kind, o.key);
  const uses = analysis.names.all(o.kind, o.key).length;
  const where =
    def === undefined
      ? 'not created in this scenario'
      : `${o.kind === 'variable' ? 'set' : o.kind === 'fd' ? 'opened' : 'created'} on line ${def.range.start.line + 1}`;
  return `${where}; ${uses} occurrence${uses === 1 ? '' : 's'}`;
}

function nameMarkdown(analysis: Analysis, o: NameOccurrence, session: SessionApi | undefined): string {
  const config = analysis.result.checked.config;
  const note = definitionNote(analysis, o);
  switch (o.kind) {
    case 'device': {
      const lines = [`**${o.key}** — swap area (${note})`];
      const d = session?.device(o.key) ?? null;
      if (d !== null) {
        const kib = config.pageSize / 1024;
        lines.push(
          '',
          `${d.kind}, priority ${d.prio}, ${formatCount(d.pages)} usable slots (${formatBytes(d.pages * config.pageSize)}), ${formatCount(d.inuse)} in use (${formatBytes(d.inuse * config.pageSize)})`,
          '',
          `clusters ${formatCount(d.clusters)}: free ${formatCount(d.lists.free)}, nonfull ${formatCount(d.lists.nonfull)}, frag ${formatCount(d.lists.frag)}, full ${formatCount(d.lists.full)}, discard ${formatCount(d.lists.discard)}`,
          '',
          '```',
          'Filename\tType\tSize\tUsed\tPriority',
          `${d.path}\t${d.typeName}\t${d.pages * kib}\t${d.inuse * kib}\t${d.prio}`,
          '```',
        );
      } else if (session !== undefined) {
        lines.push('', '*Not active at the current step.*');
      }
      return lines.join('\n');
    }
    case 'cgroup': {
      const lines = [`**${o.key === '/' ? '/sys/fs/cgroup' : `/sys/fs/cgroup${o.key}`}** — cgroup (${note})`];
      const m = session?.memcg(o.key) ?? null;
      if (m !== null) {
        lines.push(
          '',
          `memory.current ${formatBytes(m.current)} / memory.max ${formatLimit(m.max)}`,
          '',
          `swap.current ${formatBytes(m.swapCurrent)} / swap.max ${formatLimit(m.swapMax)} (peak ${formatBytes(m.swapPeak)})`,
          '',
          `zswap.current ${formatBytes(m.zswapCurrent)} / zswap.max ${formatLimit(m.zswapMax)}${m.zswapWriteback ? '' : ', memory.zswap.writeback 0'}`,
        );
        if (!m.online) lines.push('', '*Offline (removed, still charged by swap entries).*');
        if (m.tasks.length > 0) lines.push('', `tasks: ${m.tasks.join(', ')}`);
      } else if (session !== undefined) {
        lines.push('', '*Does not exist at the current step.*');
      }
      return lines.join('\n');
    }
    case 'task': {
      const lines = [`**${o.key}** — task (${note})`];
      const t = session?.task(o.key) ?? null;
      if (t !== null) {
        lines.push(
          '',
          `${t.state}, cgroup ${t.cgroup}`,
          '',
          `rss ${formatCount(t.rss)} pages (${formatBytes(t.rss * config.pageSize)}), swapents ${formatCount(t.swapents)} (${formatBytes(t.swapents * config.pageSize)})`,
        );
      }
      return lines.join('\n');
    }
    case 'variable': {
      const lines = [`**$${o.key}** — variable (${note})`];
      const v = session?.variable(o.key);
      if (v !== undefined) lines.push('', `now: \`${String(v)}\``);
      else if (session !== undefined) lines.push('', '*Not set at the current step.*');
      return lines.join('\n');
    }
    case 'fd': {
      const def = analysis.names.definition('fd', o.key);
      return `**&${o.key}** — open file (${note})${def === undefined ? '' : `\n\nRead with \`cat &${o.key}\` or \`expect &${o.key} …\`, write with \`echo … > &${o.key}\`.`}`;
    }
    case 'region':
      return `**${regionName(o.key)}** — region of task ${o.key.slice(0, o.key.indexOf('\u0000'))} (${note})`;
  }
}

export function hover(analysis: Analysis, position: Position, session: SessionApi | undefined): Hover | null {
  const name = analysis.names.at(position);
  if (name !== undefined) {
    return { contents: { kind: MarkupKind.Markdown, value: nameMarkdown(analysis, name, session) }, range: name.range };
  }
  const stmt = analysis.statementAt(position.line);
  if (stmt === undefined) return null;
  const config = analysis.result.checked.config;
  const w = wordAt(stmt, config, position.line, position.character);
  if (w === undefined) return null;
  const value = roleMarkdown(w, config);
  return value === null ? null : { contents: { kind: MarkupKind.Markdown, value }, range: w.range };
}
