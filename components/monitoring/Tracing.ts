import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { resourcesOf } from "./resources";
import { ChartImages, dependingAlsoOn, ImageMirror, mirrored, mirrorImage } from "../shared/mirror";
import { argsObjectProblems, checkOneOf, checkOptionalBoolean, checkOptionalObject, Problem, Problems, throwIfProblems } from "../shared/validation";
import { checkComponentFields } from "./Logging";
import { irsaAnnotation, irsaRole } from "./irsa";
import { attachPolicies } from "../shared/irsa";
import { MONITORING_NAMESPACE } from "./types";

/** The OpenTelemetry Collector chart, pinned: a chart bump is a reviewed change, never a surprise. */
export const OTEL_COLLECTOR_CHART = {
  chart: "opentelemetry-collector",
  version: "0.158.3",
  repo: "https://open-telemetry.github.io/opentelemetry-helm-charts",
} as const;

/** contrib build: the core image has neither the X-Ray exporter nor the samplers. */
const COLLECTOR_IMAGE = "otel/opentelemetry-collector-contrib";
/**
 * opentelemetry-collector chart 0.158.3 (github.com/open-telemetry/opentelemetry-helm-charts/blob/main/charts/
 * opentelemetry-collector/values.yaml): one image, `image.repository` (the chart has no registry key), which the
 * values below set to the contrib build on Docker Hub; through the mirror it is the same repository under docker-hub/.
 */
export const OTEL_COLLECTOR_IMAGES: ChartImages = {
  upstreams: ["docker-hub"],
  values: (m) => ({ image: { repository: mirrorImage(m, `docker.io/${COLLECTOR_IMAGE}`) } }),
};
const GATEWAY_NAME = "otel-gateway";
const AGENT_NAME = "otel-agent";
const XRAY_WRITE_POLICY = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";

/** Where sampled traces go. */
export type TraceExporter = { readonly kind: "xray" } | { readonly kind: "otlp"; readonly endpoint: string; readonly insecure?: boolean };

export interface TracingArgs {
  readonly region: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  /** @default AWS X-Ray in the cluster's region */
  readonly exporter?: TraceExporter;
  /** Share of traces kept, in percent; decided by trace id so every span of a trace shares the fate. @default 10 */
  readonly samplingPercentage?: number;
  /** Gateway replicas, spread across zones. @default 2 */
  readonly gatewayReplicas?: number;
  /** @default "monitoring" */
  readonly namespace?: string;
  readonly tags?: Record<string, string>;
  /** The account's ECR pull-through cache in the cluster's region, which both collectors pull through. @default none: Docker Hub */
  readonly imageMirror?: ImageMirror;
}

export const DEFAULT_SAMPLING_PERCENTAGE = 10;

export function tracingProblems(args: TracingArgs, at = "tracing"): Problem[] {
  const shape = argsObjectProblems(args, "Tracing");
  if (shape.length > 0) return shape;
  const problems = new Problems();
  const pct = args.samplingPercentage ?? DEFAULT_SAMPLING_PERCENTAGE;
  problems.check(typeof pct === "number" && pct > 0 && pct <= 100, {
    property: `${at}.samplingPercentage`,
    value: args.samplingPercentage,
    rule: "a percentage above 0 and at most 100",
    fix: "set samplingPercentage to e.g. 10 (keep 10 % of traces)",
  });
  const replicas = args.gatewayReplicas ?? 2;
  problems.check(Number.isInteger(replicas) && replicas >= 1 && replicas <= 20, {
    property: `${at}.gatewayReplicas`,
    value: args.gatewayReplicas,
    rule: "an integer from 1 to 20",
    fix: "set gatewayReplicas to 2 or more for a zone-redundant gateway",
  });
  // A non-object exporter is reported; null reads as unset (X-Ray).
  if (checkOptionalObject(problems, `${at}.exporter`, args.exporter, '{ kind: "xray" } or { kind: "otlp", endpoint }') && args.exporter != null) {
    checkOneOf(problems, `${at}.exporter.kind`, args.exporter.kind, ["xray", "otlp"]);
  }
  if (args.exporter?.kind === "otlp") {
    checkOptionalBoolean(problems, `${at}.exporter.insecure`, args.exporter.insecure);
    problems.check(/^(https?:\/\/)?[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/.*)?$/.test(typeof args.exporter.endpoint === "string" ? args.exporter.endpoint : ""), {
      property: `${at}.exporter.endpoint`,
      value: args.exporter.endpoint,
      rule: "an OTLP/gRPC endpoint as host:port or https://host:port",
      fix: "set endpoint to your tracing backend, e.g. tempo-distributor.tracing:4317",
    });
  }
  return [...problems.list];
}

/** Agent (one per node): receives OTLP from pods on the node, adds Kubernetes metadata, forwards to the gateway. */
export function otelAgentValues(namespace: string): Record<string, unknown> {
  return {
    mode: "daemonset",
    fullnameOverride: AGENT_NAME,
    resources: resourcesOf("otelAgent"),
    image: { repository: COLLECTOR_IMAGE },
    presets: { kubernetesAttributes: { enabled: true } },
    ports: { "jaeger-compact": { enabled: false }, "jaeger-thrift": { enabled: false }, "jaeger-grpc": { enabled: false }, zipkin: { enabled: false } },
    config: {
      receivers: { jaeger: null, zipkin: null, prometheus: null },
      exporters: { otlp: { endpoint: `${GATEWAY_NAME}.${namespace}.svc.cluster.local:4317`, tls: { insecure: true } } },
      service: {
        pipelines: {
          traces: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: ["otlp"] },
          metrics: null,
          logs: null,
        },
      },
    },
  };
}

