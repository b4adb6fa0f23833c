// Fuzz: one live server gets 10,000+ random edits and requests — standard
// LSP requests at random (also invalid) positions, every swapsim/* request
// with valid and malformed params, unknown methods, garbage params. Every
// request must be answered (a result or an error, never an internal error),
// and the server must still be running and correct at the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { RequestMethod, SessionSnapshot } from '../../shared/protocol';
import { LspClient, freshUri } from './client';
import { rng } from '../prng';
import { hangGuard } from '../hang_guard';

const SEED = Number(process.env.SWAPSIM_FUZZ_SEED ?? 20260301);
const OPERATIONS = 10_000;
const BATCH = 40;

const SNIPPETS = [
  'swapon /dev/vda2 size=64M',
  'swapoff /dev/vda2',
  'mkdir app',
  'mkdir -p a/b/c',
  'rmdir app',
  'task t cgroup=app',
  'task u',
  'mmap t heap 1M populate',
  'mmap u r 4M order=4 content=mix(zero=50%, incompressible=50%)',
  'pageout t heap',
  'touch t heap pages=0..15 write',
  'munmap t heap',
  'fork t c',
  'exit c',
  'echo 32M > /sys/fs/cgroup/app/memory.swap.max',
  'echo N > /sys/module/zswap/parameters/enabled',
  'expect /proc/vmstat pswpout >= 0',
  'expect slot /dev/vda2 1 kind == shadow',
  'expect error EINVAL',
  'expect ok',
  'repeat 3 {',
  '}',
  'config design=p3',
  'sysctl vm.swappiness=100',
  'reclaim app 1M',
  'zswap shrink 4',
  '# comment',
  '"unterminated',
  ' ',
  '\n',
  '\n\n',
  '≈ ±5%',
  '>=',
  '=',
  '-p',
  '{',
  'é',
  '\t',
  '0x1000',
  '1.5G',
  'mix(',
  ')',
  '\r\n',
];

const STANDARD = [
  'textDocument/completion',
  'textDocument/hover',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentHighlight',
  'textDocument/prepareRename',
  'textDocument/rename',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/semanticTokens/full',
  'textDocument/semanticTokens/range',
  'textDocument/formatting',
  'textDocument/rangeFormatting',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/inlayHint',
];

