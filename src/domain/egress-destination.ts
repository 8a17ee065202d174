import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { parse } from 'tldts';

export type DestinationType = 'ipAddress' | 'host';

/** `message` reads after the destination itself: `"*.com" puts a wildcard directly before …`. */
export type DestinationCheck =
  | { ok: true; destination: string; destinationType: DestinationType }
  | { ok: false; message: string };

const LABEL_CHARS = /^[a-z0-9-]+$/;
const MAX_NAME = 253;
const MAX_LABEL = 63;
const NOT_A_NAME = 'is neither an IP address nor a valid DNS name';

const fail = (message: string): DestinationCheck => ({ ok: false, message });

/**
 * An egress destination is an IP address or a DNS name. A `*.` wildcard may only be the
 * leftmost label and never sit directly on a public suffix (`*.com`, `*.co.uk`), and a public
 * suffix alone is no destination either. Suffixes come from the public suffix list as shipped
 * by `tldts`, ICANN and private sections both (a private suffix such as `github.io` is as
 * shared as `co.uk`).
 *
 * The returned destination is canonical (lower case, no trailing dot, IPv6 compressed, IDN as
 * punycode) so that two spellings of one destination collide on the store's unique key.
 */
export function checkDestination(raw: string): DestinationCheck {
  const value = raw.trim();
  if (value === '') return fail('must not be empty');
  const bracketed = value.startsWith('[') && value.endsWith(']');
  const bare = bracketed ? value.slice(1, -1) : value;
  if (bare.includes('%') && isIP(bare) === 6) {
    return fail('has an IPv6 zone index (%…), which only means something on one machine');
  }
  const ipVersion = isIP(bare);
  if (ipVersion === 6) return { ok: true, destination: canonicalIpv6(bare), destinationType: 'ipAddress' };
  // Brackets belong to IPv6 only (as in URLs); `[1.2.3.4]` or `[example.com]` is a typo.
  if (bracketed) return fail('uses brackets, which only enclose IPv6 addresses');
  if (ipVersion === 4) return { ok: true, destination: bare, destinationType: 'ipAddress' };
  return checkHost(value.toLowerCase());
}

function checkHost(lowered: string): DestinationCheck {
  // One trailing dot is the DNS root (`example.com.` is `example.com`); more is an empty label.
  const host = lowered.endsWith('.') ? lowered.slice(0, -1) : lowered;
  const wildcard = host.startsWith('*.');
  const name = toAscii(wildcard ? host.slice(2) : host);
  if (name === null) return fail(NOT_A_NAME);
  if (name.includes('*')) {
    return fail(host === '*' ? 'needs a domain after the wildcard, as in *.example.com'
      : 'may hold a wildcard only as its whole leftmost label, as in *.example.com');
  }
  const full = wildcard ? `*.${name}` : name;
  if (full.length > MAX_NAME) return fail(`is longer than ${MAX_NAME} characters`);

  const labels = name.split('.');
  if (labels.some((label) => label === '')) return fail(`${NOT_A_NAME}: it has an empty label`);
  const long = labels.find((label) => label.length > MAX_LABEL);
  if (long) return fail(`has a label longer than ${MAX_LABEL} characters ("${long.slice(0, 12)}…")`);
  const bad = labels.find((label) => !LABEL_CHARS.test(label) || label.startsWith('-') || label.endsWith('-'));
  if (bad !== undefined) {
    return fail(`${NOT_A_NAME}: label "${bad}" may hold only letters, digits and inner hyphens`);
  }
  // A numeric last label makes resolvers read the name as an IPv4 address (`1.2.3` is 1.2.0.3).
  if (/^(\d+|0x[0-9a-f]*)$/.test(labels[labels.length - 1])) return fail(NOT_A_NAME);

  const parsed = parse(name, { allowPrivateDomains: true });
  if (parsed.publicSuffix === name) {
    if (wildcard) return fail(`puts a wildcard directly before the public suffix "${name}"`);
    // The suffix list's default rule makes every unknown one-label name a "suffix": say what is meant.
    if (labels.length === 1 && !parsed.isIcann && !parsed.isPrivate) {
      return fail('is a single-label name; give a fully qualified name such as service.example.com');
    }
    return fail('is a public suffix, shared by many owners, not a destination');
  }
  return { ok: true, destination: full, destinationType: 'host' };
}

/**
 * Internationalised names become punycode, as resolvers and proxies see them. Only letters,
 * digits, dots and hyphens go through the WHATWG conversion: it would otherwise percent-decode
 * or cut at `/` and turn garbage into a valid-looking name.
 */
function toAscii(name: string): string | null {
  if (!/[^\x00-\x7f]/.test(name)) return name;
  if (/[^\p{L}\p{M}\p{N}.-]/u.test(name)) return null;
  const ascii = domainToASCII(name);
  return ascii === '' ? null : ascii;
}

/** RFC 5952 text: compressed, lower case, an IPv4-mapped address with its dotted quad. */
function canonicalIpv6(address: string): string {
  const compressed = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const [high, low] = [parseInt(mapped[1], 16), parseInt(mapped[2], 16)];
  return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
