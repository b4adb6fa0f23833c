// Feature checks over stdio, for the end-to-end tests that need the real
// server: a hover with a session's live values, completion in a first-use
// walk-through. Everything that only needs the analysis is tested in process
// (features.ts).
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, Hover } from 'vscode-languageserver-protocol/node';
import { fixture, freshUri, type Fixture, type LspClient } from './client';
import { assertHoverText, assertLabels, cursorOf, type ExpectedLabels } from './features';

export { applyEdits } from './features';

export interface Opened {
  readonly uri: string;
  readonly fx: Fixture;
}

export async function openFixture(client: LspClient, marked: string, name = 'fx'): Promise<Opened> {
  const fx = fixture(marked);
  const uri = freshUri(name);
  await client.open(uri, fx.text);
  return { uri, fx };
}

/** Completion at the cursor, from the server, offers every label in `includes` and none in `excludes`. */
export async function expectCompletion(
  client: LspClient,
  marked: string,
  expected: ExpectedLabels,
): Promise<CompletionItem[]> {
  const { uri, fx } = await openFixture(client, marked, 'completion');
  const list = await client.request<CompletionList | CompletionItem[] | null>('textDocument/completion', {
    textDocument: { uri },
    position: cursorOf(fx),
  });
  await client.closeDocument(uri);
  return assertLabels(list === null ? [] : Array.isArray(list) ? list : list.items, expected);
}

/** Hover at the cursor, from the server (with the session's live values when `uri` names an open document), contains each of `contains`. */
export async function expectHover(
  client: LspClient,
  marked: string,
  contains: (string | RegExp)[],
  uri?: string,
): Promise<string> {
  let target = uri;
  let fx = fixture(marked);
  if (target === undefined) ({ uri: target, fx } = await openFixture(client, marked, 'hover'));
  const hover = await client.request<Hover | null>('textDocument/hover', {
    textDocument: { uri: target },
    position: cursorOf(fx),
  });
  assert.ok(hover !== null, `no hover at ${JSON.stringify(cursorOf(fx))}`);
  return assertHoverText(hover, contains);
}