/** Gateway (Deployment): samples, then exports to X-Ray or an OTLP backend. */
export function otelGatewayValues(args: {
  region: string;
  exporter: TraceExporter;
  samplingPercentage: number;
  replicas: number;
  roleArn?: pulumi.Input<string>;
}): Record<string, unknown> {
  const exporterName = args.exporter.kind === "xray" ? "awsxray" : "otlp/upstream";
  const exporterConfig =
    args.exporter.kind === "xray"
      ? { region: args.region }
      : { endpoint: args.exporter.endpoint, ...(args.exporter.insecure ? { tls: { insecure: true } } : {}) };
  return {
    mode: "deployment",
    fullnameOverride: GATEWAY_NAME,
    image: { repository: COLLECTOR_IMAGE },
    replicaCount: args.replicas,
    resources: resourcesOf("otelGateway"),
    podDisruptionBudget: { enabled: args.replicas > 1, minAvailable: 1 },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "opentelemetry-collector", "app.kubernetes.io/instance": GATEWAY_NAME } },
      },
    ],
    serviceAccount: { create: true, name: GATEWAY_NAME, annotations: args.roleArn ? { "eks.amazonaws.com/role-arn": args.roleArn } : {} },
    ports: { "jaeger-compact": { enabled: false }, "jaeger-thrift": { enabled: false }, "jaeger-grpc": { enabled: false }, zipkin: { enabled: false } },
    config: {
      receivers: { jaeger: null, zipkin: null, prometheus: null },
      processors: {
        // Hash of the trace id: every gateway replica keeps or drops the same traces, so no trace is half-kept.
        probabilistic_sampler: { sampling_percentage: args.samplingPercentage },
      },
      exporters: { [exporterName]: exporterConfig },
      service: {
        pipelines: {
          traces: { receivers: ["otlp"], processors: ["memory_limiter", "probabilistic_sampler", "batch"], exporters: [exporterName] },
          metrics: null,
          logs: null,
        },
      },
    },
  };
}

/** Throws every problem of the arguments as one ValidationError; what the Tracing constructor calls first. */
export function validateTracingArgs(name: string, args: TracingArgs): void {
  throwIfProblems(`Tracing "${name}"`, tracingArgsProblems(args));
}

/**
 * Every problem with the component's arguments (validation contract, docs/architecture.md): the settings that
 * MonitoringStack shares (`tracingProblems`), plus the region and namespace only the component takes.
 */
export function tracingArgsProblems(args: TracingArgs): Problem[] {
  const shape = argsObjectProblems(args, "Tracing");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(tracingProblems(args));
  checkComponentFields(problems, args);
  return [...problems.list];
}

/**
 * OpenTelemetry Collector as agent DaemonSet + gateway Deployment, with an IRSA role when exporting to X-Ray.
 *
 * Applications send OTLP to the agent on their own node (`http://$(HOST_IP):4317`, HOST_IP from `status.hostIP`);
 * the agent adds pod metadata and forwards everything to the gateway, which samples and exports.
 */
export class Tracing extends pulumi.ComponentResource {
  readonly gatewayEndpoint: string;
  readonly roleArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: TracingArgs, opts?: pulumi.ComponentResourceOptions) {
    validateTracingArgs(name, args);
    super("production-platform:monitoring:Tracing", name, {}, opts);
    const namespace = args.namespace ?? MONITORING_NAMESPACE;
    const exporter = args.exporter ?? { kind: "xray" };

    const role =
      exporter.kind === "xray"
        ? irsaRole(
            `${name}-xray`,
            { oidcProviderArn: args.oidcProviderArn, oidcIssuer: args.oidcIssuer, namespace, serviceAccount: GATEWAY_NAME, description: `IRSA role for ${namespace}/${GATEWAY_NAME}`, tags: args.tags },
            { parent: this },
          )
        : undefined;
    // Named after the policy; the alias carries state over from the index-named attachment earlier versions made.
    if (role) attachPolicies(`${name}-xray`, role, [XRAY_WRITE_POLICY], { parent: this }, "aws", (_p, i) => [{ name: `${name}-xray-managed-${i}` }]);

    const release = (suffix: string, releaseName: string, plain: Record<string, unknown>) => {
      const { values, dependsOn } = mirrored(plain, OTEL_COLLECTOR_IMAGES, args.imageMirror, `${name}-${suffix}`);
      return new k8s.helm.v3.Release(
        `${name}-${suffix}`,
        {
          name: releaseName,
          namespace,
          chart: OTEL_COLLECTOR_CHART.chart,
          version: OTEL_COLLECTOR_CHART.version,
          repositoryOpts: { repo: OTEL_COLLECTOR_CHART.repo },
          values,
          atomic: true,
          cleanupOnFail: true,
          maxHistory: 10,
        },
        { parent: this, dependsOn: dependingAlsoOn(opts?.dependsOn, dependsOn) },
      );
    };
    release(
      "gateway",
      GATEWAY_NAME,
      otelGatewayValues({
        region: args.region,
        exporter,
        samplingPercentage: args.samplingPercentage ?? DEFAULT_SAMPLING_PERCENTAGE,
        replicas: args.gatewayReplicas ?? 2,
        roleArn: role ? irsaAnnotation(role)["eks.amazonaws.com/role-arn"] : undefined,
      }),
    );
    release("agent", AGENT_NAME, otelAgentValues(namespace));

    this.gatewayEndpoint = `${GATEWAY_NAME}.${namespace}.svc.cluster.local:4317`;
    this.roleArn = role ? role.arn : pulumi.output(undefined);
    this.registerOutputs({ gatewayEndpoint: this.gatewayEndpoint, roleArn: this.roleArn });
  }
}
