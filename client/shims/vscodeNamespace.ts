// The one namespace object of the `vscode` module in dist/client-main.js.
// Every `import * as vscode from 'vscode'` of ours (esbuild's __toESM) and
// every `__importStar(require("vscode"))` in vscode-languageclient copied the
// API's 400-odd names into a fresh object with a getter each: 30 copies, the
// largest single cost of loading the bundle. scripts/build.mjs points every
// import of 'vscode' in the bundle here instead (CommonJS requires through a
// wrapper marked __esModule, which __importStar passes through untouched),
// so the names are copied once. Each name is still a getter onto the real
// module, as with the copies.
export * from 'vscode';
