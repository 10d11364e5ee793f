/**
 * A Mermaid picture of a plan that a person can read at prod size: one box per region holding its edge, its
 * Kubernetes clusters (each with one node per namespace, naming the namespace's Services) and its data tier, then
 * the rest of the platform; components collapsed to one node per region with a count of what they hold; every node
 * coloured by the worst finding of what it stands for (Helm releases, which no pack sees, in grey as "not judged").
 * Kubernetes objects are placed in their cluster's region through their provider: the provider's kubeconfig comes
 * from an EKS cluster (its dependencies), and that cluster's AWS provider names the region.
 */
import { ResourceRecorder, RecordedResource } from "../testing/mocks";
import { reveal, UNKNOWN } from "../testing/wire";
import { ReportFinding } from "./report";

type Status = "fail" | "warn" | "undecided" | "ok" | "unjudged";
type Tier = "edge" | "data" | "platform";

const RANK: Record<Status, number> = { ok: 0, unjudged: 1, undecided: 2, warn: 3, fail: 4 };
const CLASS_DEFS = [
  "  classDef ok fill:#d4edda,stroke:#2e7d32,color:#1b3d1f",
  "  classDef undecided fill:#dbe9f6,stroke:#1f5f99,color:#0d2c47",
  "  classDef warn fill:#fff3cd,stroke:#b26a00,color:#4d2e00",
  "  classDef fail fill:#f8d7da,stroke:#c62828,color:#5c1010",
  "  classDef unjudged fill:#e0e0e0,stroke:#616161,color:#212121,stroke-dasharray:4 3",
];
const LEGEND: readonly [Status, string][] = [
  ["fail", "mandatory violation"],
  ["warn", "advisory finding"],
  ["undecided", "cannot tell yet (decidable after deploy)"],
  ["ok", "no finding"],
  ["unjudged", "not judged (Helm release)"],
];

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const EDGE_TYPES = /^aws:(route53|cloudfront|globalaccelerator|wafv2|lb|alb|acm|apigateway)/;
const DATA_TYPES = /^aws:(rds|elasticache|dynamodb|s3|efs|backup|docdb|memorydb|opensearch|msk)\//;
const AREA_TIER: Record<string, Tier> = { data: "data", traffic: "edge" };
const TIER_TITLE: Record<Tier, string> = { edge: "edge", data: "data tier", platform: "platform" };

