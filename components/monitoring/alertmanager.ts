/**
 * Alertmanager configuration as code: typed receivers and severity routes in, an `alertmanager.yaml` object out.
 *
 * Pure and synchronous so that tests can hand the result to `amtool check-config`. The component resolves secret
 * inputs (webhook URLs, routing keys) first and stores the rendered file in a Kubernetes Secret, never in Helm values.
 */
import { isRecord, Problem, Problems } from "../shared/validation";
import { Severity } from "./types";

export interface PagerDutyReceiver {
  /** Events API v2 integration (routing) key. Sensitive. */
  readonly routingKey: string;
}

export interface SlackReceiver {
  /** Incoming-webhook URL. Sensitive. */
  readonly webhookUrl: string;
  /** Channel, e.g. `#alerts-shop`. */
  readonly channel: string;
}

export interface EmailReceiver {
  readonly to: string;
  readonly from: string;
  /** SMTP relay as `host:port`. */
  readonly smarthost: string;
  readonly authUsername?: string;
  /** Sensitive. */
  readonly authPassword?: string;
}

export interface WebhookReceiver {
  /** Sensitive when it embeds a token. */
  readonly url: string;
}

export interface SnsReceiver {
  /** Topic the alerts go to; the same topic CloudWatch alarms publish to, so one subscriber sees both. */
  readonly topicArn: string;
  /** Region of the topic (SigV4 signing). */
  readonly region: string;
}

/** One named receiver; any combination of integrations. */
export interface ReceiverSpec<S = string> {
  /** Name routes refer to. */
  readonly name: string;
  readonly pagerduty?: readonly Secretable<PagerDutyReceiver, S>[];
  readonly slack?: readonly Secretable<SlackReceiver, S>[];
  readonly email?: readonly Secretable<EmailReceiver, S>[];
  readonly webhook?: readonly Secretable<WebhookReceiver, S>[];
  readonly sns?: readonly Secretable<SnsReceiver, S>[];
}

/** The same shape with its string fields widened to `S` (the component accepts `pulumi.Input<string>`). */
export type Secretable<T, S> = { readonly [K in keyof T]: T[K] extends string ? S : T[K] extends string | undefined ? S | undefined : T[K] };

/** Receivers plus where each severity goes. */
export interface AlertReceivers<S = string> {
  readonly receivers: readonly ReceiverSpec<S>[];
  /** Receiver for `severity="critical"` (pages). */
  readonly critical: string;
  /** Receiver for `severity="warning"` (tickets). */
  readonly warning: string;
  /** Receiver for everything else. @default the warning receiver */
  readonly default?: string;
  /** Receiver for the always-firing `Watchdog` alert (a dead man's switch). @default dropped */
  readonly watchdog?: string;
  /** Labels alerts are grouped by in one notification. @default ["alertname", "namespace", "service"] */
  readonly groupBy?: readonly string[];
  /** Labels that must match for a critical alert to silence a warning. @default ["namespace", "service"] */
  readonly inhibitEqual?: readonly string[];
}

/** Name of the receiver that drops what it gets (Watchdog, InfoInhibitor). */
export const NULL_RECEIVER = "null";

const RECEIVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * @deprecated Use `checkAlertReceivers(problems, at, config)`. Returns the problems (and, as before, appends them to
 * `problems` when one is passed).
 */
export function alertReceiversProblems(config: AlertReceivers<unknown>, at = "alertReceivers", problems?: Problems): Problem[] {
  const own = new Problems();
  checkAlertReceivers(own, at, config);
  problems?.addAll(own.list);
  return [...own.list];
}

/** Records every problem with the alert receivers in `problems`. */
export function checkAlertReceivers(problems: Problems, at: string, config: AlertReceivers<unknown>): void {
  if (!problems.check(typeof config === "object" && config !== null, { property: at, value: config, rule: "an object { receivers, routes }", fix: `write ${at} as { receivers: [...] }` })) return;
  const names = new Set<string>();
  const receivers = Array.isArray(config.receivers) ? config.receivers : [];
  problems.check(receivers.length > 0, {
    property: `${at}.receivers`,
    value: config.receivers,
    rule: "at least one receiver",
    fix: "add a receiver with a pagerduty, slack, email, webhook or sns integration",
  });
  receivers.forEach((receiver, i) => {
    const where = `${at}.receivers[${i}]`;
    if (!problems.check(isRecord(receiver), { property: where, value: receiver, rule: "a receiver object { name, <integration>: [...] }", fix: `write ${where} as { name: "oncall-pager", pagerduty: [...] }` })) return;
    problems.check(typeof receiver.name === "string" && RECEIVER_NAME.test(receiver.name) && receiver.name !== NULL_RECEIVER, {
      property: `${where}.name`,
      value: receiver.name,
      rule: `a name of letters, digits, '_', '.', '-' other than "${NULL_RECEIVER}" (reserved for dropped alerts)`,
      fix: "name the receiver after its audience, e.g. oncall-pager",
    });
    problems.check(!names.has(receiver.name), {
      property: `${where}.name`,
      value: receiver.name,
      rule: "a name no other receiver uses",
      fix: "give each receiver its own name",
    });
    names.add(receiver.name);
    const integrations = ["pagerduty", "slack", "email", "webhook", "sns"] as const;
    problems.check(integrations.some((k) => (receiver[k]?.length ?? 0) > 0), {
      property: where,
      value: receiver.name,
      rule: "at least one integration (pagerduty, slack, email, webhook or sns)",
      fix: `add an integration to receiver ${JSON.stringify(receiver.name)}, or remove it`,
    });
    for (const k of integrations) checkIntegrationList(problems, `${where}.${k}`, receiver[k], k === "slack");
  });
  for (const key of ["groupBy", "inhibitEqual"] as const) {
    const labels: unknown = config[key];
    if (labels === undefined) continue;
    problems.check(Array.isArray(labels) && labels.every((l) => typeof l === "string" && l !== ""), {
      property: `${at}.${key}`, value: labels, rule: "a list of label names", fix: `write ${at}.${key} as e.g. ["alertname", "namespace"], or leave it out`,
    });
  }
  const refs: [string, string | undefined][] = [
    ["critical", config.critical],
    ["warning", config.warning],
    ["default", config.default],
    ["watchdog", config.watchdog],
  ];
  for (const [key, ref] of refs) {
    if (ref === undefined && (key === "default" || key === "watchdog")) continue;
    problems.check(typeof ref === "string" && names.has(ref), {
      property: `${at}.${key}`,
      value: ref,
      rule: `the name of a receiver (${[...names].map((n) => JSON.stringify(n)).join(", ") || "none defined"})`,
      fix: `set ${key} to one of the receivers' names`,
    });
  }
}

