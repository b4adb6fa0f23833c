/**
 * The dashboard's HTML document, built by whichever host shows it (the VS
 * Code extension, `swapsim serve`). Pure string building with no DOM, so
 * both hosts import it; only the URIs and the CSP sources differ.
 *
 * The page is a skeleton plus one bundled script: no inline script, no
 * inline style, no eval, nothing remote. The script carries the nonce; the
 * CSP names nothing else that may run.
 */

export interface DashboardPageOptions {
  /** Fresh per page load: the only script allowed to run carries it. */
  nonce: string;
  /** Where the page's own files come from: `webview.cspSource` in VS Code, the server's origin in a browser. */
  cspSource: string;
  scriptUri: string;
  styleUris: readonly string[];
  /** Extra connect-src (the WebSocket URL of `swapsim serve`); none in VS Code, where messages go through postMessage. */
  connectSrc?: string;
  title: string;
  /** Initial body class: VS Code sets its own theme classes; a browser page starts from this one. */
  bodyClass?: string;
  /** What the page says until its script has drawn it (default: the dashboard's). */
  loadingText?: string;
}

/** The Content-Security-Policy of the dashboard, also sent as an HTTP header by `swapsim serve`. */
export function dashboardCsp(options: Pick<DashboardPageOptions, 'nonce' | 'cspSource' | 'connectSrc'>): string {
  const { nonce, cspSource, connectSrc } = options;
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The nonce lets FAST (under the UI toolkit) probe :focus-visible with a <style> it tags with the nonce from the csp-nonce meta.
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `connect-src ${connectSrc ?? "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function dashboardHtml(options: DashboardPageOptions): string {
  const csp = dashboardCsp(options);
  const styles = options.styleUris.map((uri) => `  <link rel="stylesheet" href="${escapeAttr(uri)}">`).join('\n');
  const bodyClass = options.bodyClass === undefined ? '' : ` class="${escapeAttr(options.bodyClass)}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
  <meta property="csp-nonce" content="${escapeAttr(options.nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeAttr(options.title)}</title>
${styles}
</head>
<body${bodyClass}>
  <div id="app" class="app" aria-busy="true">
    <p class="loading" role="status">${escapeAttr(options.loadingText ?? 'Loading the swapsim dashboard…')}</p>
  </div>
  <script nonce="${escapeAttr(options.nonce)}" src="${escapeAttr(options.scriptUri)}"></script>
</body>
</html>
`;
}
