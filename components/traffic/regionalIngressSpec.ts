/**
 * Pure builders for {@link RegionalIngress}: the controllers' IAM policies, their Helm values and the Ingress
 * manifests. Exported so reviewers and tests can read the exact choices without registering anything.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedRegionalIngress } from "./regionalIngressArgs";

type Json = Record<string, unknown>;

export const LOAD_BALANCER_CONTROLLER = { namespace: "kube-system", releaseName: "aws-load-balancer-controller", serviceAccount: "aws-load-balancer-controller" } as const;
export const EXTERNAL_DNS = { namespace: "kube-system", releaseName: "external-dns", serviceAccount: "external-dns" } as const;
/** IngressClass the controller chart creates; Ingresses select it by `ingressClassName`. */
export const ALB_INGRESS_CLASS = "alb";
/** TLS 1.3 and 1.2 only, forward-secret ciphers. */
export const ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** Tag the controller puts on everything it creates; the IAM policy keys its write access on it. */
const CLUSTER_TAG = "elbv2.k8s.aws/cluster";

function document(statements: Json[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Tag the controller's conditions key on: present on the request, on the resource, or kept while retagging. */
function clusterTagConditions(): { requestTagged: Json; resourceTagged: Json; retagOwned: Json } {
  return {
    requestTagged: { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "false" } },
    resourceTagged: { Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } },
    retagOwned: { Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: "true", [`aws:ResourceTag/${CLUSTER_TAG}`]: "false" } },
  };
}

/** The ELB service-linked role and the account-wide reads (EC2, ELB, certificates, WAF, Shield). */
function controllerReadStatements(): Json[] {
  return [
    {
      Sid: "ServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      Sid: "Describe",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
        "ec2:DescribeInstances", "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools",
        "ec2:GetSecurityGroupsForVpc", "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeListenerCertificates",
        "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
      ],
      Resource: "*",
    },
    {
      Sid: "CertificatesWafShield",
      Effect: "Allow",
      Action: [
        "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates",
        "iam:GetServerCertificate", "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL",
        "waf-regional:DisassociateWebACL", "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL",
        "wafv2:DisassociateWebACL", "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection",
        "shield:DeleteProtection",
      ],
      Resource: "*",
    },
  ];
}

/** Security groups: create them tagged, retag and modify or delete only the tagged ones. */
function controllerSecurityGroupStatements(partition: string): Json[] {
  const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
  const { requestTagged, resourceTagged, retagOwned } = clusterTagConditions();
  return [
    { Sid: "SecurityGroupRules", Effect: "Allow", Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"], Resource: "*" },
    { Sid: "CreateSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
    {
      Sid: "TagSecurityGroupOnCreate",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: securityGroups,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestTagged },
    },
    { Sid: "RetagOwnSecurityGroups", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: securityGroups, Condition: retagOwned },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: "*",
      Condition: resourceTagged,
    },
  ];
}

/** Load balancers and target groups: create them tagged, then modify, retag or delete only the tagged ones. */
function controllerLoadBalancerStatements(partition: string): Json[] {
  const elb = `arn:${partition}:elasticloadbalancing:*:*`;
  const ownResources = [`${elb}:targetgroup/*/*`, `${elb}:loadbalancer/net/*/*`, `${elb}:loadbalancer/app/*/*`];
  const { requestTagged, resourceTagged, retagOwned } = clusterTagConditions();
  return [
    {
      Sid: "CreateTaggedLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: requestTagged,
    },
    {
      Sid: "ListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
      Resource: "*",
    },
    { Sid: "RetagOwnLoadBalancers", Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"], Resource: ownResources, Condition: retagOwned },
    {
      Sid: "TagListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [`${elb}:listener/net/*/*/*`, `${elb}:listener/app/*/*/*`, `${elb}:listener-rule/net/*/*/*`, `${elb}:listener-rule/app/*/*/*`],
    },
    {
      Sid: "ModifyOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup",
        "elasticloadbalancing:ModifyListenerAttributes", "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
      ],
      Resource: "*",
      Condition: resourceTagged,
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: ownResources,
      Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, ...requestTagged },
    },
  ];
}

/** Target registration and listener settings (WAF, certificates, rules). */
function controllerTargetAndListenerStatements(partition: string): Json[] {
  const elb = `arn:${partition}:elasticloadbalancing:*:*`;
  return [
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: `${elb}:targetgroup/*/*`,
    },
    {
      Sid: "ListenerSettings",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates",
        "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
      ],
      Resource: "*",
    },
  ];
}

