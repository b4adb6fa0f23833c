// New Scenario and Open Example (the welcome view's buttons). Examples ship
// in the extension's examples/ folder; they open as untitled copies so the
// installed files are never edited.
import * as vscode from 'vscode';
import type { Ctx } from '../context';

export const NEW_SCENARIO = `# A swap device, a cgroup with a memory limit, and a task pushed to swap.
config design=p4 page_size=4K ram=1G
swapon /dev/vda2 size=256M -p 5
mkdir app
echo 64M > /sys/fs/cgroup/app/memory.max

task web cgroup=app
mmap web heap 16M content=compressible:0.4 populate
pageout web heap

expect /proc/vmstat pswpout == 16M
expect /sys/fs/cgroup/app/memory.swap.current == 16M
`;

export async function newScenario(): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'swapsim', content: NEW_SCENARIO });
  await vscode.window.showTextDocument(document);
}

async function exampleFiles(ctx: Ctx): Promise<vscode.Uri[]> {
  const folder = vscode.Uri.joinPath(ctx.extension.extensionUri, 'examples');
  try {
    const entries = await vscode.workspace.fs.readDirectory(folder);
    const shipped = entries
      .filter(([name, kind]) => kind === vscode.FileType.File && name.endsWith('.swapsim'))
      .map(([name]) => vscode.Uri.joinPath(folder, name));
    if (shipped.length > 0) return shipped.sort((a, b) => a.path.localeCompare(b.path));
  } catch {
    // Not shipped in this build: look in the workspace instead.
  }
  return vscode.workspace.findFiles('**/examples/*.swapsim', '**/node_modules/**', 200);
}

/** The first comment line of an example, as its description. */
function summary(text: string): string {
  const line = text.split('\n').find((l) => l.trim().startsWith('#'));
  return line === undefined ? '' : line.trim().replace(/^#\s*/, '');
}

export async function openExample(ctx: Ctx, arg?: unknown): Promise<void> {
  const files = await exampleFiles(ctx);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('swapsim: no examples found.', 'New Scenario').then((choice) => {
      if (choice === 'New Scenario') void newScenario();
    });
    return;
  }
  const decoder = new TextDecoder();
  const items = await Promise.all(
    files.map(async (uri) => {
      const text = decoder.decode(await vscode.workspace.fs.readFile(uri));
      return { label: uri.path.split('/').pop() ?? uri.path, description: summary(text), uri, text };
    }),
  );
  const wanted =
    typeof arg === 'string' ? items.find((i) => i.label === arg || i.label === `${arg}.swapsim`) : undefined;
  const picked =
    wanted ??
    (await vscode.window.showQuickPick(items, {
      title: 'swapsim: open an example scenario',
      matchOnDescription: true,
    }));
  if (picked === undefined) return;
  const inWorkspace = vscode.workspace.getWorkspaceFolder(picked.uri) !== undefined;
  // Workspace files open as themselves; shipped ones as an untitled copy.
  const document = inWorkspace
    ? await vscode.workspace.openTextDocument(picked.uri)
    : await vscode.workspace.openTextDocument({ language: 'swapsim', content: picked.text });
  await vscode.window.showTextDocument(document);
}
