import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Networks that are not the public internet: where an SSRF would reach internal systems. */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, if it is one. */
function embeddedIpv4(address: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m?.[1];
}

/** Whether an IP address is on a private, loopback, link-local or otherwise non-public network. */
export function isNonPublicAddress(address: string): boolean {
  const v4 = embeddedIpv4(address);
  if (v4) return isNonPublicAddress(v4);
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: refuse rather than guess
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A request refused because its host resolved to a non-public address. */
export class NonPublicAddressError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host} resolves to ${address}, a private or loopback address (set allowPrivateNetworks to allow it)`,
    );
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup for http.request that refuses non-public addresses. The check is on the addresses
 * the socket will connect to, so a name cannot pass the check and then resolve elsewhere.
 */
export function publicOnlyLookup(
  hostname: string,
  options: LookupOptions,
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const blocked = addresses.find((a) => isNonPublicAddress(a.address));
    if (blocked) return callback(new NonPublicAddressError(hostname, blocked.address), '');
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(
        Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }),
        '',
      );
    callback(null, first.address, first.family);
  });
}
