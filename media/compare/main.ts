/**
 * The Compare Designs view (bundled to dist/media/compare.js): the
 * comparison of shared/compare_report.ts as tables, the choice of step
 * (the end of the run, as `swapsim compare` does by default, or the
 * session's current step), and the Markdown and CSV exports. Everything is
 * built with DOM calls; nothing from the host is parsed as HTML.
 */
import { compareReport, type CompareReport } from '../../shared/compare_report';
import type { CompareAt, CompareViewToHost, HostToCompareView } from '../../shared/protocol';
import { parseHostToCompareView } from '../../shared/validate';
import { byId, h, replaceChildren } from '../dashboard/dom';
import { divergenceLine, reportTable } from './tables';

interface VsCodeApi {
  postMessage(message: CompareViewToHost): void;
}
declare const acquireVsCodeApi: () => VsCodeApi;

const vscode = acquireVsCodeApi();
const send = (message: CompareViewToHost): void => vscode.postMessage(message);

let at: CompareAt = 'end';

function radio(value: CompareAt, label: string): HTMLElement {
  const input = h('input', { type: 'radio', name: 'at', id: `at-${value}`, value, checked: value === at });
  input.addEventListener('change', () => {
    if (!(input as HTMLInputElement).checked) return;
    at = value;
    send({ type: 'compareAt', at: value });
  });
  return h('label', { for: `at-${value}`, class: 'choice' }, input, label);
}

function button(id: string, label: string, onClick: () => void): HTMLElement {
  const b = h('button', { id, type: 'button' }, label);
  b.addEventListener('click', onClick);
  return b;
}

function render(scenario: string, report: CompareReport, command: string): void {
  const app = byId('app');
  app.removeAttribute('aria-busy');
  const where = at === 'end' ? `at the end of the run (step ${report.step})` : `at the current step (${report.step})`;
  replaceChildren(
    app,
    h(
      'header',
      { class: 'topbar' },
      h('h1', {}, `Designs compared — ${scenario}`),
      h(
        'div',
        { class: 'controls', role: 'radiogroup', 'aria-label': 'Compare at' },
        radio('end', 'End of the run'),
        radio('current', 'Current step'),
      ),
      h(
        'div',
        { class: 'controls', role: 'group', 'aria-label': 'Export' },
        button('export-markdown', 'Export Markdown', () => send({ type: 'export', format: 'markdown' })),
        button('export-csv', 'Export CSV', () => send({ type: 'export', format: 'csv' })),
      ),
    ),
    h('p', { id: 'banner', class: 'banner', role: 'status', hidden: true }),
    h('p', { class: 'where' }, `Compared ${where}. The same figures: `, h('code', { id: 'cli-command' }, command)),
    report.designs.length === 0 ? h('p', {}, 'No design could run this scenario.') : null,
    // What a reviewer asks first: do the designs behave alike, and where do they part? Then what each costs.
    divergenceLine('divergence', report),
    report.designs.length === 0
      ? null
      : reportTable('behaviour', `Behaviour ${where}`, [''], report.behaviour, report.designs, true, false),
    report.notes.length === 0 ? null : h('ul', { id: 'notes' }, ...report.notes.map((n) => h('li', {}, n))),
    report.designs.length === 0
      ? null
      : reportTable(
          'metadata',
          `Swap metadata ${where}`,
          ['structure', 'kind'],
          [...report.structures, ...report.totals],
          report.designs,
          false,
          true,
        ),
  );
}

function banner(text: string, action?: { label: string; run: () => void }): void {
  let el = document.getElementById('banner');
  if (el === null) {
    el = h('p', { id: 'banner', class: 'banner', role: 'status' });
    replaceChildren(byId('app'), el);
  }
  replaceChildren(el, text, action === undefined ? null : button('banner-action', action.label, action.run));
  el.hidden = false;
}

function handle(message: HostToCompareView): void {
  switch (message.type) {
    case 'busy':
      at = message.at;
      banner(
        `Comparing ${message.scenario} ${message.at === 'end' ? 'at the end of the run' : `at step ${message.step}`}…`,
      );
      return;
    case 'report':
      at = message.at;
      render(message.scenario, compareReport(message.result), message.command);
      return;
    case 'stale':
      banner(`The session moved to step ${message.step}: this comparison is of another step. `, {
        label: `Compare at step ${message.step}`,
        run: () => send({ type: 'compareAt', at: 'current' }),
      });
      return;
    case 'failed':
      banner(`Could not compare: ${message.message}`);
      return;
  }
}

let warned = false;
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = parseHostToCompareView(event.data);
  if (!parsed.ok) {
    if (!warned) console.warn(`swapsim compare: ignored a malformed message from the host: ${parsed.error}`);
    warned = true;
    return;
  }
  handle(parsed.value);
});
send({ type: 'ready' });
