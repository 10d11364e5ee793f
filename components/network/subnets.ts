/**
 * Subnet layout by fixed zone slot: a zone's subnets sit in the slot of its letter, whatever other zones the VPC
 * uses, so adding or removing a zone never moves another zone's CIDR (a subnet's CIDR cannot change in place: a move
 * would replace the subnet and everything in it: node groups, NAT gateways, DB subnet groups).
 *
 * A VPC of prefix /p is cut into halves and quarters:
 * - the first half holds 8 private slots of /(p+4), slot s at base + s × 2^(28-p) (a /16 gives /20s: 4,091 usable
 *   addresses per zone for nodes and VPC CNI pods);
 * - the third quarter holds 8 public slots of /(p+5) (a /16 gives /21s, for NAT gateways and load balancer ENIs);
 * - the last quarter stays free for tiers added later (isolated data subnets, a secondary range's successors).
 * Eight slots cover every region's zone letters (us-east-1 has the most: a–f).
 *
 * Zone letters, not AZ IDs, pick the slot because resource names carry the zone name too: within one account (a
 * stack's scope) both are fixed for a zone, so a zone's names and CIDRs are keyed the same way.
 */
import { blockSize, Cidr, cidrsOverlap, formatCidr, isNetworkAddress, parseCidr } from "./cidr";
import { Problems } from "../shared/validation";

/** Slots per tier: zone letters a–h. */
export const ZONE_SLOTS = 8;
/** Bits of the VPC prefix a private slot adds (8 slots in half the VPC) and a public slot (8 in a quarter). */
const PRIVATE_SLOT_BITS = 4;
const PUBLIC_SLOT_BITS = 5;
/** The smallest VPC cut into slots: a /20 gives /24 private and /25 public subnets. Smaller VPCs list their CIDRs. */
export const SLOTTED_VPC_PREFIX_MAX = 20;

/** Explicit CIDRs of one zone's subnets, e.g. the ones a deployed stack already has. */
export interface ZoneSubnetCidrs {
  readonly private: string;
  readonly public: string;
}

/** The subnet layout of one VPC, in zone order. */
export interface SubnetPlan {
  readonly privateCidrs: readonly string[];
  readonly publicCidrs: readonly string[];
}

/** Slot of a zone name: its letter after the region (`us-east-1c` → 2); `undefined` past h or for another region. */
export function zoneSlot(region: string, zone: string): number | undefined {
  if (!zone.startsWith(region)) return undefined;
  const letter = zone.slice(region.length);
  const slot = letter.length === 1 ? letter.charCodeAt(0) - "a".charCodeAt(0) : -1;
  return slot >= 0 && slot < ZONE_SLOTS ? slot : undefined;
}

/** Prefix lengths of the private and public slots of a VPC: the default (and largest) subnet of each tier. */
export function slotPrefixes(vpcPrefix: number): { privatePrefix: number; publicPrefix: number } {
  return { privatePrefix: vpcPrefix + PRIVATE_SLOT_BITS, publicPrefix: vpcPrefix + PUBLIC_SLOT_BITS };
}

/** The private and public subnet of a slot, each at the start of its slot with the given prefix. */
export function slotSubnets(vpc: Cidr, slot: number, privatePrefix: number, publicPrefix: number): { private: Cidr; public: Cidr } {
  const slots = slotPrefixes(vpc.prefix);
  const half = blockSize(vpc.prefix) / 2;
  return {
    private: { base: vpc.base + slot * blockSize(slots.privatePrefix), prefix: privatePrefix },
    public: { base: vpc.base + half + slot * blockSize(slots.publicPrefix), prefix: publicPrefix },
  };
}

export interface SubnetPlanInput {
  readonly region: string;
  readonly vpc: Cidr;
  readonly zones: readonly string[];
  readonly privatePrefix?: number;
  readonly publicPrefix?: number;
  readonly explicit?: Readonly<Record<string, ZoneSubnetCidrs>>;
}

/** The layout: explicit CIDRs where given, else the zone's slot. `undefined` when a zone has neither. */
export function planSubnets(input: SubnetPlanInput): SubnetPlan | undefined {
  const defaults = slotPrefixes(input.vpc.prefix);
  const privateCidrs: string[] = [];
  const publicCidrs: string[] = [];
  for (const zone of input.zones) {
    const given = input.explicit?.[zone];
    if (given) {
      privateCidrs.push(given.private);
      publicCidrs.push(given.public);
      continue;
    }
    const slot = zoneSlot(input.region, zone);
    if (slot === undefined || input.vpc.prefix > SLOTTED_VPC_PREFIX_MAX) return undefined;
    const subnets = slotSubnets(input.vpc, slot, input.privatePrefix ?? defaults.privatePrefix, input.publicPrefix ?? defaults.publicPrefix);
    privateCidrs.push(formatCidr(subnets.private));
    publicCidrs.push(formatCidr(subnets.public));
  }
  return { privateCidrs, publicCidrs };
}

/** Problems with explicit per-zone CIDRs: known zones, well-formed network addresses inside the VPC, sizes AWS allows. */
export function checkExplicitSubnets(
  problems: Problems,
  explicit: Readonly<Record<string, ZoneSubnetCidrs>>,
  zones: readonly string[],
  vpc: Cidr | undefined,
  limits: { readonly privatePrefixMax: number; readonly subnetPrefixMax: number },
  property = "subnetCidrs",
): void {
  for (const [zone, cidrs] of Object.entries(explicit)) {
    problems.check(zones.includes(zone), {
      property: `${property}["${zone}"]`, value: cidrs, rule: `a zone the VPC uses (${zones.join(", ")})`,
      fix: `remove the entry, or add ${zone} to the zones`,
    });
    for (const tier of ["private", "public"] as const) {
      const text = (cidrs as Partial<ZoneSubnetCidrs> | undefined)?.[tier];
      const cidr = parseCidr(text);
      const max = tier === "private" ? limits.privatePrefixMax : limits.subnetPrefixMax;
      problems.check(cidr !== undefined && isNetworkAddress(cidr) && cidr.prefix <= max && (!vpc || (cidr.prefix >= vpc.prefix && cidrsOverlap(vpc, cidr))), {
        property: `${property}["${zone}"].${tier}`, value: text,
        rule: `an IPv4 network address of /${max} or larger inside the VPC${vpc ? ` (${formatCidr(vpc)})` : ""}`,
        fix: `give ${zone} a ${tier} range inside the VPC, e.g. the one the deployed subnet already has`,
      });
    }
  }
}

/** Every pair of planned subnets that overlaps (explicit CIDRs can collide with each other or with a slot). */
export function checkSubnetOverlap(problems: Problems, zones: readonly string[], plan: SubnetPlan, property = "subnetCidrs"): void {
  const all = zones.flatMap((zone, i) => [
    { label: `${zone} private`, zone, text: plan.privateCidrs[i] },
    { label: `${zone} public`, zone, text: plan.publicCidrs[i] },
  ]).map((s) => ({ ...s, cidr: parseCidr(s.text) }));
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i];
      const b = all[j];
      if (!a.cidr || !b.cidr || !cidrsOverlap(a.cidr, b.cidr)) continue;
      problems.add({
        property: `${property}["${b.zone}"]`, value: b.text, rule: `subnets that do not overlap (the ${b.label} subnet overlaps the ${a.label} subnet, ${a.text})`,
        fix: `give ${b.zone} ranges of its own, or drop its explicit CIDRs to use its slot`,
      });
    }
  }
}
