/** Closed choices and shared shapes of the monitoring components. */

export { Environment, Environments } from "../shared/environment";

/** Alert severities the platform routes on: `critical` pages someone now, `warning` opens a ticket. */
export const Severity = {
  Critical: "critical",
  Warning: "warning",
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

export { LOG_RETENTION_DAYS } from "../shared/logs";

/** Namespace every monitoring workload runs in (Prometheus, Alertmanager, Grafana, collectors, Fluent Bit). */
export const MONITORING_NAMESPACE = "monitoring";

/** A recording or alerting rule as Prometheus reads it from a rules file. */
export interface PrometheusRuleSpec {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rule group as Prometheus (and the PrometheusRule CRD's `spec.groups`) reads it. */
export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly PrometheusRuleSpec[];
}