/**
 * The controller's documented IAM policy (docs/install/iam_policy.json, v2.14), with partition-aware ARNs. Reads are
 * account-wide; creating load balancers, target groups and security groups requires tagging them with
 * `elbv2.k8s.aws/cluster`, and modifying or deleting them requires that tag to be present, so the controller cannot
 * touch load balancers it did not create.
 */
export function loadBalancerControllerPolicy(partition: string): string {
  return document([
    ...controllerReadStatements(),
    ...controllerSecurityGroupStatements(partition),
    ...controllerLoadBalancerStatements(partition),
    ...controllerTargetAndListenerStatements(partition),
  ]);
}

/** external-dns: change and read records in one hosted zone; listing zones cannot be scoped (Route 53 has no zone in that call). */
export function externalDnsPolicy(partition: string, hostedZoneId: string): string {
  const zone = `arn:${partition}:route53:::hostedzone/${hostedZoneId.replace(/^\/?hostedzone\//, "")}`;
  return document([
    { Sid: "ChangeRecordsInZone", Effect: "Allow", Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], Resource: zone },
    { Sid: "FindZone", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
  ]);
}

function irsaServiceAccount(name: string, roleArn: pulumi.Input<string>): Json {
  return { create: true, name, annotations: { "eks.amazonaws.com/role-arn": roleArn } };
}

/** Helm values of the AWS Load Balancer Controller. */
export function loadBalancerControllerValues(r: ResolvedRegionalIngress, a: { clusterName: pulumi.Input<string>; vpcId: pulumi.Input<string>; roleArn: pulumi.Input<string>; tags: Record<string, string> }): Json {
  return {
    clusterName: a.clusterName,
    // Pods cannot reach instance metadata (hop limit 1), so the controller cannot discover these itself.
    region: r.region,
    vpcId: a.vpcId,
    replicaCount: 2,
    serviceAccount: irsaServiceAccount(LOAD_BALANCER_CONTROLLER.serviceAccount, a.roleArn),
    podDisruptionBudget: { maxUnavailable: 1 },
    // Leader election keeps one replica active; the second, in another zone, takes over when a zone fails.
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: r.prod ? "DoNotSchedule" : "ScheduleAnyway",
        labelSelector: { matchLabels: { "app.kubernetes.io/name": "aws-load-balancer-controller", "app.kubernetes.io/instance": LOAD_BALANCER_CONTROLLER.releaseName } },
      },
    ],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    createIngressClassResource: true,
    ingressClass: ALB_INGRESS_CLASS,
    // Only Ingresses that ask for the class get a load balancer.
    ingressClassConfig: { default: false },
    // Leave `type: LoadBalancer` Services alone: tenants are published through the shared Ingress only.
    enableServiceMutatorWebhook: false,
    // WAF Classic is retired; the web ACL is WAFv2.
    enableWaf: false,
    enableWafv2: true,
    defaultSSLPolicy: ALB_SSL_POLICY,
    defaultTags: a.tags,
  };
}

/** Helm values of external-dns: only the regional hostname annotation on ALB Ingresses, never deleting a record. */
export function externalDnsValues(r: ResolvedRegionalIngress, a: { clusterName: pulumi.Input<string>; hostedZoneId: pulumi.Input<string>; roleArn: pulumi.Input<string> }): Json {
  return {
    provider: { name: "aws" },
    // The AWS SDK needs a region even for Route 53, and instance metadata is out of reach.
    env: [{ name: "AWS_REGION", value: r.region }, { name: "AWS_DEFAULT_REGION", value: r.region }],
    serviceAccount: irsaServiceAccount(EXTERNAL_DNS.serviceAccount, a.roleArn),
    sources: ["ingress"],
    policy: "upsert-only",
    registry: "txt",
    txtOwnerId: a.clusterName,
    domainFilters: [r.domainName],
    triggerLoopOnEvent: true,
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
    extraArgs: [
      pulumi.interpolate`--zone-id-filter=${a.hostedZoneId}`,
      "--aws-zone-type=public",
      `--ingress-class=${ALB_INGRESS_CLASS}`,
      // The public hostname is in every region's Ingress rules but belongs to GlobalTraffic's health-checked records:
      // publish only the `external-dns.alpha.kubernetes.io/hostname` annotation (the regional name).
      "--ignore-ingress-rules-spec",
      "--ignore-ingress-tls-spec",
    ],
  };
}

