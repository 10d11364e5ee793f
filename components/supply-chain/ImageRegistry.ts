import { argsObjectProblems, isRecord, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { isDns1123Label } from "../shared/kubernetes";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../shared/iam";
import { isKnownRegion, regionCode } from "../shared/regions";
import { PULL_THROUGH_UPSTREAMS, PullThroughUpstream } from "../shared/images";
import { ImageMirror } from "../shared/mirror";
import { imageRegistryProblems, ImageRegistrySettings, InspectorSeverity, inspectorFindingPattern, lifecyclePolicy, mirrorUpstreamsOf, repositoryName, secretArnIn } from "./registry";

export interface ImageRegistryArgs {
  readonly region: string;
  /** `{tenant, service}` pairs; each gets the repository `<tenant>/<service>`. */
  readonly repositories: readonly { readonly tenant: string; readonly service: string }[];
  /** Regions ECR replicates this region's repositories to (set it in the primary region only). @default none */
  readonly replicateTo?: readonly string[];
  /** Where findings at or above the alert severity raise an alarm. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /**
   * Image-signing key (AWS KMS, ECC_NIST_P256 SIGN_VERIFY) to create here as a multi-region primary, or the primary's
   * ARN to replicate into this region: admission verifies against the key in its own region.
   * @default a new multi-region primary key
   */
  readonly signingKeyPrimaryArn?: pulumi.Input<string>;
  /**
   * @default alert on HIGH and CRITICAL, keep 100 tagged images, expire untagged after 14 days, cache the platform's
   * upstreams (the credential of each one that needs it is required)
   */
  readonly settings?: ImageRegistrySettings;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Every problem with the arguments (validation contract, docs/architecture.md): never throws, whatever it is given. */
export function imageRegistryArgsProblems(args: ImageRegistryArgs): Problem[] {
  const shape = argsObjectProblems(args, "ImageRegistry");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(imageRegistryProblems(args.settings, "settings"));
  problems.check(isKnownRegion(args.region), { property: "region", value: args.region, rule: "a known AWS region (components/shared/regions.ts)", fix: "set region to the registry's region" });
  // Each repository is `<tenant>/<service>` and names its resources: both parts are Kubernetes-style names.
  problems.check(args.repositories !== undefined, { property: "repositories", value: args.repositories, rule: "a list of { tenant, service } (may be empty)", fix: "pass the tenants' services" });
  listField(problems, "repositories", args.repositories).forEach((r, i) => {
    if (!isRecord(r)) {
      problems.add({ property: `repositories[${i}]`, value: r, rule: "a repository { tenant, service }", fix: `write repositories[${i}] as { tenant: "payments", service: "checkout" }` });
      return;
    }
    for (const key of ["tenant", "service"] as const) {
      problems.check(isDns1123Label(r[key]), { property: `repositories[${i}].${key}`, value: r[key], rule: "a DNS-1123 label (lower-case letters, digits, '-')", fix: `set the ${key} name` });
    }
  });
  listField(problems, "replicateTo", args.replicateTo).forEach((region, i) =>
    problems.check(isKnownRegion(region) && region !== args.region, { property: `replicateTo[${i}]`, value: region, rule: "a known AWS region other than the registry's own", fix: "list the other regions the images are pulled in" }),
  );
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the ImageRegistry constructor calls first. */
export function validateImageRegistryArgs(name: string, args: ImageRegistryArgs): void {
  throwIfProblems(`ImageRegistry "${name}"`, imageRegistryArgsProblems(args));
}

/**
 * The account's image supply chain in one region: KMS-encrypted ECR repositories with immutable tags and a lifecycle,
 * enhanced scanning by Amazon Inspector (continuous, every repository), pull-through cache rules for the public
 * registries the platform's charts pull from, alarms on Inspector findings above a severity, and the signing key
 * admission verifies image signatures with. GuardDuty runtime monitoring is the account baseline's (it stays on).
 */
export class ImageRegistry extends pulumi.ComponentResource {
  readonly registryHost: pulumi.Output<string>;
  readonly repositoryUrls: Record<string, pulumi.Output<string>>;
  readonly signingKeyArn: pulumi.Output<string>;
  readonly findingsAlarmArn: pulumi.Output<string>;
  /** The pull-through cache in this region: what charts point their images at and depend on. */
  readonly mirror: ImageMirror;

  constructor(name: string, args: ImageRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    validateImageRegistryArgs(name, args);
    super("production-platform:supply-chain:ImageRegistry", name, {}, opts);
    const parent = { parent: this };
    const tags = { ...args.tags };
    const alertSeverity: InspectorSeverity = args.settings?.alertSeverity ?? "HIGH";
    const s = { keep: args.settings?.keepTaggedImages ?? 100, untagged: args.settings?.untaggedDays ?? 14 };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;

    const key = new aws.kms.Key(`${name}-key`, { description: `ECR repositories of ${name}`, enableKeyRotation: true, deletionWindowInDays: 30, tags }, parent);
    this.repositoryUrls = {};
    for (const r of args.repositories) {
      const repoName = repositoryName(r.tenant, r.service);
      const repo = new aws.ecr.Repository(`${name}-${r.tenant}-${r.service}`, {
        name: repoName,
        imageTagMutability: "IMMUTABLE",
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: key.arn }],
        imageScanningConfiguration: { scanOnPush: true },
        tags,
      }, parent);
      new aws.ecr.LifecyclePolicy(`${name}-${r.tenant}-${r.service}`, { repository: repo.name, policy: lifecyclePolicy(s.keep, s.untagged) }, parent);
      this.repositoryUrls[repoName] = repo.repositoryUrl;
    }
    new aws.ecr.RegistryScanningConfiguration(`${name}-scanning`, {
      scanType: "ENHANCED",
      rules: [{ scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }],
    }, parent);
    new aws.inspector2.Enabler(`${name}-inspector`, { accountIds: [account], resourceTypes: ["ECR"] }, parent);
    const cacheRules = this.cacheRules(name, args);
    if ((args.replicateTo ?? []).length > 0) {
      new aws.ecr.ReplicationConfiguration(`${name}-replication`, {
        replicationConfiguration: {
          rules: [{
            destinations: (args.replicateTo ?? []).map((region) => ({ region, registryId: account })),
            repositoryFilters: [...new Set(args.repositories.map((r) => r.tenant))].map((tenant) => ({ filter: `${tenant}/`, filterType: "PREFIX_MATCH" })),
          }],
        },
      }, parent);
    }
    this.signingKeyArn = this.signingKey(name, args, tags);
    this.findingsAlarmArn = this.findingsAlarm(name, args, alertSeverity, tags);
    this.registryHost = pulumi.interpolate`${account}.dkr.ecr.${args.region}.amazonaws.com`;
    this.mirror = { host: this.registryHost, cacheRules };
    this.registerOutputs({ registryHost: this.registryHost, mirrorUpstreams: Object.keys(cacheRules), repositoryUrls: this.repositoryUrls, signingKeyArn: this.signingKeyArn, findingsAlarmArn: this.findingsAlarmArn });
  }

  /**
   * One pull-through cache rule per upstream (prefix `<prefix>/`), named after the prefix so the rules already
   * deployed keep their URNs. Upstreams that need a credential read the configured `ecr-pullthroughcache/` secret's
   * replica in this region (the rule and its secret must share account and region: pull-through-cache-creating-rule).
   */
  private cacheRules(name: string, args: ImageRegistryArgs): Partial<Record<PullThroughUpstream, aws.ecr.PullThroughCacheRule>> {
    const credentials = args.settings?.mirror?.credentials ?? {};
    return Object.fromEntries(mirrorUpstreamsOf(args.settings?.mirror).map((u) => {
      const upstream = PULL_THROUGH_UPSTREAMS[u];
      const credentialArn = upstream.credential ? secretArnIn(credentials[u], args.region) : undefined;
      return [u, new aws.ecr.PullThroughCacheRule(`${name}-cache-${upstream.prefix}`, {
        ecrRepositoryPrefix: upstream.prefix,
        upstreamRegistryUrl: upstream.upstreamRegistryUrl,
        ...(credentialArn !== undefined ? { credentialArn } : {}),
      }, { parent: this })];
    }));
  }

  private signingKey(name: string, args: ImageRegistryArgs, tags: Record<string, string>): pulumi.Output<string> {
    const parent = { parent: this };
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const partition = aws.getPartitionOutput({}, parent).partition;
    // The account administers the key through IAM; who may sign (CI) and verify (admission) is granted by their roles.
    const policy = pulumi.all([account, partition]).apply(([id, p]) => JSON.stringify(policyDocument([
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${p}:iam::${id}:root` }, Action: "kms:*", Resource: "*" },
    ])));
    if (args.signingKeyPrimaryArn !== undefined) {
      return new aws.kms.ReplicaKey(`${name}-signing`, { primaryKeyArn: args.signingKeyPrimaryArn, description: `Image signatures (replica in ${args.region})`, deletionWindowInDays: 30, policy, tags }, parent).arn;
    }
    return new aws.kms.Key(`${name}-signing`, {
      description: "Image signatures (cosign): CI signs, admission verifies",
      keyUsage: "SIGN_VERIFY",
      customerMasterKeySpec: "ECC_NIST_P256",
      multiRegion: true,
      deletionWindowInDays: 30,
      policy,
      tags,
    }, parent).arn;
  }

  /** Matched findings counted by EventBridge (AWS/Events MatchedEvents) alarm on the topic. */
  private findingsAlarm(name: string, args: ImageRegistryArgs, severity: InspectorSeverity, tags: Record<string, string>): pulumi.Output<string> {
    const rule = new aws.cloudwatch.EventRule(`${name}-findings`, {
      description: `Amazon Inspector findings on ECR images at ${severity} or above`,
      eventPattern: JSON.stringify(inspectorFindingPattern(severity)),
      tags,
    }, { parent: this });
    const topic = [args.alarmTopicArn];
    return new aws.cloudwatch.MetricAlarm(`${name}-findings`, {
      alarmDescription: `Inspector found ${severity} or worse vulnerabilities in an ECR image in ${args.region} (${regionCode(args.region)}): see Inspector findings, rebuild and redeploy.`,
      namespace: "AWS/Events", metricName: "MatchedEvents", dimensions: { RuleName: rule.name },
      statistic: "Sum", period: 300, evaluationPeriods: 1, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: topic, okActions: topic, tags,
    }, { parent: this }).arn;
  }
}
