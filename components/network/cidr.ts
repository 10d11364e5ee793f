/**
 * IPv4 CIDR arithmetic: parsing, overlap checks and deterministic subnet carving.
 *
 * Pure functions so that the stack config can validate every region's VPC range before any component runs, and so
 * that the subnet layout is a function of the arguments alone (the same CIDR and zones always give the same subnets).
 */
import { argsObjectProblems, Problem, ValidationError } from "../shared/validation";

/** An IPv4 CIDR block as an unsigned 32-bit base address and a prefix length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n` strictly (no leading zeros, octets ≤ 255, prefix ≤ 32); `undefined` when malformed. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1).map((p) => (p.length > 1 && p.startsWith("0") ? NaN : Number(p)));
  const [a, b, c, d, prefix] = parts;
  if ([a, b, c, d].some((o) => !(o >= 0 && o <= 255)) || !(prefix >= 0 && prefix <= 32)) return undefined;
  return { base: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, prefix };
}

export function formatCidr(cidr: Cidr): string {
  const b = cidr.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${cidr.prefix}`;
}

/** Number of addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when no host bits are set, e.g. `10.0.0.0/16` but not `10.0.0.1/16`. */
export function isNetworkAddress(cidr: Cidr): boolean {
  return cidr.base % blockSize(cidr.prefix) === 0;
}

/** The network address of the block containing `cidr`, e.g. `10.0.0.0/16` for `10.0.3.7/16`. */
export function networkOf(cidr: Cidr): Cidr {
  const size = blockSize(cidr.prefix);
  return { base: cidr.base - (cidr.base % size), prefix: cidr.prefix };
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + blockSize(a.prefix);
  const bEnd = b.base + blockSize(b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

const RFC1918: readonly Cidr[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((c) => parseCidr(c) as Cidr);

/** True when the whole block lies inside one of the RFC 1918 private ranges. */
export function isPrivateRange(cidr: Cidr): boolean {
  return RFC1918.some((range) => cidr.prefix >= range.prefix && cidrsOverlap(range, cidr));
}

/**
 * Carves one block per requested prefix out of `parent`, packing the largest blocks first so every block is aligned
 * to its own size. Returns the blocks in the order requested, or `undefined` when they do not fit.
 */
export function carveSubnets(parent: Cidr, prefixes: readonly number[]): Cidr[] | undefined {
  if (prefixes.some((p) => p < parent.prefix || p > 32)) return undefined;
  const order = prefixes.map((prefix, index) => ({ prefix, index })).sort((x, y) => x.prefix - y.prefix || x.index - y.index);
  const out: Cidr[] = new Array(prefixes.length);
  let offset = 0;
  for (const { prefix, index } of order) {
    // Descending sizes that are all powers of two keep `offset` aligned without padding.
    out[index] = { base: parent.base + offset, prefix };
    offset += blockSize(prefix);
  }
  return offset <= blockSize(parent.prefix) ? out : undefined;
}

/**
 * Problems for a map of region → VPC CIDR: malformed blocks and every pair that overlaps (peered or transit-attached
 * VPCs cannot route between overlapping ranges). `property` is the config path of the map, used in messages.
 */
export function cidrOverlapProblems(cidrByRegion: Readonly<Record<string, string>>, property = "cidrBlocks"): Problem[] {
  const shape = argsObjectProblems(cidrByRegion, "region → CIDR", property);
  if (shape.length > 0) return shape;
  const problems: Problem[] = [];
  const parsed: { region: string; text: string; cidr: Cidr }[] = [];
  for (const [region, text] of Object.entries(cidrByRegion)) {
    const cidr = parseCidr(text);
    if (!cidr) {
      problems.push({
        property: `${property}["${region}"]`,
        value: text,
        rule: "an IPv4 CIDR block such as 10.0.0.0/16",
        fix: `set ${property}["${region}"] to a private range like 10.1.0.0/16`,
      });
      continue;
    }
    parsed.push({ region, text, cidr });
  }
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      const a = parsed[i];
      const b = parsed[j];
      if (!cidrsOverlap(a.cidr, b.cidr)) continue;
      problems.push({
        property: `${property}["${b.region}"]`,
        value: b.text,
        rule: `a range that does not overlap ${property}["${a.region}"] (${a.text}), so the regions can be peered`,
        fix: `give ${b.region} its own range, e.g. the next free /${b.cidr.prefix} after ${a.text}`,
      });
    }
  }
  return problems;
}

/** Throws one `ValidationError` listing every malformed or overlapping regional CIDR. */
export function validateNonOverlappingCidrs(cidrByRegion: Readonly<Record<string, string>>, property = "cidrBlocks"): void {
  const problems = cidrOverlapProblems(cidrByRegion, property);
  if (problems.length > 0) throw new ValidationError("regional VPC CIDR blocks", problems);
}
