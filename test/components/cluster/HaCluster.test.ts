import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HaCluster, HaClusterArgs } from "../../../components/cluster/HaCluster";
import { CONTROL_PLANE_LOG_TYPES } from "../../../components/cluster/types";
import { PINNED_VERSIONS, CLUSTER_AUTOSCALER_CHART } from "../../../components/cluster/versions";
import { ValidationError } from "../../../components/shared/validation";
import { installMockRuntime, ResourceRecorder, settle } from "../../../src/testing/mocks";
import { isSecret } from "../../../src/testing/wire";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";
const base: HaClusterArgs = {
  region: "us-east-1",
  environment: "prod",
  kubernetesVersion: "1.33",
  vpcId: "vpc-123",
  privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
  availabilityZones: ZONES,
  adminRoleArns: [ADMIN],
  nodeGroups: { general: { instanceTypes: ["m7i.large"], minSizePerZone: 1, desiredSizePerZone: 2, maxSizePerZone: 5 } },
};

interface Built {
  recorder: ResourceRecorder;
  cluster: HaCluster;
}

async function build(preview: boolean, args: Partial<HaClusterArgs> = {}): Promise<Built> {
  const recorder = installMockRuntime({ preview, project: "production-platform", stack: "prod" });
  const provider = new aws.Provider("aws-use1", { region: "us-east-1" });
  const cluster = new HaCluster("use1", { ...base, ...args }, { provider });
  await settle();
  return { recorder, cluster };
}

function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const EKS = "aws:eks/cluster:Cluster";

