/**
 * What a write to the swap tiers files must look like (tiers_store() and
 * swap_tier_max_write() of the swap tiers series, v9), without any state:
 * the simulator applies the operations (swap_tier.ts), and the scenario
 * checker uses the same rules to flag a malformed write before the run.
 */

/** DEF_SWAP_PRIO and SHRT_MAX: the range the tiers must cover together. */
export const TIER_PRIO_MIN = -1;
export const TIER_PRIO_MAX = 32767;
/** Longest tier name (our assumption: a 16-byte buffer with its NUL). */
export const TIER_NAME_MAX = 15;

const NAME = /^[A-Za-z0-9_]+$/;

/** A tier name: letters, digits and underscore, at most TIER_NAME_MAX characters. */
export function validTierName(name: string): boolean {
  return name.length > 0 && name.length <= TIER_NAME_MAX && NAME.test(name);
}

export type TierOp =
  | { readonly kind: 'add'; readonly name: string; readonly prio: number }
  | { readonly kind: 'remove'; readonly name: string };

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const badName = (name: string): string =>
  `'${name}' is not a tier name (letters, digits and _, at most ${TIER_NAME_MAX})`;

/** tiers_store(): `+NAME:PRIO` adds, `-NAME` removes; several per write, separated by commas or whitespace. */
export function parseTierOps(text: string): Parsed<TierOp[]> {
  const ops: TierOp[] = [];
  for (const tok of text.split(/[\s,]+/)) {
    if (tok === '') continue;
    const add = /^\+([^:]*):(-?\d+)$/.exec(tok);
    if (add !== null) {
      const name = add[1] ?? '';
      const prio = Number(add[2]);
      if (!validTierName(name)) return { ok: false, error: badName(name) };
      if (prio < TIER_PRIO_MIN || prio > TIER_PRIO_MAX)
        return { ok: false, error: `tier priority ${prio} is outside ${TIER_PRIO_MIN}..${TIER_PRIO_MAX}` };
      ops.push({ kind: 'add', name, prio });
    } else if (tok.startsWith('-')) {
      const name = tok.slice(1);
      if (!validTierName(name)) return { ok: false, error: badName(name) };
      ops.push({ kind: 'remove', name });
    } else {
      return { ok: false, error: `'${tok}' is neither +NAME:PRIO nor -NAME` };
    }
  }
  if (ops.length === 0) return { ok: false, error: 'no tier operation in the write (+NAME:PRIO or -NAME)' };
  return { ok: true, value: ops };
}

/** swap_tier_max_write(): exactly one `NAME max` or `NAME 0`. */
export function parseTierMax(text: string): Parsed<{ readonly name: string; readonly allow: boolean }> {
  const parts = text.trim().split(/\s+/);
  const [name, value] = parts;
  if (parts.length !== 2 || name === undefined || !validTierName(name) || (value !== 'max' && value !== '0')) {
    return { ok: false, error: `memory.swap.tiers.max takes one 'NAME max' or 'NAME 0', found '${text.trim()}'` };
  }
  return { ok: true, value: { name, allow: value === 'max' } };
}
