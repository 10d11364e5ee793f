import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NodeGroupArgs } from "./HaCluster";
import { AmiType, CapacityType } from "./types";

/** Defaults for a node group, resolved once. */
export const NODE_GROUP_DEFAULTS = {
  amiType: AmiType.Al2023X86,
  capacityType: CapacityType.OnDemand,
  diskSizeGiB: 50,
  maxUnavailablePercentage: 33,
} as const;

/**
 * IMDSv2 only, with a hop limit of 1: pods (which sit one network hop behind the node) cannot reach the instance
 * metadata service, so they cannot borrow the node role's credentials. Everything that calls AWS gets its own IRSA
 * role instead, and components that would otherwise read region/VPC from IMDS are configured explicitly.
 */
export const METADATA_OPTIONS = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
} as const;

export interface NodeGroupContext {
  readonly name: string;
  readonly clusterName: pulumi.Output<string>;
  readonly kubernetesVersion: pulumi.Input<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly zones: readonly string[];
  /** Private subnet ids in the order of `zones`. */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly tags: Record<string, string>;
  /** Must exist before nodes boot (pod networking); node groups wait for them. */
  readonly dependsOn: pulumi.Resource[];
  readonly parent: pulumi.Resource;
}

/**
 * One launch template per group and one managed node group per zone and group. Zonal groups let the cluster
 * autoscaler (with balance-similar-node-groups) keep zones even and scale the zone a pending pod needs, which a
 * single multi-zone group cannot do for zonal EBS volumes.
 */
export function createNodeGroups(ctx: NodeGroupContext, groups: Readonly<Record<string, NodeGroupArgs>>): aws.eks.NodeGroup[] {
  const subnets = pulumi.output(ctx.privateSubnetIds).apply((ids) => {
    if (ids.length !== ctx.zones.length) {
      throw new Error(
        `HaCluster "${ctx.name}": privateSubnetIds has ${ids.length} subnets but availabilityZones has ${ctx.zones.length}; ` +
          "pass network.privateSubnetIds and network.availabilityZones from the same Network",
      );
    }
    return ids;
  });
  const out: aws.eks.NodeGroup[] = [];
  for (const [key, group] of Object.entries(groups)) {
    const launchTemplate = createLaunchTemplate(ctx, key, group);
    ctx.zones.forEach((zone, i) => {
      out.push(
        new aws.eks.NodeGroup(
          `${ctx.name}-${key}-${zone}`,
          {
            clusterName: ctx.clusterName,
            version: ctx.kubernetesVersion,
            nodeRoleArn: ctx.nodeRoleArn,
            subnetIds: [subnets[i]],
            amiType: group.amiType ?? NODE_GROUP_DEFAULTS.amiType,
            capacityType: group.capacityType ?? NODE_GROUP_DEFAULTS.capacityType,
            instanceTypes: [...group.instanceTypes],
            labels: { ...group.labels, "production-platform/node-group": key },
            taints: group.taints?.map((t) => ({ key: t.key, value: t.value, effect: t.effect })),
            scalingConfig: { minSize: group.minSizePerZone, desiredSize: group.desiredSizePerZone, maxSize: group.maxSizePerZone },
            updateConfig: { maxUnavailablePercentage: group.maxUnavailablePercentage ?? NODE_GROUP_DEFAULTS.maxUnavailablePercentage },
            launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply((v) => `${v}`) },
            tags: { ...ctx.tags, Name: `${ctx.name}-${key}-${zone}` },
          },
          // The autoscaler owns the current size; a deploy must not reset it.
          { parent: ctx.parent, ignoreChanges: ["scalingConfig.desiredSize"], dependsOn: ctx.dependsOn },
        ),
      );
    });
  }
  return out;
}

function createLaunchTemplate(ctx: NodeGroupContext, key: string, group: NodeGroupArgs): aws.ec2.LaunchTemplate {
  const tags = { ...ctx.tags, Name: `${ctx.name}-${key}` };
  return new aws.ec2.LaunchTemplate(
    `${ctx.name}-${key}`,
    {
      description: `EKS managed node group ${key} of ${ctx.name}`,
      updateDefaultVersion: true,
      metadataOptions: { ...METADATA_OPTIONS },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: group.diskSizeGiB ?? NODE_GROUP_DEFAULTS.diskSizeGiB,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: "instance", tags },
        { resourceType: "volume", tags },
      ],
      tags,
    },
    { parent: ctx.parent },
  );
}
