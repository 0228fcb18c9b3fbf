/**
 * A close shuts the keep-alive connections idle at that moment (Node's server.close(), as
 * Fastify's forceCloseConnections 'idle' relies on) and never looks at the others again.
 * A connection whose response was still going out (a download's last bytes) is idle once
 * that response has ended, with nothing to close it but its keep-alive timeout: the close
 * waited that long, or until the cut (shutdownRequestsMs). So each response that ends
 * after the close began shuts the connections idle by then, its own among them.
 */
import type { FastifyInstance } from 'fastify';

export function closeConnectionsAnsweredWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Runs once the response has ended: Node has by then counted its connection idle.
  app.addHook('onResponse', async () => {
    if (closing) app.server.closeIdleConnections();
  });
}
