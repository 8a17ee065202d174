import { isIP } from 'node:net';
import { getPublicSuffix } from 'tldts';

export type DestinationType = 'ipAddress' | 'host';

export type DestinationCheck =
  | { ok: true; destination: string; destinationType: DestinationType }
  | { ok: false; message: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * An egress destination is an IP address or a DNS name. A `*.` wildcard may only be the
 * leftmost label and never sit directly on a public suffix (`*.com`, `*.co.uk`), and a public
 * suffix alone is no destination either. Suffixes come from the public suffix list as shipped
 * by `tldts`, ICANN and private sections both (a private suffix such as `github.io` is as
 * shared as `co.uk`).
 */
export function checkDestination(raw: string): DestinationCheck {
  const value = raw.trim();
  if (value === '') return { ok: false, message: 'must not be empty' };
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(bare)) return { ok: true, destination: bare.toLowerCase(), destinationType: 'ipAddress' };

  const host = value.toLowerCase().replace(/\.$/, '');
  if (host.length > 253) return { ok: false, message: 'a host name must be at most 253 characters' };
  const wildcard = host.startsWith('*.');
  const name = wildcard ? host.slice(2) : host;
  const labels = name.split('.');
  if (labels.some((label) => label === '*' || label.includes('*'))) {
    return { ok: false, message: 'a wildcard is only allowed as the leftmost label, as in *.example.com' };
  }
  if (!labels.every((label) => LABEL.test(label))) {
    return { ok: false, message: 'is neither an IP address nor a valid DNS name' };
  }
  if (/^\d+$/.test(labels[labels.length - 1])) {
    return { ok: false, message: 'is neither an IP address nor a valid DNS name' };
  }
  const suffix = getPublicSuffix(name, { allowPrivateDomains: true });
  if (suffix === name) {
    return {
      ok: false,
      message: wildcard
        ? `a wildcard must not stand directly before the public suffix "${name}"`
        : `"${name}" is a public suffix, not a destination`,
    };
  }
  return { ok: true, destination: host, destinationType: 'host' };
}
