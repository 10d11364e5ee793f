/** Closed choices and shared shapes of the monitoring components. */

export { Environment, Environments } from "../shared/environment";

/** Alert severities the platform routes on: `critical` pages someone now, `warning` opens a ticket. */
export const Severity = {
  Critical: "critical",
  Warning: "warning",
} as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

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
