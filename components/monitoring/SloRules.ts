import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { isDns1123Label } from "../shared/kubernetes";
import { argsObjectProblems, checkOptionalObject, isRecord, Problem, Problems, throwIfProblems } from "../shared/validation";
import { isLabelKey, isLabelValue } from "../workload/names";
import { Slo, sloRuleGroups } from "./slo";
import { checkSlo } from "./sloValidation";
import { MONITORING_NAMESPACE, RuleGroup } from "./types";

export interface SloRulesArgs {
  /** The objective to alert on. */
  readonly slo: Slo;
  /** Namespace of the PrometheusRule object. @default "monitoring" (Prometheus reads rules from every namespace) */
  readonly namespace?: string;
  /** Extra labels on the PrometheusRule object. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function sloRulesProblems(args: SloRulesArgs): Problem[] {
  const shape = argsObjectProblems(args, "SloRules");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  checkSlo(problems, "slo", args.slo);
  if (args.namespace !== undefined) {
    problems.check(isDns1123Label(args.namespace), { property: "namespace", value: args.namespace, rule: "a Kubernetes namespace name (DNS label)", fix: "set namespace to the service's namespace, or leave it out" });
  }
  if (checkOptionalObject(problems, "labels", args.labels, "of labels { key: value }") && isRecord(args.labels)) {
    for (const [key, value] of Object.entries(args.labels)) {
      problems.check(isLabelKey(key) && isLabelValue(value), { property: `labels.${key}`, value, rule: "a valid Kubernetes label key and value (value ≤ 63 alphanumerics, '-', '_', '.')", fix: "use labels Prometheus' rule selector matches, e.g. { release: \"kube-prometheus-stack\" }" });
    }
  }
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the SloRules constructor calls first. */
export function validateSloRulesArgs(name: string, args: SloRulesArgs): void {
  throwIfProblems(`SloRules "${name}"`, sloRulesProblems(args));
}

/**
 * One SLO as a `monitoring.coreos.com/v1` PrometheusRule: recording rules, error budget and burn-rate alerts.
 *
 * The PrometheusRule CRD comes with kube-prometheus-stack, so pass the stack's Helm release in `dependsOn`:
 * the object is then only created once the CRD exists (MonitoringStack does this).
 */
export class SloRules extends pulumi.ComponentResource {
  /** The rule groups, as plain data (what the PrometheusRule's `spec.groups` holds). */
  readonly groups: readonly RuleGroup[];
  readonly rule: k8s.apiextensions.CustomResource;
  /** Name of the PrometheusRule object. */
  readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: SloRulesArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSloRulesArgs(name, args);
    super("production-platform:monitoring:SloRules", name, {}, opts);

    this.groups = sloRuleGroups(args.slo);
    this.rule = new k8s.apiextensions.CustomResource(
      `${name}-rule`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: {
          name: `slo-${args.slo.name}`,
          namespace: args.namespace ?? MONITORING_NAMESPACE,
          labels: { "app.kubernetes.io/part-of": "slo", "app.kubernetes.io/managed-by": "pulumi", slo: args.slo.name, ...(args.labels ?? {}) },
        },
        spec: { groups: this.groups },
      },
      // Component-level dependsOn does not hold back children: repeat it where the CRD is needed.
      { parent: this, dependsOn: opts?.dependsOn },
    );
    this.ruleName = this.rule.metadata.name;
    this.registerOutputs({ ruleName: this.ruleName });
  }
}
