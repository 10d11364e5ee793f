import { alertmanagerConfig, AlertReceivers, alertReceiversProblems, checkAlertReceivers, snsTopicsOf } from "../../../components/monitoring/alertmanager";
import { Problems } from "../../../components/shared/validation";

const receivers: AlertReceivers = {
  receivers: [
    { name: "oncall", pagerduty: [{ routingKey: "key" }] },
    { name: "tickets", slack: [{ webhookUrl: "https://hooks.slack.com/x", channel: "#alerts" }] },
  ],
  critical: "oncall",
  warning: "tickets",
};

describe("alertmanagerConfig", () => {
  const config = alertmanagerConfig(receivers) as any;

  test("routes by severity; everything else goes to the default (the warning receiver)", () => {
    expect(config.route.receiver).toBe("tickets");
    const bySeverity = Object.fromEntries(config.route.routes.map((r: any) => [r.matchers[0], r.receiver]));
    expect(bySeverity['severity="critical"']).toBe("oncall");
    expect(bySeverity['severity="warning"']).toBe("tickets");
    expect(bySeverity['alertname="Watchdog"']).toBe("null");
  });

  test("a critical alert inhibits warnings for the same service and namespace", () => {
    expect(config.inhibit_rules[0]).toEqual({ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ["namespace", "service"] });
  });

  test("receivers are rendered in Alertmanager's format, plus the null receiver", () => {
    expect(config.receivers.map((r: any) => r.name)).toEqual(["null", "oncall", "tickets"]);
    expect(config.receivers[1].pagerduty_configs[0].routing_key).toBe("key");
    expect(config.receivers[2].slack_configs[0]).toMatchObject({ api_url: "https://hooks.slack.com/x", channel: "#alerts", send_resolved: true });
  });

  test("SNS receivers are signed with the pod's role and listed for its IAM policy", () => {
    const withSns: AlertReceivers = { ...receivers, receivers: [...receivers.receivers, { name: "sns", sns: [{ topicArn: "arn:aws:sns:us-east-1:1:t", region: "us-east-1" }] }] };
    const rendered = alertmanagerConfig(withSns) as any;
    expect(rendered.receivers[3].sns_configs[0]).toMatchObject({ topic_arn: "arn:aws:sns:us-east-1:1:t", sigv4: { region: "us-east-1" } });
    expect(snsTopicsOf(withSns)).toEqual(["arn:aws:sns:us-east-1:1:t"]);
  });
});

describe("alertReceiversProblems", () => {
  test.each<[string, AlertReceivers, RegExp]>([
    ["no receivers", { receivers: [], critical: "a", warning: "a" }, /r\.receivers: got \[\]; expected at least one receiver/],
    ["duplicate names", { ...receivers, receivers: [...receivers.receivers, { name: "oncall", webhook: [{ url: "u" }] }] }, /r\.receivers\[2\]\.name: got "oncall".*no other receiver/],
    ["receiver without integration", { ...receivers, receivers: [...receivers.receivers, { name: "empty" }] }, /r\.receivers\[2\]: got "empty".*at least one integration/],
    ["reserved name", { ...receivers, receivers: [{ name: "null", webhook: [{ url: "u" }] }] }, /reserved for dropped alerts/],
    ["unknown warning route", { ...receivers, warning: "jira" }, /r\.warning: got "jira".*Fix: set warning/],
  ])("%s", (_label, config, message) => {
    const problems = new Problems();
    checkAlertReceivers(problems, "r", config);
    expect(alertReceiversProblems(config, "r")).toEqual(problems.list);
    expect(() => problems.throwIfAny("receivers")).toThrow(message);
  });
});