/**
 * Rule order within the group: longer prefixes first so `/` stays the catch-all. Ties keep the given order.
 * Returns `group.order` per service index (1-based; the controller accepts -1000..1000).
 */
export function groupOrderOf(services: readonly { path: string }[]): number[] {
  const ranked = services.map((s, i) => ({ i, length: s.path.length })).sort((a, b) => b.length - a.length || a.i - b.i);
  const order: number[] = new Array(services.length);
  ranked.forEach((entry, rank) => (order[entry.i] = rank + 1));
  return order;
}

/** `load-balancer-attributes`: identical on every member of the group, or the controller refuses the group. */
export function loadBalancerAttributesOf(r: ResolvedRegionalIngress, accessLogs?: { bucket: pulumi.Input<string>; prefix: string }): pulumi.Output<string> {
  const fixed = [`deletion_protection.enabled=${r.deletionProtection}`, "routing.http.drop_invalid_header_fields.enabled=true"];
  if (!accessLogs) return pulumi.output(fixed.join(","));
  return pulumi.interpolate`${fixed.join(",")},access_logs.s3.enabled=true,access_logs.s3.bucket=${accessLogs.bucket},access_logs.s3.prefix=${accessLogs.prefix}`;
}

/** Annotations of one service's Ingress: group-wide settings (the same on every member) plus its own health check. */
export function ingressAnnotationsOf(
  r: ResolvedRegionalIngress,
  a: { healthCheckPath: string; order: number; certificateArn: pulumi.Input<string>; webAclArn: pulumi.Input<string>; loadBalancerAttributes: pulumi.Input<string> },
): Record<string, pulumi.Input<string>> {
  return {
    "alb.ingress.kubernetes.io/group.name": r.groupName,
    "alb.ingress.kubernetes.io/group.order": String(a.order),
    "alb.ingress.kubernetes.io/scheme": "internet-facing",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTPS: 443 }]),
    // No HTTP listener is opened; should a group member ever add one, it only redirects.
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/certificate-arn": a.certificateArn,
    "alb.ingress.kubernetes.io/ssl-policy": ALB_SSL_POLICY,
    "alb.ingress.kubernetes.io/wafv2-acl-arn": a.webAclArn,
    "alb.ingress.kubernetes.io/load-balancer-attributes": a.loadBalancerAttributes,
    "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
    "alb.ingress.kubernetes.io/healthcheck-path": a.healthCheckPath,
    "alb.ingress.kubernetes.io/success-codes": "200",
    // Pods stop taking requests within HaService's preStop sleep; waiting the default 300 s only slows rollouts.
    "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=30",
    "external-dns.alpha.kubernetes.io/hostname": r.regionalHostname,
  };
}

/**
 * The weighted forward action of a canary-routed service, at its initial 100 % stable / 0 % canary. Argo Rollouts
 * rewrites it at every step (docs: traffic-management/alb); it exists from the start so the load balancer controller
 * never sees a `use-annotation` backend without its action, which would fail the whole IngressGroup's reconcile.
 */
export function canaryActionAnnotationOf(stableServiceName: string, canaryServiceName: string, servicePort: number): Record<string, string> {
  const action = {
    type: "forward",
    forwardConfig: {
      targetGroups: [
        { serviceName: stableServiceName, servicePort: String(servicePort), weight: 100 },
        { serviceName: canaryServiceName, servicePort: String(servicePort), weight: 0 },
      ],
    },
  };
  return { [`alb.ingress.kubernetes.io/actions.${stableServiceName}`]: JSON.stringify(action) };
}

/**
 * Both hosts route the same path: the regional one (health checks) and the public one (real traffic). A canary-routed
 * service's backend names its stable Service with port `use-annotation`, the AWS Load Balancer Controller's cue to
 * forward through the `actions.<service>` annotation.
 */
export function ingressSpecOf(
  r: ResolvedRegionalIngress,
  s: { serviceName: string; servicePort: number; path: string; canaryServiceName?: string },
): k8s.types.input.networking.v1.IngressSpec {
  const port = s.canaryServiceName ? { name: "use-annotation" } : { number: s.servicePort };
  const paths = [{ path: s.path, pathType: "Prefix", backend: { service: { name: s.serviceName, port } } }];
  return {
    ingressClassName: ALB_INGRESS_CLASS,
    rules: [r.regionalHostname, r.domainName].map((host) => ({ host, http: { paths } })),
  };
}
