/**
 * Timeline: a scrubber over the scenario's steps (moving it moves the
 * session with `swapsim/gotoStep`), marks where expectations failed or the
 * kernel returned an error, and the events of the recent steps, grouped by
 * step, each group a way back to its step.
 */
import type { WireEvent } from '../../../shared/protocol';
import { h, replaceChildren } from '../dom';
import { formatCount } from '../../../shared/format';
import type { Rpc } from '../rpc';
import type { SessionStore } from '../store';
import { uiButton } from '../ui-toolkit';

export interface TimelineHost {
  rpc: Rpc;
  /** Move the session; resolves when the step is reached. */
  gotoStep(step: number): Promise<void>;
}

const SHOWN_STEPS = 60;
/** Events listed per step; the rest are counted (a big pageout emits thousands). */
const SHOWN_PER_STEP = 24;
/** Events considered at all, newest first: keeps a re-render well inside a frame. */
const SHOWN_EVENTS = 400;

export class TimelinePanel {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly marks: HTMLElement;
  private readonly position: HTMLElement;
  private readonly list: HTMLElement;
  private readonly older: WireEvent[] = [];
  private readonly loadOlder: ReturnType<typeof uiButton>;
  private scrubTarget: number | null = null;
  private scrubbing = false;
  private dragging = false;

  constructor(
    private readonly host: TimelineHost,
    private readonly store: SessionStore,
  ) {
    this.slider = h('input', {
      type: 'range',
      min: 0,
      max: 0,
      step: 1,
      value: 0,
      id: 'timeline-slider',
      class: 'timeline-slider',
      'aria-label': 'Scenario step',
      'aria-busy': 'false',
    });
    this.slider.addEventListener('input', () => this.scrub(Number(this.slider.value)));
    this.slider.addEventListener('pointerdown', () => {
      this.dragging = true;
    });
    window.addEventListener('pointerup', () => {
      this.dragging = false;
    });
    this.marks = h('div', { class: 'timeline-marks', role: 'group', 'aria-label': 'Failed expectations and errors' });
    this.position = h('p', { class: 'timeline-position', id: 'timeline-position' });
    this.list = h('div', {
      class: 'timeline-events',
      id: 'timeline-events',
      role: 'list',
      'aria-label': 'Events by step',
    });
    this.loadOlder = uiButton({
      label: 'Load older events',
      id: 'timeline-older',
      onClick: () => void this.fetchOlder(),
    });
    this.element = h(
      'div',
      { class: 'timeline' },
      h('div', { class: 'timeline-track' }, this.slider, this.marks),
      this.position,
      this.list,
      this.loadOlder.element,
    );
  }

  /** Scrub: one gotoStep in flight at a time; the last position wins. */
  private scrub(step: number): void {
    this.scrubTarget = step;
    if (this.scrubbing) return;
    this.scrubbing = true;
    // Marks the slider busy until the last position has been reached (tests wait for it).
    this.slider.setAttribute('aria-busy', 'true');
    const next = async (): Promise<void> => {
      while (this.scrubTarget !== null && this.scrubTarget !== this.store.snapshot.step.index) {
        const target = this.scrubTarget;
        try {
          await this.host.gotoStep(target);
        } catch {
          break;
        }
        if (this.scrubTarget === target) break;
      }
      this.scrubTarget = null;
      this.scrubbing = false;
      this.slider.setAttribute('aria-busy', 'false');
      this.update();
    };
    void next();
  }

  update(): void {
    const snapshot = this.store.snapshot;
    const { index, total, range } = snapshot.step;
    this.slider.max = String(total);
    if (!this.dragging && this.scrubTarget === null) this.slider.value = String(index);
    this.slider.setAttribute(
      'aria-valuetext',
      `step ${index} of ${total}${range !== null ? `, line ${range.start.line + 1}` : ''}`,
    );
    this.position.textContent = `Step ${formatCount(index)} of ${formatCount(total)}${range !== null ? ` · last ran line ${range.start.line + 1}` : ''}${snapshot.step.next !== null ? ` · next: line ${snapshot.step.next.start.line + 1}` : ' · at the end'} · ${formatCount(this.store.eventsTotal)} events`;
    this.renderMarks(total);
    // Older events past the current step belong to an undone future.
    for (let i = this.older.length - 1; i >= 0; i--) if (this.older[i]!.step > index) this.older.splice(i, 1);
    this.renderEvents(index);
    const loaded = this.older.length + this.store.events.length;
    this.loadOlder.element.hidden = loaded >= this.store.eventsTotal;
  }

