import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../shared/iam";
import { createIrsaRole } from "../shared/irsa";
import { Environment, environmentProblems, environmentProfile } from "../shared/environment";
import { webhookIngressSpec } from "../security/clusterAddons";
import { ADDON_LIMITS, ADDON_QUOTA } from "../security/clusterAddons";
import { createNamespaceGuardrails } from "../security/namespaceGuardrails";
import { checkKubernetesVersion, PodSecurityLevels } from "../security/psa";
import { resolveLimits, resolveQuota } from "../security/quota";
import { isDns1123Label } from "../shared/kubernetes";
import { isKnownRegion } from "../shared/regions";
import { argsObjectProblems, checkOptionalBoolean, listField, Problem, Problems, throwIfProblems } from "../shared/validation";
import { ImageMirror, mirrored } from "../shared/mirror";
import { admissionPolicySpec, KYVERNO, KYVERNO_ADMISSION_SA, KYVERNO_IMAGES, KYVERNO_NAMESPACE, kyvernoValues } from "./admission";

export interface ImageVerificationArgs {
  readonly region: string;
  readonly environment: Environment;
  readonly clusterName: pulumi.Input<string>;
  /** The cluster's Kubernetes minor version (`1.33`): the Pod Security Admission version of the namespace's labels. */
  readonly kubernetesVersion: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  /** Tenant namespaces the policy applies to (system namespaces run the platform's pinned charts). */
  readonly namespaces: readonly string[];
  /** This region's private ECR host (`<account>.dkr.ecr.<region>.amazonaws.com`): the only registry tenants pull from. */
  readonly registryHost: pulumi.Input<string>;
  /** Image-signing key in this region (KMS, SIGN_VERIFY); signatures are cosign signatures stored next to the image. */
  readonly signingKeyArn: pulumi.Input<string>;
  /** Users exempt from the checks (the FIS experiment user, whose pods run AWS's image). @default none */
  readonly exemptUsers?: readonly string[];
  /** Reject (true) or only report (false) unsigned or unapproved images. @default true in prod, false elsewhere */
  readonly enforce?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /** The account's ECR pull-through cache in this region, which the Kyverno chart pulls through. @default none: public registries */
  readonly imageMirror?: ImageMirror;
}

export function imageVerificationProblems(args: ImageVerificationArgs): Problem[] {
  const shape = argsObjectProblems(args, "ImageVerification");
  if (shape.length > 0) return shape;
  const problems = new Problems().addAll(environmentProblems(args.environment));
  const namespaces = listField(problems, "namespaces", args.namespaces);
  checkKubernetesVersion(problems, "kubernetesVersion", args.kubernetesVersion);
  problems.check(namespaces.length > 0, { property: "namespaces", value: namespaces, rule: "at least one tenant namespace", fix: "pass the tenants' namespaces" });
  namespaces.forEach((ns, i) => problems.check(isDns1123Label(ns), { property: `namespaces[${i}]`, value: ns, rule: "a namespace name (DNS-1123 label)", fix: "pass the tenants' namespaces" }));
  listField(problems, "exemptUsers", args.exemptUsers).forEach((user, i) =>
    problems.check(typeof user === "string" && user !== "", { property: `exemptUsers[${i}]`, value: user, rule: "a Kubernetes user name, e.g. system:serviceaccount:<namespace>:<name>", fix: "list the user names Kyverno should not check" }),
  );
  problems.check(isKnownRegion(args.region), { property: "region", value: args.region, rule: "a known AWS region (components/shared/regions.ts)", fix: "set region to the cluster's region" });
  checkOptionalBoolean(problems, "enforce", args.enforce);
  problems.check(!(environmentProfile(args.environment).enforceImageVerification && args.enforce === false), {
    property: "enforce", value: args.enforce, rule: `true in ${args.environment}: tenant images must be verified before they run`, fix: "remove enforce: false",
  });
  return [...problems.list];
}

/** Throws every problem of the arguments as one ValidationError; what the ImageVerification constructor calls first. */
export function validateImageVerificationArgs(name: string, args: ImageVerificationArgs): void {
  throwIfProblems(`ImageVerification "${name}"`, imageVerificationProblems(args));
}

