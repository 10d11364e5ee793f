/**
 * The pieces of a RegionalIngress, one function each, in the order the component creates them: the AWS Load
 * Balancer Controller (IRSA role and Helm release), external-dns (role and release) and one Ingress per published
 * service. Child names are the component's own (`<name>-…`): moving a piece here renames nothing.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { createIrsaRole } from "../cluster";
import { mirrored } from "../shared/mirror";
import { INGRESS_CHART_IMAGES, INGRESS_CHARTS, ingressNameOf, RegionalIngressArgs, ResolvedRegionalIngress } from "./regionalIngressArgs";
import {
  canaryActionAnnotationOf,
  EXTERNAL_DNS,
  externalDnsPolicy,
  externalDnsValues,
  groupOrderOf,
  ingressAnnotationsOf,
  ingressSpecOf,
  LOAD_BALANCER_CONTROLLER,
  loadBalancerAttributesOf,
  loadBalancerControllerPolicy,
  loadBalancerControllerValues,
} from "./regionalIngressSpec";
import type { PublishedIngress } from "./RegionalIngress";

/** What every piece needs: the component (parent and name prefix), its arguments and the choices resolved once. */
export interface RegionalIngressContext {
  readonly name: string;
  readonly parent: pulumi.ComponentResource;
  readonly args: RegionalIngressArgs;
  readonly r: ResolvedRegionalIngress;
  readonly tags: Record<string, string>;
  readonly partition: pulumi.Output<string>;
  readonly oidc: { providerArn: pulumi.Output<string>; issuerUrl: pulumi.Output<string> };
}

/** The load balancer controller's IRSA role and its Helm release (images from the mirror when one is set). */
export function createLoadBalancerController(ctx: RegionalIngressContext): { role: aws.iam.Role; controller: k8s.helm.v3.Release } {
  const { name, parent, args, r, tags, partition, oidc } = ctx;
  const role = createIrsaRole(
    `${name}-lb-controller`,
    {
      oidc,
      namespace: LOAD_BALANCER_CONTROLLER.namespace,
      serviceAccount: LOAD_BALANCER_CONTROLLER.serviceAccount,
      inlinePolicy: partition.apply(loadBalancerControllerPolicy),
      partition,
      tags,
    },
    parent,
  );
  const values = loadBalancerControllerValues(r, { clusterName: args.clusterName, vpcId: args.vpcId, roleArn: role.arn, tags });
  const controller = installIngressChart(ctx, `${name}-lb-controller`, "loadBalancerController", LOAD_BALANCER_CONTROLLER, r.controllerVersion, values);
  return { role, controller };
}

/** external-dns's IRSA role (records in one zone) and its Helm release; returns the role. */
export function createExternalDns(ctx: RegionalIngressContext): aws.iam.Role {
  const { name, parent, args, r, tags, partition, oidc } = ctx;
  const role = createIrsaRole(
    `${name}-external-dns`,
    {
      oidc,
      namespace: EXTERNAL_DNS.namespace,
      serviceAccount: EXTERNAL_DNS.serviceAccount,
      inlinePolicy: pulumi.all([partition, args.hostedZoneId]).apply(([p, zone]) => externalDnsPolicy(p, zone)),
      partition,
      tags,
    },
    parent,
  );
  const values = externalDnsValues(r, { clusterName: args.clusterName, hostedZoneId: args.hostedZoneId, roleArn: role.arn });
  installIngressChart(ctx, `${name}-external-dns`, "externalDns", EXTERNAL_DNS, r.externalDnsVersion, values);
  return role;
}

/**
 * One of the ingress charts as the child `child`: released under its fixed name and namespace at `version`, its
 * images through the account's pull-through cache when a mirror is given, depending on the cache rules it uses.
 */
function installIngressChart(
  ctx: RegionalIngressContext,
  child: string,
  key: keyof typeof INGRESS_CHARTS & keyof typeof INGRESS_CHART_IMAGES,
  release: { readonly releaseName: string; readonly namespace: string },
  version: string,
  values: Record<string, unknown>,
): k8s.helm.v3.Release {
  const images = mirrored(values, INGRESS_CHART_IMAGES[key], ctx.args.imageMirror, child);
  return new k8s.helm.v3.Release(
    child,
    {
      name: release.releaseName,
      namespace: release.namespace,
      chart: INGRESS_CHARTS[key].chart,
      version,
      repositoryOpts: { repo: INGRESS_CHARTS[key].repo },
      values: images.values,
      atomic: true,
    },
    { parent: ctx.parent, dependsOn: images.dependsOn },
  );
}

/** One Ingress per published service, all in the IngressGroup, each depending on the controller. */
export function createPublishedIngresses(
  ctx: RegionalIngressContext,
  controller: k8s.helm.v3.Release,
): { ingress: k8s.networking.v1.Ingress; published: PublishedIngress }[] {
  const { name, parent, args, r } = ctx;
  const loadBalancerAttributes = loadBalancerAttributesOf(
    r,
    args.accessLogs ? { bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix ?? name } : undefined,
  );
  const order = groupOrderOf(r.services);
  return r.services.map((s, i) => {
    const ingress = new k8s.networking.v1.Ingress(
      `${name}-${s.namespace}-${s.serviceName}`,
      {
        metadata: {
          name: ingressNameOf(s.serviceName, r.groupName),
          namespace: s.namespace,
          labels: { "app.kubernetes.io/name": s.serviceName, "app.kubernetes.io/managed-by": "pulumi" },
          annotations: ingressAnnotationsOf(r, {
            healthCheckPath: s.healthCheckPath,
            order: order[i],
            certificateArn: args.certificateArn,
            webAclArn: args.webAclArn,
            loadBalancerAttributes,
          }),
          ...(s.canaryServiceName ? canaryActionAnnotationOf(s.serviceName, s.canaryServiceName, s.servicePort) : {}),
        },
        spec: ingressSpecOf(r, s),
      },
      // The controller's admission webhook validates Ingresses, and it must outlive them to remove the ALB on delete.
      // A canary's weights belong to the Rollouts controller once created: Pulumi must not reset them mid-release.
      {
        parent,
        dependsOn: [controller],
        ...(s.canaryServiceName ? { ignoreChanges: [`metadata.annotations["${Object.keys(canaryActionAnnotationOf(s.serviceName, s.canaryServiceName, s.servicePort))[0]}"]`] } : {}),
      },
    );
    return { ingress, published: { namespace: s.namespace, name: ingress.metadata.name, serviceName: s.serviceName, path: s.path, hosts: [r.regionalHostname, r.domainName] } };
  });
}
