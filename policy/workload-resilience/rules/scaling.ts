/** Replica floors, HPA vs fixed replicas, PodDisruptionBudgets: stack rules over workloads, HPAs and PDBs. */
import type { Finding, RuleContext, StackRule } from "../../common/finding";
import { cannotTellYet } from "../../common/unknown";
import { Workload, allowedDisruptions, floorReplicas, isScaled, workloadsOf } from "./model";
import { resilience } from "./meta";

const who = (kind: string, name: string, ns: string | undefined) => `${kind} ${name}${ns ? ` (namespace ${ns})` : ""}`;

/** "Cannot tell yet" for a workload whose replica floor is unknown at preview (the field that is unknown is named). */
function floorUnknown(w: Workload, policy: string): Finding {
  const field = w.hpa ? `HorizontalPodAutoscaler ${w.hpa.name} spec.minReplicas` : "spec.replicas";
  return cannotTellYet(who(w.kind, w.name, w.namespace), field, policy, w.hpa ?? w.subject);
}

/** The configured floor, else the environment's: 3 in prod, 2 elsewhere (the stricter default for an unknown program). */
function replicaFloor(ctx: RuleContext): number {
  const configured = ctx.config.minReplicas;
  if (typeof configured === "number" && Number.isInteger(configured) && configured >= 1) return configured;
  return ctx.environment === "prod" ? 3 : 2;
}

export const replicasMinimum: StackRule = {
  meta: resilience(
    "WR-1",
    "replicas-minimum",
    "Replicated workloads run at least 2 replicas (3 in prod), counting the HPA minimum",
    "high",
    "Set spec.replicas (or the HPA's minReplicas) to at least 2, and at least 3 in prod.",
  ),
  judges: isScaled,
  configSchema: {
    minReplicas: {
      type: "integer",
      minimum: 1,
      description: "Replica floor; unset: 3 in prod, 2 elsewhere. The stacks set it from their environment profile (config/<env>.json).",
    },
  },
  check(resources, ctx) {
    const min = replicaFloor(ctx);
    return workloadsOf(resources).flatMap((w): Finding[] => {
      const floor = floorReplicas(w);
      if (floor === "unknown") return [floorUnknown(w, "wr-replicas-minimum")];
      if (floor >= min) return [];
      const field = w.hpa ? `HorizontalPodAutoscaler ${w.hpa.name} minReplicas` : "spec.replicas";
      return [{ subject: w.hpa ?? w.subject, message: `${who(w.kind, w.name, w.namespace)} can run ${floor} replica(s); set ${field} to at least ${min} (${ctx.environment}).` }];
    });
  },
};

export const noFixedReplicasWithHpa: StackRule = {
  meta: resilience(
    "WR-2",
    "no-fixed-replicas-with-hpa",
    "Workloads scaled by an HPA do not set spec.replicas",
    "medium",
    "Remove spec.replicas from workloads an HPA targets, so a deployment does not reset the HPA's scale.",
  ),
  judges: isScaled,
  check(resources) {
    return workloadsOf(resources)
      .filter((w) => w.hpa && w.replicas !== undefined)
      .map((w) => ({
        subject: w.subject,
        message: `${who(w.kind, w.name, w.namespace)} sets spec.replicas while HorizontalPodAutoscaler ${w.hpa?.name} scales it; remove spec.replicas.`,
      }));
  },
};

export const pdbPresent: StackRule = {
  meta: resilience(
    "WR-3",
    "pdb-present",
    "Every replicated workload has a PodDisruptionBudget",
    "high",
    "Add a PodDisruptionBudget in the workload's namespace whose selector matches its pod labels.",
  ),
  judges: isScaled,
  check(resources) {
    return workloadsOf(resources).flatMap((w): Finding[] => {
      if (w.pdbs.length > 0) return [];
      const floor = floorReplicas(w);
      if (floor === "unknown") return [floorUnknown(w, "wr-pdb-present")];
      if (floor < 2) return [];
      return [{ subject: w.subject, message: `${who(w.kind, w.name, w.namespace)} has no PodDisruptionBudget; add one selecting its pod labels with maxUnavailable: 1.` }];
    });
  },
};

export const pdbAllowsDisruption: StackRule = {
  meta: resilience(
    "WR-4",
    "pdb-allows-disruption",
    "PodDisruptionBudgets allow at least one disruption at the workload's replica floor",
    "high",
    "Use maxUnavailable: 1 (or a minAvailable below the replica/HPA minimum) so node drains can proceed.",
  ),
  judges: isScaled,
  check(resources) {
    return workloadsOf(resources).flatMap((w): Finding[] => {
      const floor = floorReplicas(w);
      if (floor === "unknown") return w.pdbs.length > 0 ? [floorUnknown(w, "wr-pdb-allows-disruption")] : [];
      return w.pdbs.flatMap((pdb): Finding[] => {
        const allowed = allowedDisruptions(pdb, floor);
        if (allowed === "unknown") return [cannotTellYet(`PodDisruptionBudget ${pdb.name}`, "spec.minAvailable/maxUnavailable", "wr-pdb-allows-disruption", pdb)];
        if (allowed !== undefined && allowed >= 1) return [];
        const why = allowed === undefined ? "sets neither minAvailable nor maxUnavailable" : `allows ${allowed} disruption(s) at ${floor} replica(s)`;
        return [{ subject: pdb, message: `PodDisruptionBudget ${pdb.name} for ${who(w.kind, w.name, w.namespace)} ${why}; set maxUnavailable: 1 or lower minAvailable below ${floor}.` }];
      });
    });
  },
};
