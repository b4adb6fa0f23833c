/**
 * Every example scenario runs to its end under every design profile through
 * the Session API (issue #5), with the invariant checker after every step.
 * A command a profile cannot run (swapon /dev/ghostswap outside `ghost`)
 * must come back as a step error on its own line, never as an exception.
 * `expect` lines may fail under a profile other than the example's own, so
 * they are only required to pass under that one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAndCheck } from '../../server/lang';
import { Session } from '../../server/session/session';
import { ERRNO } from '../../server/sim/errno';
import { DESIGN_PROFILES, designDescriptor, type DesignProfile } from '../../server/sim/designs/profiles';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

/**
 * examples/ and examples/seed-mail/ (the seed mail's claims, docs/designs.md).
 * kbuild-zram.swapsim is left to `swapsim compare` by hand: at full size it
 * takes about 20 s of CPU per design (docs/designs.md has the figures).
 */
const FULL_SIZE_ONLY = new Set(['seed-mail/kbuild-zram.swapsim']);
const examples = ['', 'seed-mail']
  .flatMap((dir) =>
    readdirSync(path.join(EXAMPLES, dir))
      .filter((name) => name.endsWith('.swapsim'))
      .map((name) => path.posix.join(dir, name)),
  )
  .filter((name) => !FULL_SIZE_ONLY.has(name))
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(EXAMPLES, name), 'utf8') }));

/** The profile an example runs under by itself (its `config design=`, or the default). */
function ownProfile(text: string): DesignProfile {
  return parseAndCheck(text).checked.config.design;
}

/** 0-based numbers of the lines that swap on the ghost device. */
function ghostSwaponLines(text: string): number[] {
  return text
    .split('\n')
    .map((line, i) => (/^\s*swapon\s+\/dev\/ghostswap\b/.test(line) ? i : -1))
    .filter((i) => i >= 0);
}

test('the examples folder has the scenarios this test is about', () => {
  assert.ok(examples.length >= 8, `only ${examples.length} examples`);
  assert.ok(
    examples.some((e) => ghostSwaponLines(e.text).length > 0),
    'no example swaps on /dev/ghostswap',
  );
});

for (const { name, text } of examples) {
  const own = ownProfile(text);
  const lines = text.split('\n');
  for (const design of DESIGN_PROFILES) {
    test(`${name} under ${design}${design === own ? ' (its own profile)' : ''}`, () => {
      const s = new Session(`example:${name}:${design}`, text, { design, checkInvariants: true });
      assert.notEqual(s.status, 'invalid', `${name}: ${s.diagnostics.map((d) => d.message).join('; ')}`);
      assert.equal(s.design, design);
      s.run();
      assert.equal(s.status, 'finished');
      assert.equal(s.step.index, s.step.total, 'the run stopped before the last step');
      assert.deepEqual(
        s.violations.map((v) => `step ${v.step}: ${v.message}`),
        [],
      );

      // every kernel refusal is a step error on the line of the command that caused it
      for (const e of s.errors) {
        const where = `${name}:${e.range.start.line + 1}`;
        assert.ok(e.errno in ERRNO, `${where}: unknown errno ${e.errno}`);
        assert.ok(e.message.length > 0, `${where}: empty message`);
        assert.equal(e.range.start.line, e.range.end.line, `${where}: error range spans lines`);
        const line = lines[e.range.start.line] ?? '';
        assert.ok(
          line.trim() !== '' && !/^\s*(#|expect\b|config\b)/.test(line),
          `${where}: error on a line that is not a command: ${line}`,
        );
        assert.ok(e.step >= 1 && e.step <= s.step.total, `${where}: step ${e.step} out of range`);
      }

      const ghostLines = ghostSwaponLines(text);
      const errorLines = new Set(s.errors.map((e) => e.range.start.line));
      if (designDescriptor(design).capabilities.supportsGhostDevice) {
        for (const l of ghostLines)
          assert.ok(!errorLines.has(l), `${name}:${l + 1}: ghost swapon refused under ${design}`);
      } else {
        for (const l of ghostLines) {
          const err = s.errors.find((e) => e.range.start.line === l);
          assert.ok(err, `${name}:${l + 1}: swapon /dev/ghostswap under ${design} gave no step error`);
          assert.equal(err.errno, 'ENOENT', `${name}:${l + 1}`);
        }
      }

      if (design === own) {
        const failed = s.expects
          .filter((e) => !e.passed)
          .map((e) => `line ${e.range.start.line + 1}: ${e.text} got ${e.actual}`);
        assert.deepEqual(failed, [], `${name} under its own profile`);
        const unexpected = s.errors
          .filter((e) => !e.expected)
          .map((e) => `line ${e.range.start.line + 1}: ${e.errno} ${e.message}`);
        assert.deepEqual(unexpected, [], `${name} under its own profile`);
      }
    });
  }
}
