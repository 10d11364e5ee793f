/**
 * CIS EKS 4.2.x: the Pod Security Standards controls. These delegate to the PSS check functions of the
 * pod-security pack (one implementation of "is this pod privileged"), using each check's newest revision, and only
 * re-word the result as the CIS control. hostNamespaces covers three CIS controls, so each keeps its own field.
 */
import type { CheckDefinition, CheckResult, VersionedCheck } from "../../pod-security/api";
import { allowPrivilegeEscalation } from "../../pod-security/checks/allowPrivilegeEscalation";
import { hostNamespaces } from "../../pod-security/checks/hostNamespaces";
import { privileged } from "../../pod-security/checks/privileged";
import { ResourceRule, Subject, describe } from "../../common/finding";
import { isWorkload, podTemplateOf } from "../../common/kubernetes";
import { cannotTellYet, containsUnknown } from "../../common/unknown";
import { cisEks } from "./meta";

/** Runs the newest revision of a PSS check on a workload's pod; `undefined` when there is no pod to judge. */
export function runPss(definition: CheckDefinition, workload: Subject): CheckResult | undefined {
  const pod = podTemplateOf(workload);
  if (!pod) return undefined;
  const newest = newestRevision(definition);
  return newest ? newest.check(pod) : undefined;
}

/** A check's newest revision, found once per check rather than by sorting its revisions per workload. */
const NEWEST = new WeakMap<CheckDefinition, VersionedCheck | undefined>();

function newestRevision(definition: CheckDefinition): VersionedCheck | undefined {
  if (!NEWEST.has(definition)) NEWEST.set(definition, [...definition.versions].sort((a, b) => b.minMinor - a.minMinor)[0]);
  return NEWEST.get(definition);
}

interface Delegation {
  readonly controlId: string;
  readonly slug: string;
  readonly title: string;
  readonly remediation: string;
  readonly check: CheckDefinition;
  /** Keep only the fixes whose path ends with this field (for checks that cover several CIS controls). */
  readonly field?: string;
  /** What the finding says is wrong. */
  readonly problem: string;
}

function delegate(d: Delegation): ResourceRule {
  return {
    meta: cisEks(d.controlId, d.slug, d.title, "high", d.remediation),
    types: isWorkload,
    check(r) {
      const result = runPss(d.check, r);
      if (!result || result.allowed) return [];
      const fixes = (result.fixes ?? []).filter((f) => d.field === undefined || f.path === `spec.${d.field}` || f.path.endsWith(`.${d.field}`));
      if (d.field !== undefined && fixes.length === 0) return [];
      // A spec still holding unknowns at preview cannot be judged for "must be set explicitly" controls.
      if (fixes.length === 0 && containsUnknown(podTemplateOf(r)?.spec)) return [cannotTellYet(describe(r), d.field ? `spec.${d.field}` : "container securityContext", `cis-eks-${d.controlId}-${d.slug}`)];
      const where = fixes.map((f) => `${f.path}: ${f.change}`).join("; ");
      return [{ message: `${describe(r)} ${d.problem}${where ? `; ${where}` : ""}.` }];
    },
  };
}

export const noPrivilegedContainers = delegate({
  controlId: "4.2.1",
  slug: "no-privileged-containers",
  title: "Minimize the admission of privileged containers",
  remediation: "Remove securityContext.privileged from every container or set it to false.",
  check: privileged,
  problem: "runs privileged containers",
});

export const noHostPid = delegate({
  controlId: "4.2.2",
  slug: "no-host-pid",
  title: "Minimize the admission of containers wishing to share the host process ID namespace",
  remediation: "Remove spec.hostPID from the pod spec or set it to false.",
  check: hostNamespaces,
  field: "hostPID",
  problem: "shares the host PID namespace",
});

export const noHostIpc = delegate({
  controlId: "4.2.3",
  slug: "no-host-ipc",
  title: "Minimize the admission of containers wishing to share the host IPC namespace",
  remediation: "Remove spec.hostIPC from the pod spec or set it to false.",
  check: hostNamespaces,
  field: "hostIPC",
  problem: "shares the host IPC namespace",
});

export const noHostNetwork = delegate({
  controlId: "4.2.4",
  slug: "no-host-network",
  title: "Minimize the admission of containers wishing to share the host network namespace",
  remediation: "Remove spec.hostNetwork from the pod spec or set it to false.",
  check: hostNamespaces,
  field: "hostNetwork",
  problem: "shares the host network namespace",
});

export const noPrivilegeEscalation = delegate({
  controlId: "4.2.5",
  slug: "no-privilege-escalation",
  title: "Minimize the admission of containers with allowPrivilegeEscalation",
  remediation: "Set securityContext.allowPrivilegeEscalation to false on every container.",
  check: allowPrivilegeEscalation,
  problem: "lets containers escalate privileges",
});
