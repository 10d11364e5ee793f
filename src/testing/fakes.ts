/**
 * Plausible, deterministic outputs for resources and provider functions when no cloud answers.
 *
 * Every value is derived from the resource's URN and inputs, so the same program always produces the same ids,
 * ARNs and endpoints. Provider functions (data sources) are answered in fake-calls.ts.
 */
import * as crypto from "crypto";

export interface FakeResourceArgs {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly id: string;
  readonly inputs: Record<string, any>;
  readonly region: string;
  readonly accountId: string;
}

function hash(text: string, length = 8): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** `aws:eks/cluster:Cluster` → `eks`, `cluster`. */
function awsParts(type: string): { service: string; kind: string } {
  const module = type.split(":")[1] ?? "";
  const [service, kind] = module.split("/");
  return { service: service === "index" ? "aws" : service, kind: (kind ?? "resource").toLowerCase() };
}

function physicalName(args: FakeResourceArgs): string {
  const given = args.inputs.name ?? args.inputs.bucket ?? args.inputs.clusterIdentifier ?? args.inputs.identifier;
  return typeof given === "string" ? given : `${args.name}-${hash(args.urn, 7)}`;
}

const AWS_EXTRAS: Record<string, (args: FakeResourceArgs, physical: string) => Record<string, unknown>> = {
  "aws:eks/cluster:Cluster": (a, physical) => ({
    name: physical,
    endpoint: `https://${hash(a.urn, 32).toUpperCase()}.gr7.${a.region}.eks.amazonaws.com`,
    certificateAuthority: { data: Buffer.from(`fake-ca-${hash(a.urn)}`).toString("base64") },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${a.region}.amazonaws.com/id/${hash(a.urn, 32).toUpperCase()}` }] }],
    vpcConfig: { ...(a.inputs.vpcConfig ?? {}), clusterSecurityGroupId: `sg-${hash(a.urn + "cluster", 17)}` },
    status: "ACTIVE",
    platformVersion: "eks.1",
  }),
  "aws:rds/cluster:Cluster": (a, physical) => ({
    clusterIdentifier: physical,
    endpoint: `${physical}.cluster-${hash(a.urn, 12)}.${a.region}.rds.amazonaws.com`,
    readerEndpoint: `${physical}.cluster-ro-${hash(a.urn, 12)}.${a.region}.rds.amazonaws.com`,
    port: a.inputs.port ?? 5432,
    clusterResourceId: `cluster-${hash(a.urn, 26).toUpperCase()}`,
  }),
  "aws:rds/clusterInstance:ClusterInstance": (a, physical) => ({
    identifier: physical,
    endpoint: `${physical}.${hash(a.urn, 12)}.${a.region}.rds.amazonaws.com`,
  }),
  "aws:elasticache/replicationGroup:ReplicationGroup": (a) => ({
    primaryEndpointAddress: `master.${a.name}.${hash(a.urn, 6)}.${a.region === "us-east-1" ? "use1" : a.region}.cache.amazonaws.com`,
    readerEndpointAddress: `replica.${a.name}.${hash(a.urn, 6)}.cache.amazonaws.com`,
    configurationEndpointAddress: `clustercfg.${a.name}.${hash(a.urn, 6)}.cache.amazonaws.com`,
  }),
  "aws:ec2/vpc:Vpc": (a) => ({
    defaultSecurityGroupId: `sg-${hash(a.urn + "default", 17)}`,
    mainRouteTableId: `rtb-${hash(a.urn + "main", 17)}`,
    defaultNetworkAclId: `acl-${hash(a.urn + "acl", 17)}`,
  }),
  // A new launch template is at version 1. Without it `latestVersion` is absent, a node group's
  // `launchTemplate.version` becomes "undefined" after `up` and unknown in the next preview: the re-preview after
  // `pulumi up` showed every node group changing (npm run parity).
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
  "aws:kms/key:Key": (a) => ({ keyId: a.id }),
  "aws:s3/bucket:Bucket": (_a, physical) => ({ bucket: physical, bucketRegionalDomainName: `${physical}.s3.amazonaws.com` }),
  "aws:s3/bucketV2:BucketV2": (_a, physical) => ({ bucket: physical, bucketRegionalDomainName: `${physical}.s3.amazonaws.com` }),
  "aws:lb/loadBalancer:LoadBalancer": (a, physical) => ({ dnsName: `${physical}-${hash(a.urn, 10)}.${a.region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" }),
  "aws:route53/zone:Zone": (a) => ({ zoneId: `Z${hash(a.urn, 13).toUpperCase()}`, nameServers: ["ns-1.awsdns-00.com", "ns-2.awsdns-00.net"] }),
  "aws:acm/certificate:Certificate": (a) => ({
    domainValidationOptions: [a.inputs.domainName, ...(a.inputs.subjectAlternativeNames ?? [])].map((domain: string) => ({
      domainName: domain,
      resourceRecordName: `_${hash(domain, 32)}.${domain}.`,
      resourceRecordType: "CNAME",
      resourceRecordValue: `_${hash(domain + "v", 32)}.acm-validations.aws.`,
    })),
  }),
  "aws:globalaccelerator/accelerator:Accelerator": (a) => ({
    dnsName: `a${hash(a.urn, 16)}.awsglobalaccelerator.com`,
    hostedZoneId: "Z2BJ6XQ5FK7U4H",
  }),
  "aws:serverlessrepository/cloudFormationStack:CloudFormationStack": (a) => ({
    outputs: { RotationLambdaARN: `arn:aws:lambda:${a.region}:${a.accountId}:function:${a.inputs.parameters?.functionName ?? a.name}` },
  }),
  "aws:route53/record:Record": (a) => ({ fqdn: String(a.inputs.name ?? a.name).replace(/\.$/, "") }),
  "aws:cloudwatch/logGroup:LogGroup": (_a, physical) => ({ name: physical }),
  "aws:iam/role:Role": (a, physical) => ({ name: physical, uniqueId: `AROA${hash(a.urn, 17).toUpperCase()}` }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (a) => ({ url: a.inputs.url }),
  "aws:secretsmanager/secret:Secret": (_a, physical) => ({ name: physical }),
  "aws:sns/topic:Topic": (_a, physical) => ({ name: physical }),
};

/**
 * AWS types whose provider id is the physical name rather than an opaque id (the AWS provider's `id` for a role, user
 * or bucket is its name): a resource reference such as `role: role` then reaches the policy as that name, as in the
 * engine.
 */
const ID_IS_NAME = new Set(["aws:iam/role:Role", "aws:iam/user:User", "aws:iam/group:Group", "aws:iam/instanceProfile:InstanceProfile", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);

/** Deterministic ids: same program, same ids, run after run. */
export function fakeId(type: string, name: string, urn: string, inputs: Record<string, any>): string {
  if (type.startsWith("pulumi:providers:")) return `${name}-provider-id`;
  if (ID_IS_NAME.has(type)) return physicalName({ type, name, urn, id: "", inputs, region: "", accountId: "" });
  return `${name}-${hash(urn)}`;
}

function fakeArn(args: FakeResourceArgs, physical: string): string {
  const { service, kind } = awsParts(args.type);
  const global = service === "iam" || service === "route53" || service === "cloudfront" || service === "globalaccelerator";
  const region = global ? "" : args.region;
  if (service === "s3") return `arn:aws:s3:::${physical}`;
  return `arn:aws:${service}:${region}:${args.accountId}:${kind}/${physical}`;
}

/** Output state for a newly registered resource: its inputs plus what the provider would compute. */
export function fakeState(args: FakeResourceArgs): Record<string, any> {
  const state: Record<string, any> = { ...args.inputs };
  if (args.type.startsWith("aws:")) {
    const physical = physicalName(args);
    state.arn = state.arn ?? fakeArn(args, physical);
    if (state.name === undefined && !args.type.startsWith("aws:ec2/")) state.name = physical;
    Object.assign(state, AWS_EXTRAS[args.type]?.(args, physical) ?? {});
    if (args.type === "aws:kms/key:Key") state.arn = `arn:aws:kms:${args.region}:${args.accountId}:key/${args.id}`;
    state.tagsAll = { ...(args.inputs.tags ?? {}) };
  } else if (args.type.startsWith("kubernetes:") && !args.type.startsWith("kubernetes:helm")) {
    const metadata = { ...(args.inputs.metadata ?? {}) };
    if (metadata.name === undefined) metadata.name = `${args.name}-${hash(args.urn, 8)}`;
    state.metadata = metadata;
    // The provider's Ingress await returns once the controller has published the load balancer in the status;
    // the AWS Load Balancer Controller names an ALB k8s-<group>-<hash> (a region-qualified elb.amazonaws.com name).
    if (args.type === "kubernetes:networking.k8s.io/v1:Ingress") {
      const group = String(metadata.annotations?.["alb.ingress.kubernetes.io/group.name"] ?? args.name).slice(0, 12);
      const id = hash(args.urn, 10);
      state.status = { loadBalancer: { ingress: [{ hostname: `k8s-${group}-${id}-${parseInt(hash(args.urn + "n", 8), 16) % 1e10}.elb.amazonaws.com` }] } };
    }
  } else if (args.type === "random:index/randomPassword:RandomPassword" || args.type === "random:index/randomString:RandomString") {
    state.result = fakeRandomString(args.urn, args.inputs.length ?? 32);
  } else if (args.type === "random:index/randomId:RandomId") {
    const hex = hash(args.urn, (args.inputs.byteLength ?? 8) * 2);
    state.hex = hex;
    state.b64Url = Buffer.from(hex, "hex").toString("base64url");
    state.dec = BigInt(`0x${hex}`).toString();
  } else if (args.type === "random:index/randomPet:RandomPet") {
    state.id = `fake-${hash(args.urn, 6)}`;
  }
  return state;
}

/** A value with the shape of a generated password that no one could mistake for a real one. */
export function fakeRandomString(seed: string, length: number): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const bytes = crypto.createHash("sha512").update(`password:${seed}`).digest();
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i % bytes.length] % alphabet.length];
  return out;
}
