/**
 * Preloaded (`node --import`) into server processes the bench starts with PORT=0: writes the
 * port each server actually listens on to stderr. Fastify announces it only at log level info
 * ("Server listening at"), and the bench runs servers at warn; picking a free port beforehand
 * instead races with every other process on the machine starting servers (a foreign server on
 * "our" port would answer the readiness probe). Nothing else is changed in the process.
 */
import net from 'node:net';

// Read by servers.ts (ANNOUNCEMENT): keep the two in step.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function announcingListen(this: net.Server, ...args: unknown[]) {
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') process.stderr.write(`bench-listening ${address.address} ${address.port}\n`);
  });
  return (listen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof listen;
