// Scratch: run the three packs' rules in-process on a plan's resources.json (not committed).
import { RULES as AWS } from "../policy/aws-baseline/rules";
import { RULES as CIS } from "../policy/kubernetes-cis/rules";
import { RULES as WR } from "../policy/workload-resilience/rules";
import { runRule, contextFor, Subject } from "../policy/common/finding";
const file = process.argv[2];
const env = (process.argv[3] ?? "prod") as any;
const rs: any[] = require(file);
const byUrn = new Map(rs.map((r) => [r.urn, r]));
const subjects: Subject[] = rs.filter((r) => r.custom !== false).map((r) => {
  const p = r.provider ? byUrn.get(r.provider) : undefined;
  return { type: r.type, name: r.name, urn: r.urn, props: r.props ?? {}, parent: r.parent ?? undefined, provider: p ? { type: p.type, name: p.name, urn: p.urn, props: p.props ?? {} } : undefined };
});
const counts: Record<string, number> = {};
for (const rule of [...AWS, ...CIS, ...WR]) {
  for (const f of runRule(rule, subjects, contextFor(env))) {
    const key = `${rule.meta.id}${f.undecided ? " (cannot tell)" : ""}`;
    counts[key] = (counts[key] ?? 0) + 1;
    if ((counts[key] ?? 0) <= 2) console.log(`${key}: ${f.message.slice(0, 260)}`);
  }
}
console.log(JSON.stringify(counts, null, 1));
