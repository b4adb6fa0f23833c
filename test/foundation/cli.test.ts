import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distFile, packageVersion } from './repo';
import { hangGuard } from '../hang_guard';

function runCli(...args: string[]) {
  const result = spawnSync(process.execPath, [distFile('cli.js'), ...args], {
    encoding: 'utf8',
    timeout: hangGuard(10_000),
  });
  if (result.error) throw result.error;
  return result;
}

test('--version prints the package.json version and exits 0', () => {
  const { status, stdout, stderr } = runCli('--version');
  assert.equal(status, 0);
  assert.equal(stdout, `swapsim ${packageVersion()}\n`);
  assert.equal(stderr, '');
});

test('-V is the short form of --version', () => {
  assert.equal(runCli('-V').stdout, `swapsim ${packageVersion()}\n`);
});

test('--help lists the subcommands and exits 0', () => {
  const { status, stdout } = runCli('--help');
  assert.equal(status, 0);
  assert.match(stdout, /^Usage: swapsim <command>/m);
  assert.match(stdout, /^ {2}version +print the swapsim version$/m);
  assert.match(stdout, /^ {2}help +show this help$/m);
});

test('an unknown subcommand is reported on stderr with exit code 2', () => {
  const { status, stdout, stderr } = runCli('frobnicate');
  assert.equal(status, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /unknown command 'frobnicate'/);
});

test('the bundle starts with a node shebang and never reads package.json at run time', () => {
  const source = readFileSync(distFile('cli.js'), 'utf8');
  assert.ok(source.startsWith('#!/usr/bin/env node\n'), 'missing shebang line');
  assert.doesNotMatch(source, /package\.json/);
});
