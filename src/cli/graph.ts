/**
 * A Mermaid picture of a plan: regions → components → key resources, each coloured by its policy status, so a
 * reviewer sees at a glance where the violations sit.
 */
import { ResourceRecorder, RecordedResource } from "../testing/mocks";
import { reveal } from "../testing/wire";
import { ReportFinding } from "./report";

/** Resource types worth a node of their own; everything else is summarised by its component. */
const KEY_TYPES = new Set([
  "aws:eks/cluster:Cluster",
  "aws:rds/globalCluster:GlobalCluster",
  "aws:rds/cluster:Cluster",
  "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:s3/bucket:Bucket",
  "aws:backup/plan:Plan",
  "aws:route53/healthCheck:HealthCheck",
  "aws:ec2/vpc:Vpc",
  "aws:cloudtrail/trail:Trail",
  "kubernetes:helm.sh/v3:Release",
  "kubernetes:core/v1:Namespace",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:apps/v1:StatefulSet",
]);

type Status = "fail" | "warn" | "ok";

const RANK: Record<Status, number> = { ok: 0, warn: 1, fail: 2 };

function isComponent(r: RecordedResource): boolean {
  return !r.custom && r.type !== "pulumi:pulumi:Stack";
}

function label(text: string): string {
  return text.replace(/"/g, "'").replace(/[<>]/g, "");
}

export function planGraph(recorder: ResourceRecorder, findings: readonly ReportFinding[]): string {
  const own = new Map<string, Status>();
  for (const f of findings) {
    if (f.status !== "violation") continue;
    const s: Status = f.enforcement === "mandatory" ? "fail" : "warn";
    if (RANK[s] > RANK[own.get(f.urn) ?? "ok"]) own.set(f.urn, s);
  }
  const children = new Map<string, RecordedResource[]>();
  for (const r of recorder.resources) {
    if (!r.parent) continue;
    if (!children.has(r.parent)) children.set(r.parent, []);
    children.get(r.parent)!.push(r);
  }
  const statusCache = new Map<string, Status>();
  const statusOf = (r: RecordedResource): Status => {
    const cached = statusCache.get(r.urn);
    if (cached) return cached;
    let s = own.get(r.urn) ?? "ok";
    for (const c of children.get(r.urn) ?? []) {
      const cs = statusOf(c);
      if (RANK[cs] > RANK[s]) s = cs;
    }
    statusCache.set(r.urn, s);
    return s;
  };
  const regionCache = new Map<string, string | undefined>();
  const regionOf = (r: RecordedResource): string | undefined => {
    if (regionCache.has(r.urn)) return regionCache.get(r.urn);
    let region = recorder.regionOf(r) ?? (r.type === "pulumi:providers:aws" ? (reveal(r.props.region) as string) : undefined);
    if (!region) {
      const regions = new Set((children.get(r.urn) ?? []).map(regionOf).filter((x): x is string => !!x));
      region = regions.size === 1 ? [...regions][0] : undefined;
    }
    regionCache.set(r.urn, region);
    return region;
  };
  // Kubernetes objects have no AWS provider: they sit in the region of the component that owns them.
  const placeOf = (r: RecordedResource): string | undefined => {
    const own = regionOf(r);
    if (own) return own;
    const parent = r.parent ? recorder.get(r.parent) : undefined;
    return parent && parent.type !== "pulumi:pulumi:Stack" ? placeOf(parent) : undefined;
  };

  const ids = new Map<string, string>();
  const idOf = (urn: string) => {
    if (!ids.has(urn)) ids.set(urn, `n${ids.size + 1}`);
    return ids.get(urn)!;
  };
  const shown = [...recorder.resources]
    .filter((r) => isComponent(r) || KEY_TYPES.has(r.type))
    .sort((a, b) => a.urn.localeCompare(b.urn));
  const shownUrns = new Set(shown.map((r) => r.urn));
  const nearestShownAncestor = (r: RecordedResource): string | undefined => {
    let parent = r.parent;
    while (parent && !shownUrns.has(parent)) parent = recorder.get(parent)?.parent;
    return parent;
  };

  const byRegion = new Map<string, RecordedResource[]>();
  for (const r of shown) {
    const key = placeOf(r) ?? "global";
    if (!byRegion.has(key)) byRegion.set(key, []);
    byRegion.get(key)!.push(r);
  }

  const lines = ["flowchart LR"];
  for (const region of [...byRegion.keys()].sort()) {
    lines.push(`  subgraph ${region.replace(/[^A-Za-z0-9]/g, "_")}["${region}"]`);
    for (const r of byRegion.get(region)!) {
      const kind = r.type.split(":").pop();
      const shape = isComponent(r) ? [`["`, `"]`] : [`("`, `")`];
      lines.push(`    ${idOf(r.urn)}${shape[0]}${label(`${kind} ${r.name}`)}${shape[1]}`);
    }
    lines.push("  end");
  }
  for (const r of shown) {
    const parent = nearestShownAncestor(r);
    if (parent) lines.push(`  ${idOf(parent)} --> ${idOf(r.urn)}`);
  }
  lines.push("  classDef ok fill:#d4edda,stroke:#2e7d32", "  classDef warn fill:#fff3cd,stroke:#b26a00", "  classDef fail fill:#f8d7da,stroke:#c62828");
  for (const status of ["ok", "warn", "fail"] as const) {
    const members = shown.filter((r) => statusOf(r) === status).map((r) => idOf(r.urn));
    if (members.length > 0) lines.push(`  class ${members.join(",")} ${status}`);
  }
  return `${lines.join("\n")}\n`;
}
