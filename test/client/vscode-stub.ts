// A stand-in for the `vscode` module good enough to load the built extension
// (dist/client.js) under plain Node and call activate(): every name
// @types/vscode exports, each a stub on which any property, call or
// construction gives another stub. Used by test/client/bundle.test.ts and
// bench/client.bench.ts, each in a child process of its own.
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import * as path from 'node:path';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

/** Anything: every property, call and construction gives another stub; not a thenable, iterates as empty. */
export function stub(): unknown {
  const members = new Map<PropertyKey, unknown>();
  return new Proxy(function stubFunction() {}, {
    get(_target, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => 0;
      if (prop === Symbol.iterator) return function* empty() {};
      if (!members.has(prop)) members.set(prop, stub());
      return members.get(prop);
    },
    set(_target, prop, value) {
      members.set(prop, value);
      return true;
    },
    apply: () => stub(),
    construct: () => stub() as object,
  });
}

/**
 * The `vscode` module as a plain object with every name @types/vscode
 * exports, each a stub: bundles copy own properties, so a bare Proxy would
 * look empty.
 */
export function vscodeStub(root: string): Record<string, unknown> {
  const types = readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'index.d.ts'), 'utf8');
  const names = new Set(
    [...types.matchAll(/^\s{1,4}export (?:namespace|class|enum|function|const|let) (\w+)/gm)].map((m) => m[1]),
  );
  // LanguageClient checks the editor version it runs in.
  return { ...Object.fromEntries([...names].map((name) => [name, stub()])), version: '1.100.3' };
}

export interface StubbedHost {
  /** How many times a module asked for 'vscode'. */
  readonly vscodeRequests: () => number;
}

/**
 * Make `require('vscode')` return the stub in this process, and make the
 * language server impossible to start (child_process.fork and spawn throw):
 * activation does not wait for it.
 */
export function installVscodeStub(root: string): StubbedHost {
  const loader = nodeModule.Module as unknown as { _load: Loader };
  const original = loader._load;
  const vscode = vscodeStub(root);
  let requests = 0;
  loader._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === 'vscode') {
      requests++;
      return vscode;
    }
    const loaded = original.call(this, request, parent, isMain);
    if (request === 'child_process' || request === 'node:child_process') {
      const cp = loaded as Record<string, unknown>;
      const refuse = (): never => {
        throw new Error('no language server in this process');
      };
      return { ...cp, fork: refuse, spawn: refuse };
    }
    return loaded;
  };
  return { vscodeRequests: () => requests };
}

/** An ExtensionContext with what the extension reads; anything else is a stub. `storage` is the global storage folder. */
export function extensionContext(root: string, storage: string): unknown {
  const known = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionPath: root,
    asAbsolutePath: (p: string) => path.join(root, p),
    globalStorageUri: { scheme: 'file', fsPath: storage },
  };
  return new Proxy(known, {
    get: (target, prop) =>
      prop in target ? target[prop as keyof typeof target] : (stub() as Record<PropertyKey, unknown>)[prop],
  });
}