/** IRSA role of Kyverno's admission controller: read the image-signing public key and the signatures in ECR. */
function kyvernoRole(name: string, parent: pulumi.ComponentResource, args: ImageVerificationArgs, tags: Record<string, string>): aws.iam.Role {
  return createIrsaRole(`${name}-kyverno`, {
    oidcProviderArn: args.oidcProviderArn,
    oidcIssuer: args.oidcIssuer,
    namespace: KYVERNO_NAMESPACE,
    serviceAccount: KYVERNO_ADMISSION_SA,
    description: `Kyverno admission controller of ${name}: read the image-signing public key and signatures`,
    inlinePolicyName: `${name}-kyverno`,
    tags,
    inlinePolicy: pulumi.all([args.signingKeyArn, args.registryHost]).apply(([keyArn, host]) => {
      const [account, , , region] = host.split(".");
      const partition = keyArn.split(":")[1];
      return JSON.stringify(policyDocument([
        { Sid: "VerifyWithSigningKey", Effect: "Allow", Action: ["kms:GetPublicKey", "kms:DescribeKey", "kms:Verify"], Resource: keyArn },
        { Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Sid: "ReadSignatures", Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:DescribeImages"], Resource: `arn:${partition}:ecr:${region}:${account}:repository/*` },
      ]));
    }),
  }, { parent });
}

/**
 * The namespace with the platform's add-on guardrails (PSA labels for the cluster's version, default-deny, quota,
 * limits), then what the controllers need: webhook calls from the control plane, and HTTPS to the API server and
 * the AWS APIs (KMS for the key, ECR for signatures, STS for IRSA).
 */
function kyvernoNamespace(name: string, parent: pulumi.ComponentResource, args: ImageVerificationArgs): ReturnType<typeof createNamespaceGuardrails> {
  return createNamespaceGuardrails(name, {
    namespace: KYVERNO_NAMESPACE,
    kubernetesVersion: args.kubernetesVersion,
    podSecurityLevel: PodSecurityLevels.Restricted,
    labels: { "production-platform/owner": "platform" },
    allowSameNamespace: true,
    egress: [],
    ingress: [],
    extraPolicies: [
      { name: "allow-webhook", spec: webhookIngressSpec(9443) },
      { name: "allow-https", spec: { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: 443 }] }] } },
    ],
    quota: resolveQuota(ADDON_QUOTA),
    limits: resolveLimits(ADDON_LIMITS),
    protect: false,
  }, parent);
}

/**
 * Image signature verification at admission with Kyverno's `verifyImages` against a cosign key held in AWS KMS: in the
 * tenant namespaces a pod runs only images from the account's ECR in its region, pinned to a digest (Kyverno resolves
 * tags to digests and pins them), signed with the platform's key. Enforced in prod, audited elsewhere. The admission
 * controller reads the public key and the signatures through IRSA.
 */
export class ImageVerification extends pulumi.ComponentResource {
  readonly policyName: string;

  constructor(name: string, args: ImageVerificationArgs, opts?: pulumi.ComponentResourceOptions) {
    validateImageVerificationArgs(name, args);
    super("production-platform:supply-chain:ImageVerification", name, {}, opts);
    const parent = { parent: this };
    const tags = { ...args.tags };
    const enforce = args.enforce ?? environmentProfile(args.environment).enforceImageVerification;

    const role = kyvernoRole(name, this, args, tags);
    const guarded = kyvernoNamespace(name, this, args);
    const namespace = { metadata: { name: guarded.name } };
    const netpols = guarded.policies;
    const images = mirrored(kyvernoValues(role.arn), KYVERNO_IMAGES, args.imageMirror, `${name}-kyverno`);
    const release = new k8s.helm.v3.Release(`${name}-kyverno`, {
      name: "kyverno",
      chart: KYVERNO.chart,
      version: KYVERNO.version,
      repositoryOpts: { repo: KYVERNO.repo },
      namespace: namespace.metadata.name,
      createNamespace: false,
      atomic: true,
      values: images.values,
    }, { ...parent, dependsOn: [...netpols, ...images.dependsOn] });
    this.policyName = "verify-tenant-images";
    new k8s.apiextensions.CustomResource(`${name}-policy`, {
      apiVersion: "kyverno.io/v1",
      kind: "ClusterPolicy",
      metadata: { name: this.policyName, labels: { "app.kubernetes.io/managed-by": "pulumi" } },
      spec: admissionPolicySpec({ namespaces: args.namespaces, registryHost: args.registryHost, signingKeyArn: args.signingKeyArn, enforce, exemptUsers: args.exemptUsers }),
    }, { ...parent, dependsOn: [release] });
    this.registerOutputs({ policyName: this.policyName });
  }
}