/** Mermaid node text: no quotes or angle brackets from resource names; lines joined with <br>. */
function text(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/"/g, "'").replace(/[<>]/g, "")).join("<br>");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The worst status per URN from the findings (exempted ones do not colour). */
function findingStatus(findings: readonly ReportFinding[]): Map<string, Status> {
  const own = new Map<string, Status>();
  for (const f of findings) {
    if (f.status !== "violation" || f.pack === "plan") continue;
    const s: Status = f.enforcement === "mandatory" ? "fail" : f.decidable === "after-deploy" ? "undecided" : "warn";
    if (RANK[s] > RANK[own.get(f.urn) ?? "ok"]) own.set(f.urn, s);
  }
  return own;
}

/** A node: what it stands for, where it sits, and its label. */
interface GraphNode {
  readonly region: string;
  /** The cluster box it sits in, or the tier box. */
  readonly box: string;
  readonly label: string[];
  readonly members: string[];
  readonly unjudged?: boolean;
}

class Placement {
  private readonly clusterOfProvider = new Map<string, RecordedResource | undefined>();

  constructor(private readonly recorder: ResourceRecorder) {}

  /** The EKS cluster a Kubernetes provider was built from: a cluster among its dependencies, else in its component. */
  clusterOf(provider: RecordedResource | undefined): RecordedResource | undefined {
    if (!provider) return undefined;
    if (this.clusterOfProvider.has(provider.urn)) return this.clusterOfProvider.get(provider.urn);
    const deps = [...provider.dependencies, ...Object.values(provider.propertyDependencies).flat()];
    let cluster = deps.map((u) => this.recorder.get(u)).find((r) => r?.type === EKS_CLUSTER);
    for (let p = provider.parent; !cluster && p; p = this.recorder.get(p)?.parent) {
      const clusters = this.recorder.descendantsOf(p).filter((r) => r.type === EKS_CLUSTER);
      if (clusters.length === 1) cluster = clusters[0];
      if (clusters.length > 0) break;
    }
    this.clusterOfProvider.set(provider.urn, cluster);
    return cluster;
  }

  /** Region of an AWS resource (its provider), of a Kubernetes object (its cluster's), else undefined (global). */
  regionOf(r: RecordedResource): string | undefined {
    if (r.type.startsWith("kubernetes:")) {
      const cluster = this.clusterOf(this.recorder.providerOf(r));
      return cluster ? this.recorder.regionOf(cluster) : undefined;
    }
    if (r.type === "pulumi:providers:aws") return reveal(r.props.region) as string | undefined;
    return this.recorder.regionOf(r);
  }

  /** The top-level component a resource belongs to (the stack's direct child above it), if any. */
  topComponent(r: RecordedResource): RecordedResource | undefined {
    let top: RecordedResource | undefined;
    let p: RecordedResource | undefined = r.parent ? this.recorder.get(r.parent) : undefined;
    while (p && p.type !== "pulumi:pulumi:Stack") {
      top = p;
      p = p.parent ? this.recorder.get(p.parent) : undefined;
    }
    return top;
  }
}

function tierOf(component: RecordedResource | undefined, types: readonly string[]): Tier {
  const area = component?.type.startsWith("production-platform:") ? component.type.split(":")[1] : undefined;
  if (area && AREA_TIER[area]) return AREA_TIER[area];
  if (types.some((t) => DATA_TYPES.test(t))) return "data";
  if (types.some((t) => EDGE_TYPES.test(t))) return "edge";
  return "platform";
}

function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

/** Kubernetes objects per (region, cluster, namespace); Helm releases per cluster; AWS resources per (region, component). */
function buildNodes(recorder: ResourceRecorder, place: Placement): GraphNode[] {
  const k8s = new Map<string, { region: string; cluster: string; namespace: string; members: RecordedResource[] }>();
  const releases = new Map<string, { region: string; cluster: string; members: RecordedResource[] }>();
  const aws = new Map<string, { region: string; component?: RecordedResource; members: RecordedResource[] }>();
  for (const r of recorder.resources) {
    if (!r.custom || r.type.startsWith("pulumi:")) continue;
    const region = place.regionOf(r) ?? "global";
    if (r.type.startsWith("kubernetes:")) {
      const cluster = place.clusterOf(recorder.providerOf(r))?.name ?? recorder.providerOf(r)?.name ?? "default cluster";
      if (r.type === HELM_RELEASE) {
        const key = `${region}|${cluster}`;
        if (!releases.has(key)) releases.set(key, { region, cluster, members: [] });
        releases.get(key)!.members.push(r);
        continue;
      }
      const namespace = namespaceOf(r, recorder);
      const key = `${region}|${cluster}|${namespace}`;
      if (!k8s.has(key)) k8s.set(key, { region, cluster, namespace, members: [] });
      k8s.get(key)!.members.push(r);
      continue;
    }
    const component = place.topComponent(r);
    const key = `${region}|${component?.urn ?? r.type}`;
    if (!aws.has(key)) aws.set(key, { region, component, members: [] });
    aws.get(key)!.members.push(r);
  }
  const nodes: GraphNode[] = [];
  for (const g of k8s.values()) {
    const services = g.members.filter((m) => m.type === "kubernetes:core/v1:Service").map((m) => String((reveal(m.props.metadata) as any)?.name ?? m.name)).sort();
    const shown = services.slice(0, 4).join(", ") + (services.length > 4 ? ` +${services.length - 4}` : "");
    const label = [g.namespace === "(cluster-scoped)" ? "cluster-scoped objects" : g.namespace.startsWith("(") ? g.namespace : `namespace ${g.namespace}`, plural(g.members.length, "object")];
    if (services.length > 0) label.push(`services: ${shown}`);
    nodes.push({ region: g.region, box: `cluster:${g.cluster}`, label, members: g.members.map((m) => m.urn) });
  }
  for (const g of releases.values()) {
    const charts = g.members.map((m) => String(reveal(m.props.chart) ?? m.name)).sort();
    nodes.push({ region: g.region, box: `cluster:${g.cluster}`, label: [plural(g.members.length, "Helm release"), "not judged", charts.slice(0, 3).join(", ") + (charts.length > 3 ? ` +${charts.length - 3}` : "")], members: g.members.map((m) => m.urn), unjudged: true });
  }
  for (const g of aws.values()) {
    const types = g.members.map((m) => m.type);
    const title = g.component ? `${kindOf(g.component.type)} ${g.component.name}` : `${kindOf(types[0])} ×${g.members.length}`;
    const clusters = g.members.filter((m) => m.type === EKS_CLUSTER).map((m) => `EKS ${m.name}`);
    nodes.push({ region: g.region, box: `tier:${tierOf(g.component, types)}`, label: [title, plural(g.members.length, "resource"), ...clusters], members: g.members.map((m) => m.urn) });
  }
  return nodes;
}

/** A known name, or undefined for a missing or unknown value. */
function knownString(value: unknown): string | undefined {
  return typeof value === "string" && value !== UNKNOWN ? value : undefined;
}

/**
 * The namespace a Kubernetes object sits in. At first preview `metadata.namespace` is often an output of the
 * program's Namespace (unknown): then the Namespace it was computed from (its property dependencies) names it.
 */
function namespaceOf(r: RecordedResource, recorder: ResourceRecorder): string {
  const metadata = (reveal(r.props.metadata) ?? {}) as Record<string, unknown>;
  if (kindOf(r.type).startsWith("Namespace")) {
    return knownString(metadata.name) ?? "(namespace name unknown until deploy)";
  }
  if (metadata.namespace === undefined) return "(cluster-scoped)";
  const own = knownString(metadata.namespace);
  if (own) return own;
  const from = (r.propertyDependencies.metadata ?? []).map((u) => recorder.get(u)).find((d) => d?.type === "kubernetes:core/v1:Namespace");
  const name = from ? knownString((reveal(from.props.metadata) as Record<string, unknown> | undefined)?.name) : undefined;
  return name ?? "(namespace unknown until deploy)";
}

function nodeStatus(node: GraphNode, own: ReadonlyMap<string, Status>): Status {
  let s: Status = node.unjudged ? "unjudged" : "ok";
  for (const urn of node.members) {
    const m = own.get(urn) ?? "ok";
    if (RANK[m] > RANK[s]) s = m;
  }
  return s;
}

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, "_");
}