  private renderMarks(total: number): void {
    const marks: HTMLElement[] = [];
    const add = (step: number, kind: string, label: string): void => {
      const mark = h('button', {
        type: 'button',
        class: `mark ${kind}`,
        'aria-label': `${label} (step ${step})`,
        title: `${label} (step ${step})`,
        'data-step': step,
      });
      mark.style.left = `${total > 0 ? (step / total) * 100 : 0}%`;
      mark.addEventListener('click', () => void this.host.gotoStep(step));
      marks.push(mark);
    };
    for (const e of this.store.snapshot.expects)
      if (!e.passed) add(e.step, 'failed', `expect failed: ${e.text}, got ${e.actual}`);
    for (const e of this.store.snapshot.errors)
      add(e.step, e.expected ? 'expected-error' : 'error', `${e.errno}: ${e.message}`);
    replaceChildren(this.marks, ...marks.slice(0, 200));
  }

  private renderEvents(current: number): void {
    const recent = this.store.events.slice(-SHOWN_EVENTS);
    const all =
      recent.length < SHOWN_EVENTS ? [...this.older.slice(-(SHOWN_EVENTS - recent.length)), ...recent] : recent;
    const byStep = new Map<number, WireEvent[]>();
    for (const e of all) {
      const list = byStep.get(e.step) ?? [];
      list.push(e);
      byStep.set(e.step, list);
    }
    const steps = [...byStep.keys()].sort((a, b) => b - a).slice(0, SHOWN_STEPS);
    if (steps.length === 0) {
      replaceChildren(this.list, h('p', { class: 'hint' }, 'No events yet: step the scenario.'));
      return;
    }
    replaceChildren(
      this.list,
      ...steps.map((step) => {
        const go = h(
          'button',
          {
            type: 'button',
            class: 'link step-link',
            'data-step': step,
            'aria-current': step === current ? 'step' : false,
            title: `Go to step ${step}`,
          },
          `step ${formatCount(step)}`,
        );
        go.addEventListener('click', () => void this.host.gotoStep(step));
        const events = byStep.get(step)!;
        const shown = events.slice(-SHOWN_PER_STEP);
        const more = events.length - shown.length;
        return h(
          'div',
          { class: `step-group${step === current ? ' current' : ''}`, role: 'listitem' },
          go,
          h(
            'ul',
            { class: 'events' },
            more > 0
              ? h('li', { class: 'hint' }, `… ${formatCount(more)} earlier event${more === 1 ? '' : 's'} of this step`)
              : null,
            ...shown.map((e) =>
              h(
                'li',
                { 'data-event': e.id },
                h('span', { class: 'event-kind' }, e.kind),
                h('span', { class: 'event-text' }, e.text),
              ),
            ),
          ),
        );
      }),
    );
  }

  private async fetchOlder(): Promise<void> {
    const have = this.older.length + this.store.events.length;
    try {
      const page = await this.host.rpc.request('swapsim/events', { start: have, count: 200, fromEnd: true });
      const oldest = this.older[0]?.id ?? this.store.events[0]?.id ?? Number.POSITIVE_INFINITY;
      const fresh = page.events.filter((e) => e.id < oldest).sort((a, b) => a.id - b.id);
      this.older.unshift(...fresh);
      this.update();
    } catch (err) {
      this.position.textContent = `Could not load older events: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  /** A fresh session (reconnect): forget loaded history. */
  reset(): void {
    this.older.length = 0;
    this.update();
  }
}
