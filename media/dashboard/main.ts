/**
 * Dashboard entry point (bundled to dist/media/dashboard.js). Picks the
 * transport for where the page runs, checks every message from the host,
 * and hands the good ones to the app.
 */
import { parseHostToWebview } from '../../shared/validate';
import { DashboardApp } from './app';
import { Rpc } from './rpc';
import { createTransport } from './transport';
import { registerControls } from './ui-toolkit';

registerControls();
const transport = createTransport();
const rpc = new Rpc(transport);
const app = new DashboardApp(transport, rpc);

let warned = false;
transport.onMessage((message, receivedAt) => {
  const parsed = parseHostToWebview(message);
  if (!parsed.ok) {
    // Logged once: a host that sends one bad message usually sends many.
    if (!warned) console.warn(`swapsim dashboard: ignored a malformed message from the host: ${parsed.error}`);
    warned = true;
    return;
  }
  app.handle(parsed.value, receivedAt);
});
transport.onOpen(() => transport.send({ type: 'ready' }));