describe.each([true, false])("HaCluster (preview=%s)", (preview) => {
  let prod: Built;
  beforeAll(async () => {
    prod = await build(preview);
  });

  test("keeps the API endpoint private and uses API-mode access entries without creator admin", () => {
    const eks = prod.recorder.inputsOf(prod.recorder.one(EKS));
    expect(eks.vpcConfig.endpointPrivateAccess).toBe(true);
    expect(eks.vpcConfig.endpointPublicAccess).toBe(false);
    expect(eks.vpcConfig.publicAccessCidrs).toBeUndefined();
    expect(eks.accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
    expect(eks.name).toBe("production-platform-prod-use1");
    expect(eks.version).toBe("1.33");
    expect(prod.recorder.regionOf(prod.recorder.one(EKS))).toBe("us-east-1");
  });

  test("opens the public endpoint only to the given allow-list", async () => {
    const { recorder } = await build(preview, { endpointPublicAccessCidrs: ["203.0.113.0/24"] });
    const eks = recorder.inputsOf(recorder.one(EKS));
    expect(eks.vpcConfig.endpointPublicAccess).toBe(true);
    expect(eks.vpcConfig.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
  });

  test("enables all five control-plane log types into a log group created first", () => {
    const { recorder } = prod;
    const eks = recorder.one(EKS);
    expect([...recorder.inputsOf(eks).enabledClusterLogTypes].sort()).toEqual([...CONTROL_PLANE_LOG_TYPES].sort());
    const logGroup = recorder.one("aws:cloudwatch/logGroup:LogGroup");
    expect(recorder.inputsOf(logGroup).name).toBe("/aws/eks/production-platform-prod-use1/cluster");
    expect(recorder.inputsOf(logGroup).retentionInDays).toBe(365);
    expect(eks.options.dependsOn).toContain(logGroup.urn);
  });

  test("encrypts secrets with a customer-managed key that rotates", () => {
    const { recorder } = prod;
    const key = recorder.one("aws:kms/key:Key");
    expect(recorder.inputsOf(key).enableKeyRotation).toBe(true);
    const eks = recorder.one(EKS);
    expect(recorder.inputsOf(eks).encryptionConfig.resources).toEqual(["secrets"]);
    expect(eks.propertyDependencies.encryptionConfig).toContain(key.urn);
    if (!preview) expect(recorder.inputsOf(eks).encryptionConfig.provider.keyArn).toBe(key.outputs.arn);
  });

  test("grants each admin role cluster-admin through an access entry", () => {
    const { recorder } = prod;
    const entry = recorder.inputsOf(recorder.one("aws:eks/accessEntry:AccessEntry", "use1-admin-platform-admin"));
    expect(entry).toMatchObject({ principalArn: ADMIN, type: "STANDARD" });
    const association = recorder.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    expect(recorder.inputsOf(association)).toMatchObject({ principalArn: ADMIN, accessScope: { type: "cluster" } });
    if (!preview) expect(recorder.inputsOf(association).policyArn).toBe("arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
    expect(recorder.ofType("kubernetes:core/v1:ConfigMap")).toHaveLength(0);
  });

  test("creates one node group per zone, each in its own zone's subnet, ignoring desiredSize drift", () => {
    const { recorder } = prod;
    const groups = recorder.ofType("aws:eks/nodeGroup:NodeGroup");
    expect(groups.map((g) => g.name).sort()).toEqual(ZONES.map((z) => `use1-general-${z}`));
    for (const [i, zone] of ZONES.entries()) {
      const group = recorder.one("aws:eks/nodeGroup:NodeGroup", `use1-general-${zone}`);
      const inputs = recorder.inputsOf(group);
      expect(group.options.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
      expect(inputs.scalingConfig).toEqual({ minSize: 1, desiredSize: 2, maxSize: 5 });
      expect(inputs.updateConfig.maxUnavailablePercentage).toBe(33);
      expect(inputs.subnetIds).toEqual([`subnet-${"abc"[i]}`]);
    }
  });

  test("launch template requires IMDSv2 with hop limit 1 and an encrypted gp3 root volume", () => {
    const { recorder } = prod;
    const lt = recorder.inputsOf(recorder.one("aws:ec2/launchTemplate:LaunchTemplate"));
    expect(lt.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" });
    expect(lt.blockDeviceMappings[0].ebs).toMatchObject({ volumeType: "gp3", encrypted: "true" });
  });

  test("pins every core add-on to the version table and turns on network policy in the VPC CNI", () => {
    const { recorder } = prod;
    const addons = Object.fromEntries(recorder.ofType("aws:eks/addon:Addon").map((a) => [recorder.inputsOf(a).addonName, recorder.inputsOf(a)]));
    const pinned = PINNED_VERSIONS["1.33"];
    expect(addons["vpc-cni"].addonVersion).toBe(pinned.vpcCni);
    expect(addons["coredns"].addonVersion).toBe(pinned.coredns);
    expect(addons["kube-proxy"].addonVersion).toBe(pinned.kubeProxy);
    expect(addons["aws-ebs-csi-driver"].addonVersion).toBe(pinned.ebsCsiDriver);
    expect(JSON.parse(addons["vpc-cni"].configurationValues)).toEqual({ enableNetworkPolicy: "true" });
  });

  test("nodes wait for pod networking; CoreDNS and the EBS CSI driver wait for nodes", () => {
    const { recorder } = prod;
    const addon = (n: string) => recorder.ofType("aws:eks/addon:Addon").find((a) => recorder.inputsOf(a).addonName === n)!;
    const group = recorder.one("aws:eks/nodeGroup:NodeGroup", "use1-general-us-east-1a");
    expect(group.options.dependsOn).toEqual(expect.arrayContaining([addon("vpc-cni").urn, addon("kube-proxy").urn]));
    expect(addon("coredns").options.dependsOn).toContain(group.urn);
    expect(addon("aws-ebs-csi-driver").options.dependsOn).toContain(group.urn);
  });

  test("IRSA roles trust only their service account; the node role carries no CNI policy", async () => {
    const { recorder } = prod;
    const roles = recorder.ofType("aws:iam/role:Role");
    expect(roles.every((r) => recorder.inputsOf(r).name === undefined)).toBe(true);
    const attachments = recorder.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.name);
    expect(attachments).toEqual(expect.arrayContaining(["use1-vpc-cni-AmazonEKS_CNI_Policy", "use1-ebs-csi-AmazonEBSCSIDriverPolicy"]));
    expect(attachments.filter((n) => n.startsWith("use1-eks-node-")).sort()).toEqual(
      ["use1-eks-node-AmazonEC2ContainerRegistryReadOnly", "use1-eks-node-AmazonEKSWorkerNodePolicy", "use1-eks-node-AmazonSSMManagedInstanceCore"],
    );
    if (!preview) {
      const cni = JSON.parse(recorder.inputsOf(recorder.one("aws:iam/role:Role", "use1-vpc-cni")).assumeRolePolicy);
      const condition = cni.Statement[0].Condition.StringEquals;
      expect(Object.entries(condition)).toEqual(
        expect.arrayContaining([[expect.stringMatching(/^oidc\.eks\.us-east-1\.amazonaws\.com\/id\/\w+:sub$/), "system:serviceaccount:kube-system:aws-node"]]),
      );
    }
  });

  test("installs the cluster autoscaler from a pinned chart, balancing zones, with an IRSA role scoped by cluster tag", () => {
    const { recorder } = prod;
    const release = recorder.one("kubernetes:helm.sh/v3:Release", "use1-cluster-autoscaler");
    const inputs = recorder.inputsOf(release);
    expect(inputs.version).toBe(CLUSTER_AUTOSCALER_CHART.version);
    expect(inputs.values.extraArgs["balance-similar-node-groups"]).toBe(true);
    expect(inputs.values.extraArgs.expander).toBe("least-waste");
    expect(inputs.values.image.tag).toBe(PINNED_VERSIONS["1.33"].clusterAutoscalerImage);
    expect(recorder.providerOf(release)?.type).toBe("pulumi:providers:kubernetes");
    const policy = JSON.parse(recorder.inputsOf(recorder.one("aws:iam/rolePolicy:RolePolicy", "use1-cluster-autoscaler")).policy);
    const scale = policy.Statement.find((s: any) => s.Sid === "ScaleOwnGroupsOnly");
    expect(scale.Condition.StringEquals).toEqual({ "aws:ResourceTag/k8s.io/cluster-autoscaler/production-platform-prod-use1": "owned" });
  });

  test("gets metrics-server (HA) and a default gp3 StorageClass encrypted with the cluster key, on its own provider", () => {
    const { recorder } = prod;
    const metrics = recorder.one("kubernetes:helm.sh/v3:Release", "use1-metrics-server");
    expect(recorder.inputsOf(metrics)).toMatchObject({ chart: "metrics-server", namespace: "kube-system", values: { replicas: 2, podDisruptionBudget: { enabled: true } } });
    expect(recorder.providerOf(metrics)?.type).toBe("pulumi:providers:kubernetes");
    const storageClass = recorder.one("kubernetes:storage.k8s.io/v1:StorageClass");
    const sc = recorder.inputsOf(storageClass);
    expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(sc.parameters).toMatchObject({ type: "gp3", encrypted: "true" });
    expect(String(sc.parameters.kmsKeyId)).toMatch(/key\/use1-eks-/);
  });

  test("admits the deployer range on 443 of the cluster security group only when asked", () => {
    const { recorder } = prod;
    expect(recorder.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).toEqual([]);
  });

  test("protects the cluster and key and turns on deletion protection in prod", () => {
    const { recorder } = prod;
    expect(recorder.one(EKS).options.protect).toBe(true);
    expect(recorder.one("aws:kms/key:Key").options.protect).toBe(true);
    expect(recorder.inputsOf(recorder.one(EKS)).deletionProtection).toBe(true);
  });

  test("does not protect a dev cluster", async () => {
    const { recorder } = await build(preview, { environment: "dev", nodeGroups: { general: { instanceTypes: ["t3.large"], minSizePerZone: 0, desiredSizePerZone: 1, maxSizePerZone: 2 } } });
    expect(recorder.one(EKS).options.protect).toBe(false);
    expect(recorder.inputsOf(recorder.one(EKS)).deletionProtection).toBe(false);
  });

  test("exposes a secret exec-based kubeconfig and a Kubernetes provider built from it", async () => {
    const { recorder, cluster } = prod;
    const provider = recorder.one("pulumi:providers:kubernetes");
    expect(isSecret(provider.props.kubeconfig)).toBe(true);
    expect(cluster.region).toBe("us-east-1");
    if (!preview) {
      const kubeconfig = JSON.parse(await value(cluster.kubeconfig));
      expect(kubeconfig.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "production-platform-prod-use1", "--region", "us-east-1", "--output", "json"]);
      expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\/.*\.eks\.amazonaws\.com$/);
      expect(await value(cluster.oidcProviderArn)).toMatch(/^arn:aws:iam::123456789012:/);
      expect(await value(cluster.nodeSecurityGroupId)).toMatch(/^sg-/);
      const component = recorder.one("production-platform:cluster:HaCluster");
      expect(isSecret(component.outputs.kubeconfig)).toBe(true);
    }
  });
});

describe("HaCluster validation", () => {
  const group = base.nodeGroups.general;
  test.each<[string, Partial<HaClusterArgs>, string[]]>([
    ["min > desired > max", { nodeGroups: { general: { ...group, minSizePerZone: 4, desiredSizePerZone: 3, maxSizePerZone: 2 } } }, ["nodeGroups.general.minSizePerZone", "got 4", "maxSizePerZone (2)", "nodeGroups.general.desiredSizePerZone", "got 3", "Fix:"]],
    ["desired above max", { nodeGroups: { general: { ...group, desiredSizePerZone: 9 } } }, ["nodeGroups.general.desiredSizePerZone", "got 9", "between minSizePerZone (1) and maxSizePerZone (5)", "from 1 to 5"]],
    ["prod min of zero", { nodeGroups: { general: { ...group, minSizePerZone: 0 } } }, ["nodeGroups.general.minSizePerZone", "got 0", "1 or more"]],
    ["version with v prefix", { kubernetesVersion: "v1.33" }, ["kubernetesVersion", '"v1.33"', '"1.NN"', '"1.33"']],
    ["version with patch", { kubernetesVersion: "1.33.2" }, ["kubernetesVersion", '"1.33.2"', "no patch"]],
    ["version too old", { kubernetesVersion: "1.29" }, ["kubernetesVersion", '"1.29"', "from 1.30 to 1.34", "versions.ts"]],
    ["version too new", { kubernetesVersion: "1.35" }, ["kubernetesVersion", '"1.35"', "from 1.30 to 1.34"]],
    ["0.0.0.0/0 public access in prod", { endpointPublicAccessCidrs: ["0.0.0.0/0"] }, ["endpointPublicAccessCidrs[0]", '"0.0.0.0/0"', "not allowed", "remove endpointPublicAccessCidrs"]],
    ["malformed public CIDR", { endpointPublicAccessCidrs: ["203.0.113.0"] }, ["endpointPublicAccessCidrs[0]", '"203.0.113.0"', "a.b.c.d/n"]],
    ["prod with 2 zones", { availabilityZones: ["us-east-1a", "us-east-1b"] }, ["availabilityZones", '["us-east-1a","us-east-1b"]', "at least 3", "network.availabilityZones"]],
    ["admin that is not a role", { adminRoleArns: ["arn:aws:iam::123456789012:user/alice"] }, ["adminRoleArns[0]", "user/alice", "role's ARN"]],
    ["same admin role twice", { adminRoleArns: [ADMIN, ADMIN] }, ["adminRoleArns[1]", "platform-admin", "remove the duplicate"]],
    ["no node groups", { nodeGroups: {} }, ["nodeGroups", "{}", "at least one node group"]],
    ["empty instance types", { nodeGroups: { general: { ...group, instanceTypes: [] } } }, ["nodeGroups.general.instanceTypes", "[]", "non-empty"]],
    ["bad cluster name", { clusterName: "-bad name" }, ["clusterName", '"-bad name"', "leave clusterName unset"]],
  ])("%s", (_label, override, expected) => {
    installMockRuntime({ preview: true });
    let error: unknown;
    try {
      new HaCluster("use1", { ...base, ...override });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    for (const text of expected) expect((error as Error).message).toContain(text);
  });

  test("0.0.0.0/0 is accepted outside prod (still an explicit opt-in)", async () => {
    const recorder = installMockRuntime({ preview: true });
    new HaCluster("use1", { ...base, environment: "dev", endpointPublicAccessCidrs: ["0.0.0.0/0"] });
    await settle();
    expect(recorder.inputsOf(recorder.one(EKS)).vpcConfig.publicAccessCidrs).toEqual(["0.0.0.0/0"]);
  });

  test("registers no resources at all when validation fails", async () => {
    const recorder = installMockRuntime({ preview: false });
    expect(() => new HaCluster("use1", { ...base, kubernetesVersion: "1.29" })).toThrow(ValidationError);
    await settle();
    expect(recorder.resources).toHaveLength(0);
  });
});
