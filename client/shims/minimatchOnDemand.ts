// Stand-in for `minimatch` inside vscode-languageclient, which compiles globs
// only when a server registers file-operation filters or document selectors
// with patterns — swapsim's server registers neither. The real minimatch
// (with brace-expansion, ~28 KB minified) is bundled on its own as
// dist/client-minimatch.js and loaded the first time a glob is compiled, so
// activation does not parse and run it. scripts/build.mjs points only
// vscode-languageclient's `require("minimatch")` here; the library uses
// nothing but `new Minimatch(pattern, options)` and the object it returns.
import { createRequire } from 'node:module';
import type { Minimatch as RealMinimatch, MinimatchOptions } from 'minimatch';

/** The part of the minimatch module vscode-languageclient uses. */
export interface MinimatchModule {
  Minimatch: new (pattern: string, options?: MinimatchOptions) => RealMinimatch;
}

/** dist/client-minimatch.js, next to the bundle this module ends up in. */
export const MINIMATCH_CHUNK = './client-minimatch.js';

export interface OnDemandMinimatch extends MinimatchModule {
  /** Whether the real module has been loaded yet. */
  isLoaded(): boolean;
}

/** A Minimatch constructor that loads the real module on first use and returns real Minimatch objects. */
export function onDemandMinimatch(load: () => MinimatchModule): OnDemandMinimatch {
  let real: MinimatchModule | undefined;
  // A plain function called with `new` that returns an object yields that object: callers get a real Minimatch.
  function Minimatch(pattern: string, options?: MinimatchOptions): RealMinimatch {
    real ??= load();
    return new real.Minimatch(pattern, options);
  }
  return { Minimatch: Minimatch as unknown as MinimatchModule['Minimatch'], isLoaded: () => real !== undefined };
}

const shared = onDemandMinimatch(() => createRequire(__filename)(MINIMATCH_CHUNK) as MinimatchModule);
export const Minimatch = shared.Minimatch;
