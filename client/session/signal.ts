// A minimal event source for the vscode-free parts of the client (the session
// store), shaped like vscode.Event so providers can subscribe the same way.

export interface Subscription {
  dispose(): void;
}

export type Listen<T> = (listener: (value: T) => void) => Subscription;

export class Signal<T> {
  private listeners: ((value: T) => void)[] = [];

  readonly event: Listen<T> = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };

  fire(value: T): void {
    // Copy: a listener may unsubscribe while we iterate.
    for (const listener of [...this.listeners]) listener(value);
  }

  dispose(): void {
    this.listeners = [];
  }
}
