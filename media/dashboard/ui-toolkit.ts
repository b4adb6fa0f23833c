/**
 * The only module that knows which UI control library the dashboard uses.
 *
 * Today that is @vscode/webview-ui-toolkit, which looks and behaves like
 * VS Code's own controls. Microsoft deprecated it on 2025-01-01; its
 * suggested successor is @vscode-elements/elements. Everything else imports
 * these small factories, so switching library means rewriting this file
 * (tag names, property names, event names) and nothing else.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Define the custom elements once, before the first control is created. */
export function registerControls(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeCheckbox(),
    vsCodeProgressRing(),
    vsCodeDivider(),
  );
}

export interface ButtonOptions {
  /** Visible text; icon buttons pass a short symbol and an `ariaLabel`. */
  label: string;
  ariaLabel?: string;
  title?: string;
  appearance?: 'primary' | 'secondary' | 'icon';
  id?: string;
  onClick: () => void;
}

export interface Button {
  readonly element: HTMLElement;
  setDisabled(disabled: boolean): void;
  setLabel(label: string): void;
}

export function uiButton(options: ButtonOptions): Button {
  const el = document.createElement('vscode-button');
  el.textContent = options.label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.ariaLabel !== undefined) el.setAttribute('aria-label', options.ariaLabel);
  if (options.title !== undefined) el.title = options.title;
  if (options.id !== undefined) el.id = options.id;
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) options.onClick();
  });
  return {
    element: el,
    setDisabled: (disabled) => el.toggleAttribute('disabled', disabled),
    setLabel: (label) => {
      el.textContent = label;
    },
  };
}

export interface Choice {
  value: string;
  label: string;
}

export interface Dropdown {
  readonly element: HTMLElement;
  readonly value: string;
  setChoices(choices: readonly Choice[], value: string): void;
  setValue(value: string): void;
}

interface ValueElement extends HTMLElement {
  value: string;
}

export function uiDropdown(options: {
  ariaLabel: string;
  id?: string;
  choices: readonly Choice[];
  value: string;
  onChange: (value: string) => void;
}): Dropdown {
  const el = document.createElement('vscode-dropdown') as ValueElement;
  el.setAttribute('aria-label', options.ariaLabel);
  if (options.id !== undefined) el.id = options.id;
  let current = options.value;
  const fill = (choices: readonly Choice[], value: string): void => {
    el.replaceChildren(
      ...choices.map((c) => {
        const option = document.createElement('vscode-option') as ValueElement;
        option.setAttribute('value', c.value);
        option.textContent = c.label;
        if (c.value === value) option.setAttribute('selected', '');
        return option;
      }),
    );
    current = value;
    // The element settles its options asynchronously; set the value after it has seen them.
    queueMicrotask(() => {
      el.value = value;
    });
  };
  fill(options.choices, options.value);
  el.addEventListener('change', () => {
    if (el.value === current) return;
    current = el.value;
    options.onChange(el.value);
  });
  return {
    element: el,
    get value() {
      return current;
    },
    setChoices: fill,
    setValue: (value) => {
      current = value;
      el.value = value;
    },
  };
}

export interface Checkbox {
  readonly element: HTMLElement;
  checked: boolean;
}

interface CheckedElement extends HTMLElement {
  checked: boolean;
}

export function uiCheckbox(options: {
  label: string;
  checked: boolean;
  title?: string;
  value?: string;
  onChange: (checked: boolean) => void;
}): Checkbox {
  const el = document.createElement('vscode-checkbox') as CheckedElement;
  el.textContent = options.label;
  if (options.title !== undefined) el.title = options.title;
  if (options.value !== undefined) el.dataset.value = options.value;
  if (options.checked) el.setAttribute('checked', '');
  el.addEventListener('change', () => options.onChange(el.checked));
  return {
    element: el,
    get checked() {
      return el.checked;
    },
    set checked(value: boolean) {
      el.checked = value;
    },
  };
}

/**
 * A badge. Drawn by us rather than <vscode-badge>: the toolkit's badge binds
 * a style attribute, which a strict CSP (no 'unsafe-inline') blocks.
 */
export function uiBadge(text: string, title?: string): HTMLElement {
  const el = document.createElement('span');
  el.className = 'ui-badge';
  el.textContent = text;
  if (title !== undefined) el.title = title;
  return el;
}

export function uiProgress(label: string): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  el.setAttribute('aria-label', label);
  return el;
}

export function uiDivider(): HTMLElement {
  const el = document.createElement('vscode-divider');
  el.setAttribute('role', 'separator');
  return el;
}