/** The Mermaid flowchart of a plan (written to graph.mmd and into policy-report.md). */
export function planGraph(recorder: ResourceRecorder, findings: readonly ReportFinding[]): string {
  const own = findingStatus(findings);
  const nodes = buildNodes(recorder, new Placement(recorder));
  // Top to bottom: regions side by side; in each, edge above its clusters above its data tier above the rest;
  // nodes of a box in a grid (invisible links), so prod reads as a page, not a 7,000-pixel strip.
  const lines = ["flowchart TB"];
  const classes = new Map<Status, string[]>();
  let count = 0;
  const emit = (node: GraphNode, indent: string): string => {
    const id = `n${++count}`;
    lines.push(`${indent}${id}["${text(node.label)}"]`);
    const s = nodeStatus(node, own);
    classes.set(s, [...(classes.get(s) ?? []), id]);
    return id;
  };
  const regions = [...new Set(nodes.map((n) => n.region))].sort((a, b) => (a === "global" ? 1 : b === "global" ? -1 : a.localeCompare(b)));
  const links: string[] = [];
  for (const region of regions) {
    const rid = `r_${safeId(region)}`;
    lines.push(`  subgraph ${rid}["${region === "global" ? "global (no region)" : `region ${region}`}"]`);
    const mine = nodes.filter((n) => n.region === region);
    const boxes = [...new Set(mine.map((n) => n.box))].sort((a, b) => boxOrder(a) - boxOrder(b) || a.localeCompare(b));
    for (const box of boxes) {
      const bid = `${rid}_${safeId(box)}`;
      const inBox = mine.filter((n) => n.box === box).sort((a, b) => a.label[0].localeCompare(b.label[0]));
      const objects = inBox.reduce((sum, n) => sum + n.members.length, 0);
      const title = box.startsWith("cluster:") ? `Kubernetes cluster ${box.slice("cluster:".length)} · ${plural(objects, "object")}` : TIER_TITLE[box.slice("tier:".length) as Tier];
      lines.push(`    subgraph ${bid}["${text([title])}"]`);
      const ids = inBox.map((node) => emit(node, "      "));
      const columns = Math.min(4, Math.ceil(Math.sqrt(ids.length)));
      for (let i = 0; i + columns < ids.length; i++) links.push(`  ${ids[i]} ~~~ ${ids[i + columns]}`);
      lines.push("    end");
    }
    // Traffic flows edge → clusters → data; drawn between the boxes so the layout reads left to right.
    const edge = boxes.find((b) => b === "tier:edge");
    const data = boxes.find((b) => b === "tier:data");
    for (const cluster of boxes.filter((b) => b.startsWith("cluster:"))) {
      if (edge) links.push(`  ${rid}_${safeId(edge)} --> ${rid}_${safeId(cluster)}`);
      if (data) links.push(`  ${rid}_${safeId(cluster)} --> ${rid}_${safeId(data)}`);
    }
    const platform = boxes.find((b) => b === "tier:platform");
    const above = data ?? boxes.find((b) => b.startsWith("cluster:")) ?? edge;
    if (platform && above) links.push(`  ${rid}_${safeId(above)} ~~~ ${rid}_${safeId(platform)}`);
    lines.push("  end");
  }
  lines.push('  subgraph legend["legend"]');
  for (const [status, meaning] of LEGEND) {
    lines.push(`    legend_${status}["${meaning}"]`);
    classes.set(status, [...(classes.get(status) ?? []), `legend_${status}`]);
  }
  // Regions one below the other (invisible links between their boxes), the legend on top.
  const stack = ["legend", ...regions.map((r) => `r_${safeId(r)}`)];
  for (let i = 0; i + 1 < stack.length; i++) links.push(`  ${stack[i]} ~~~ ${stack[i + 1]}`);
  lines.push("  end", ...links, ...CLASS_DEFS);
  for (const status of ["ok", "unjudged", "undecided", "warn", "fail"] as const) {
    const members = classes.get(status) ?? [];
    if (members.length > 0) lines.push(`  class ${members.join(",")} ${status}`);
  }
  return `${lines.join("\n")}\n`;
}

function boxOrder(box: string): number {
  return box === "tier:edge" ? 0 : box.startsWith("cluster:") ? 1 : box === "tier:data" ? 2 : 3;
}