/** One integration of a receiver (`pagerduty`, `slack`, ...): unset, or a list of objects (each Slack one with its channel). */
function checkIntegrationList(problems: Problems, property: string, list: unknown, slack: boolean): void {
  if (list === undefined) return;
  if (!problems.check(Array.isArray(list), { property, value: list, rule: "a list of integration objects", fix: `write ${property} as a list, e.g. [{ ... }], or leave it out` })) return;
  (list as unknown[]).forEach((item, j) => {
    if (!problems.check(isRecord(item), { property: `${property}[${j}]`, value: item, rule: "an integration object", fix: `write ${property}[${j}] as an object, or remove it` })) return;
    const channel = (item as { channel?: unknown }).channel;
    if (slack) problems.check(typeof channel === "string" && channel !== "", { property: `${property}[${j}].channel`, value: channel, rule: "a Slack channel name, e.g. #alerts", fix: "set the channel the alerts go to" });
  });
}

function without<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** One receiver in Alertmanager's own format. */
function renderReceiver(receiver: ReceiverSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { name: receiver.name };
  if (receiver.pagerduty?.length) {
    out.pagerduty_configs = receiver.pagerduty.map((p) => ({ routing_key: p.routingKey, send_resolved: true }));
  }
  if (receiver.slack?.length) {
    out.slack_configs = receiver.slack.map((s) => ({
      api_url: s.webhookUrl,
      channel: s.channel,
      send_resolved: true,
      title: '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}',
      text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}",
    }));
  }
  if (receiver.email?.length) {
    out.email_configs = receiver.email.map((e) =>
      without({ to: e.to, from: e.from, smarthost: e.smarthost, auth_username: e.authUsername, auth_password: e.authPassword, send_resolved: true }),
    );
  }
  if (receiver.webhook?.length) {
    out.webhook_configs = receiver.webhook.map((w) => ({ url: w.url, send_resolved: true }));
  }
  if (receiver.sns?.length) {
    out.sns_configs = receiver.sns.map((s) => ({
      topic_arn: s.topicArn,
      // Credentials come from the pod's IRSA role; only the region is needed to sign.
      sigv4: { region: s.region },
      subject: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
      send_resolved: true,
    }));
  }
  return out;
}

/**
 * The whole `alertmanager.yaml`: severity routes (critical → pages, warning → tickets), warnings inhibited while a
 * critical alert for the same service is firing, Watchdog and InfoInhibitor kept out of people's inboxes.
 */
export function alertmanagerConfig(config: AlertReceivers): Record<string, unknown> {
  const groupBy = [...(config.groupBy ?? ["alertname", "namespace", "service"])];
  const equal = [...(config.inhibitEqual ?? ["namespace", "service"])];
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: config.default ?? config.warning,
      group_by: groupBy,
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [
        { receiver: config.watchdog ?? NULL_RECEIVER, matchers: ['alertname="Watchdog"'], ...(config.watchdog ? { repeat_interval: "1m" } : {}) },
        { receiver: NULL_RECEIVER, matchers: ['alertname="InfoInhibitor"'] },
        // Pages repeat sooner: an unacknowledged page after 4 hours is a page that was missed.
        { receiver: config.critical, matchers: [`severity="${Severity.Critical}"`], group_wait: "10s", repeat_interval: "4h" },
        { receiver: config.warning, matchers: [`severity="${Severity.Warning}"`] },
      ],
    },
    inhibit_rules: [
      { source_matchers: [`severity="${Severity.Critical}"`], target_matchers: [`severity="${Severity.Warning}"`], equal },
      // kube-prometheus-stack's InfoInhibitor: info alerts only matter when nothing worse is firing.
      { source_matchers: ['alertname="InfoInhibitor"'], target_matchers: ['severity="info"'], equal: ["namespace"] },
    ],
    receivers: [{ name: NULL_RECEIVER }, ...config.receivers.map(renderReceiver)],
  };
}

/** Topic ARNs used by SNS receivers, for the IRSA policy that lets Alertmanager publish. */
export function snsTopicsOf<S>(config: AlertReceivers<S>): S[] {
  return config.receivers.flatMap((r) => (r.sns ?? []).map((s) => s.topicArn));
}
