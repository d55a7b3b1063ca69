import { BlockList, isIP } from 'node:net';

/**
 * Addresses an admin-set URL must not reach unless private targets are allowed: loopback,
 * "this network", private (RFC 1918, unique local), carrier-grade NAT, link-local (cloud
 * metadata services answer on 169.254.169.254 and fd00:ec2::254), benchmarking, multicast and
 * reserved ranges. IPv4-mapped and NAT64 IPv6 forms are judged by the IPv4 address they carry.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** Why an IP address is refused ("a loopback address"…), or undefined when it is public. */
export function privateAddressKind(address: string): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return undefined;
  if (family === 6) {
    const embedded = embeddedIpv4(bare);
    if (embedded !== undefined) return privateAddressKind(embedded);
    return BLOCKED.check(bare, 'ipv6') ? kindOf6(bare.toLowerCase()) : undefined;
  }
  return BLOCKED.check(bare, 'ipv4') ? kindOf4(bare) : undefined;
}

function kindOf4(address: string): string {
  const [a, b] = address.split('.').map(Number) as [number, number];
  if (a === 127) return 'a loopback address';
  if (a === 169 && b === 254) return 'a link-local address (cloud metadata services live there)';
  if (a === 0) return 'an address of this network';
  if (a >= 224) return 'a multicast or reserved address';
  return 'a private network address';
}

function kindOf6(address: string): string {
  if (address === '::1') return 'a loopback address';
  if (/^fe[89ab]/.test(address)) return 'a link-local address';
  if (address.startsWith('ff')) return 'a multicast address';
  if (address === '::') return 'an unspecified address';
  return 'a private network address';
}

/** The IPv4 address inside ::ffff:a.b.c.d (mapped) or 64:ff9b::a.b.c.d (NAT64), in either notation. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const prefix = ['::ffff:', '64:ff9b::', '::ffff:0:'].find((p) => lower.startsWith(p));
  if (prefix === undefined) return undefined;
  const rest = lower.slice(prefix.length);
  if (isIP(rest) === 4) return rest;
  const groups = rest.split(':');
  if (groups.length !== 2 || !groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  const [high, low] = groups.map((g) => Number.parseInt(g, 16)) as [number, number];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