test(
  '10,000 random edits and requests: every request answered, the server survives',
  { timeout: hangGuard(120_000) },
  async () => {
    const random = rng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const int = (n: number): number => Math.floor(random() * n);
    const client = await LspClient.start({ settings: { limits: { maxSteps: 500 }, checkInvariants: false } });
    try {
      const docs: TextDocument[] = [];
      for (let i = 0; i < 3; i++) {
        const uri = freshUri('fuzz');
        // A small machine: sessions are rebuilt after most edits, and booting one costs in proportion to its RAM.
        const text = ['config ram=16M', ...Array.from({ length: 20 }, () => pick(SNIPPETS))].join('\n');
        docs.push(TextDocument.create(uri, 'swapsim', 1, text));
        await client.open(uri, text);
      }
      const weird = (): unknown =>
        pick([
          null,
          42,
          'text',
          [],
          [1, 2],
          {},
          { uri: 42 },
          { textDocument: null },
          { textDocument: { uri: 7 } },
          true,
          -1.5,
        ]);
      const position = (doc: TextDocument): unknown => {
        const r = random();
        if (r < 0.8) return { line: int(doc.lineCount + 1), character: int(60) };
        if (r < 0.9) return { line: -1, character: 1.5 };
        return pick([null, 'x', { line: 1e12, character: 0 }, {}]);
      };
      const range = (doc: TextDocument): unknown => ({ start: position(doc), end: position(doc) });
      const standardParams = (method: string, doc: TextDocument): unknown => {
        const textDocument = random() < 0.95 ? { uri: doc.uri } : { uri: 'file:///unknown.swapsim' };
        switch (method) {
          case 'textDocument/references':
            return { textDocument, position: position(doc), context: { includeDeclaration: random() < 0.5 } };
          case 'textDocument/rename':
            return {
              textDocument,
              position: position(doc),
              newName: pick(['x', 'new_name', '', '9x', '/dev/vdz', 'a/b', 42]),
            };
          case 'textDocument/semanticTokens/range':
          case 'textDocument/inlayHint':
            return { textDocument, range: range(doc) };
          case 'textDocument/rangeFormatting':
            return { textDocument, range: range(doc), options: { tabSize: 2, insertSpaces: true } };
          case 'textDocument/formatting':
            return { textDocument, options: { tabSize: 2, insertSpaces: true } };
          case 'textDocument/codeAction':
            return {
              textDocument,
              range: range(doc),
              context: {
                diagnostics: pick([
                  [],
                  [{ range: range(doc), message: 'x', code: 'SS203', source: 'swapsim' }],
                  null,
                  [{ data: { fixes: [{ title: 1 }] } }],
                ]),
              },
            };
          default:
            return { textDocument, position: position(doc) };
        }
      };
      const n = (): unknown => (random() < 0.85 ? int(70) : pick([-1, 1.5, 'three', null, 1e15]));
      const sessionOnly = (uri: string): unknown => ({ uri, seq: random() < 0.2 ? n() : undefined });
      // Every custom request of shared/protocol.ts (the compiler asks for an entry for each new one), with mostly-plausible params.
      const customRequests: { [M in RequestMethod]: (uri: string) => unknown } = {
        'swapsim/snapshot': sessionOnly,
        'swapsim/run': (uri) => ({ uri, toLine: random() < 0.5 ? undefined : n() }),
        'swapsim/step': (uri) => ({
          uri,
          direction: pick(['forward', 'back', 'up']),
          count: random() < 0.3 ? undefined : n(),
        }),
        'swapsim/gotoStep': (uri) => ({ uri, step: n() }),
        'swapsim/reset': sessionOnly,
        'swapsim/setDesign': (uri) => ({ uri, design: pick(['p4', 'legacy', 'ghost', 'vswap', 'nope']) }),
        'swapsim/compare': (uri) => ({
          uri,
          designs: pick([['p4'], ['p1', 'p3'], [], ['bad'], 'p4']),
          step: random() < 0.5 ? undefined : n(),
        }),
        'swapsim/slot': (uri) => ({ uri, type: n(), offset: n() }),
        'swapsim/cluster': (uri) => ({ uri, type: n(), cluster: n() }),
        'swapsim/clusterMap': (uri) => ({
          uri,
          type: n(),
          bins: pick([1, 8, 1024, 0, 70000, 'x']),
          from: random() < 0.7 ? undefined : n(),
          to: random() < 0.7 ? undefined : n(),
        }),
        'swapsim/clusters': (uri) => ({
          uri,
          type: n(),
          start: n(),
          limit: n(),
          includeFree: pick([true, false, 'yes']),
        }),
        'swapsim/swapCache': (uri) => ({ uri, start: n(), limit: n() }),
        'swapsim/events': (uri) => ({ uri, start: n(), count: n(), fromEnd: pick([true, false, undefined]) }),
        'swapsim/overhead': sessionOnly,
        'swapsim/export': (uri) => ({ uri, format: pick(['state-json', 'counters-csv', 'pdf']) }),
        'swapsim/test': sessionOnly,
        'swapsim/debugRun': sessionOnly,
        'swapsim/debugCheck': sessionOnly,
        'swapsim/evaluate': sessionOnly,
        'swapsim/debugCompletions': sessionOnly,
        'swapsim/debugFrame': sessionOnly,
        'swapsim/lineTargets': sessionOnly,
        'swapsim/clusterMemory': sessionOnly,
        'swapsim/checkInvariants': sessionOnly,
      };
      const CUSTOM = Object.keys(customRequests) as RequestMethod[];
      const customParams = (method: RequestMethod, doc: TextDocument): unknown => {
        if (random() < 0.2) return weird();
        const uri = random() < 0.9 ? doc.uri : 'file:///nowhere.swapsim';
        return customRequests[method](uri);
      };

      const codes = new Map<number, number>();
      let answered = 0;
      let edits = 0;
      let pending: Promise<void>[] = [];
      const spent = new Map<string, number>();
      const send = (method: string, params: unknown): void => {
        const started = performance.now();
        const took = (): void => {
          spent.set(method, (spent.get(method) ?? 0) + performance.now() - started);
        };
        pending.push(
          client.request<unknown>(method, params, 30_000).then(
            () => {
              took();
              answered++;
            },
            (e: unknown) => {
              took();
              const code = (e as { code?: unknown }).code;
              assert.equal(typeof code, 'number', `${method} failed without a response: ${String(e)}`);
              codes.set(code as number, (codes.get(code as number) ?? 0) + 1);
              assert.notEqual(
                code,
                -32603,
                `${method} hit an internal error with ${JSON.stringify(params)}: ${String((e as { message?: unknown }).message)}`,
              );
              answered++;
            },
          ),
        );
      };

      for (let op = 0; op < OPERATIONS; op++) {
        const doc = pick(docs);
        const r = random();
        if (r < 0.4) {
          // An edit, sometimes past the end of the document (clients do send those). The first line
          // (the small-machine config) is left alone so sessions stay cheap to rebuild.
          const length = doc.getText().length;
          const first = doc.getText().indexOf('\n') + 1;
          const offset = (): number => first + int(length - first + 2);
          const a = doc.positionAt(offset());
          const b = random() < 0.7 ? a : doc.positionAt(offset());
          const [start, end] = doc.offsetAt(a) <= doc.offsetAt(b) ? [a, b] : [b, a];
          const text = random() < 0.7 ? pick(SNIPPETS) : '';
          const i = docs.indexOf(doc);
          const next = TextDocument.update(doc, [{ range: { start, end }, text }], doc.version + 1);
          docs[i] = next;
          await client.connection.sendNotification('textDocument/didChange', {
            textDocument: { uri: doc.uri, version: next.version },
            contentChanges: [{ range: { start, end }, text }],
          });
          edits++;
        } else if (r < 0.75) {
          const method = pick(STANDARD);
          send(method, standardParams(method, doc));
        } else if (r < 0.95) {
          const method = pick(CUSTOM);
          send(method, customParams(method, doc));
        } else {
          send(pick(['swapsim/nothing', 'textDocument/hover', 'swapsim/snapshot', 'textDocument/completion']), weird());
        }
        if (pending.length >= BATCH) {
          await Promise.all(pending);
          pending = [];
        }
      }
      await Promise.all(pending);
      assert.ok(edits > 3_000 && answered > 5_000, `edits ${edits}, answered ${answered}`);
      assert.equal(client.child.exitCode, null, `server exited:\n${client.stderr}`);
      // Still correct: the server's view of each document equals ours, and sessions answer.
      for (const doc of docs) {
        const { uri } = doc;
        const formatted = await client.request<unknown[]>('textDocument/formatting', {
          textDocument: { uri },
          options: { tabSize: 2, insertSpaces: true },
        });
        assert.ok(Array.isArray(formatted));
        const snap = await client
          .request<SessionSnapshot>('swapsim/snapshot', { uri })
          .catch((e: { code: number }) => e);
        assert.ok('uri' in snap || snap.code === -32003 || snap.code === -32004, JSON.stringify(snap));
      }
      const probe = freshUri('probe');
      await client.open(probe, 'swapon /dev/vda2 size=1M\nfrobnicate');
      const ds = await client.diagnosticsFor(probe);
      assert.deepEqual(
        ds.map((d) => d.code),
        ['SS101'],
      );
      const slowest = [...spent]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([m, ms]) => `${m} ${Math.round(ms)} ms`);
      console.log(
        `fuzz seed ${SEED}: ${edits} edits, ${answered} answers, error codes ${JSON.stringify(Object.fromEntries(codes))}; most time (summed latency): ${slowest.join(', ')}`,
      );
    } finally {
      const code = await client.shutdown();
      assert.equal(code, 0, `server stderr:\n${client.stderr}`);
    }
  },
);
