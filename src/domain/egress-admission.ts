import { isIP } from 'node:net';
import { checkDestination } from './egress-destination.js';

/**
 * What the egress proxy decides for one destination a job asked for (README: "Job isolation").
 * A rule names a host or an address, or `*.domain` for the hosts below that domain (not the
 * domain itself); rules carry no port, so an admitted destination is admitted on every port.
 */
export type Admission =
  | { admitted: true; rule: string; byName: boolean }
  | { admitted: false; reason: string };

export function admitDestination(host: string, port: number, destinations: readonly string[]): Admission {
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { admitted: false, reason: `${port} is not a port` };
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const checked = checkDestination(isIP(bare) === 6 ? `[${bare}]` : bare);
  if (!checked.ok) return { admitted: false, reason: `"${host}" ${checked.message}` };
  const name = checked.destination;
  if (name.startsWith('*.')) return { admitted: false, reason: `"${host}" is a wildcard, not a host to connect to` };
  const rule = destinations.find((d) => d === name || (d.startsWith('*.') && name.endsWith(d.slice(1))));
  if (!rule) return { admitted: false, reason: `no egress rule of the realm admits ${name}` };
  return { admitted: true, rule, byName: checked.destinationType === 'host' };
}

/**
 * A name admitted by a rule must not lead to this machine: `*.example.com` admits
 * `evil.example.com`, whose owner can point it at 127.0.0.1, where the service and its
 * database listen. Only a rule naming the loopback address itself admits it.
 */
export function isLoopback(address: string): boolean {
  if (isIP(address) === 4) return address.startsWith('127.') || address === '0.0.0.0';
  const lowered = address.toLowerCase();
  return lowered === '::1' || lowered === '::' || /^::ffff:(127\.|0\.0\.0\.0$)/.test(lowered);
}

/** The line a refused job finds in its log (the service's log gets the same with the job id). */
export function refusalLine(method: string, target: string, reason: string): string {
  return `sluice egress: refused ${method} ${target}: ${reason}`;
}
