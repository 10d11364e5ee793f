/**
 * EC2 instances and launch templates: encrypted block devices (CIS AWS 2.2.1 / FSBP EC2.3), IMDSv2 only (CIS AWS 5.6 /
 * FSBP EC2.8), no public IPv4 address (FSBP EC2.9). Launch templates count because managed node groups, autoscaling
 * groups and Karpenter start their instances from them.
 */
import { Finding, ResourceRule, StackRule, Subject } from "../../common/finding";
import { awsScopeOf } from "../../common/scope";
import { ofType, referencedBy } from "../../common/stack";
import { arrayOf, boolOf, cannotTellYet, isUnknown, objectOf } from "../../common/unknown";
import { T } from "./account";
import { cisAws, fsbp } from "./meta";

export const EC2 = {
  Instance: "aws:ec2/instance:Instance",
  LaunchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  Subnet: "aws:ec2/subnet:Subnet",
} as const;
const isCompute = (t: string) => t === EC2.Instance || t === EC2.LaunchTemplate;
const label = (r: Subject) => (r.type === EC2.Instance ? `EC2 instance ${r.name}` : `Launch template ${r.name}`);

/** Block devices of an instance or launch template with where they are declared and their `encrypted` value. */
export function blockDevicesOf(r: Subject): { where: string; encrypted: unknown }[] {
  if (r.type === EC2.Instance) {
    // An instance always has a root volume; without rootBlockDevice it is the AMI's, unencrypted unless the AMI's is.
    const root = objectOf(r.props.rootBlockDevice);
    const devices = [{ where: "rootBlockDevice.encrypted", encrypted: isUnknown(r.props.rootBlockDevice) ? r.props.rootBlockDevice : root?.encrypted }];
    arrayOf(r.props.ebsBlockDevices).forEach((d, i) => devices.push({ where: `ebsBlockDevices[${i}].encrypted`, encrypted: objectOf(d)?.encrypted }));
    return devices;
  }
  return arrayOf(r.props.blockDeviceMappings).flatMap((m, i) => {
    const ebs = objectOf(m)?.ebs;
    return ebs === undefined || ebs === null ? [] : [{ where: `blockDeviceMappings[${i}].ebs.encrypted`, encrypted: isUnknown(ebs) ? ebs : objectOf(ebs)?.encrypted }];
  });
}

export const attachedVolumesEncrypted: StackRule = {
  meta: cisAws(
    "2.2.1",
    "ec2-block-devices-encrypted",
    "Ensure EBS volume encryption is enabled in all regions",
    "high",
    "Set encrypted true on every block device of the instance or launch template, or enable aws.ebs.EncryptionByDefault in its account and region.",
    ["FSBP EC2.3", "awsguard encrypted-volumes"],
  ),
  judges: isCompute,
  check(resources) {
    // EBS encryption by default is per account and region: it only covers instances created through the same scope.
    const covered = new Set(ofType(resources, T.EbsDefault).filter((d) => boolOf(d.props.enabled) !== false).map(awsScopeOf));
    return resources.filter((r) => isCompute(r.type)).flatMap((r): Finding[] => {
      if (covered.has(awsScopeOf(r))) return [];
      return blockDevicesOf(r).flatMap((d): Finding[] => {
        const v = boolOf(d.encrypted);
        if (v === true) return [];
        if (v === "unknown") return [cannotTellYet(label(r), d.where, "cis-aws-2.2.1-ec2-block-devices-encrypted", r)];
        return [{ subject: r, message: `${label(r)} ${d.where.replace(/\.encrypted$/, "")} is not encrypted; set ${d.where} to true (or enable EBS encryption by default in its region).` }];
      });
    });
  },
};

/** The metadata options block of an instance or launch template. */
const metadataOptionsOf = (r: Subject) => r.props.metadataOptions;

export const imdsV2Required: ResourceRule = {
  meta: cisAws("5.6", "ec2-imdsv2-required", "Ensure that EC2 Metadata Service only allows IMDSv2", "high", "Set metadataOptions.httpTokens to \"required\" (and httpPutResponseHopLimit 1 for container hosts).", ["FSBP EC2.8"]),
  types: isCompute,
  check(r) {
    const options = metadataOptionsOf(r);
    if (isUnknown(options) || isUnknown(objectOf(options)?.httpTokens)) return [cannotTellYet(label(r), "metadataOptions.httpTokens", "cis-aws-5.6-ec2-imdsv2-required")];
    const tokens = objectOf(options)?.httpTokens;
    const endpoint = objectOf(options)?.httpEndpoint;
    if (tokens === "required" || endpoint === "disabled") return [];
    return [{ message: `${label(r)} accepts IMDSv1 (httpTokens ${tokens === undefined ? "unset, AWS default optional" : JSON.stringify(tokens)}); set metadataOptions.httpTokens to "required".` }];
  },
};

/** `associatePublicIpAddress` of an instance or of each launch template network interface. */
function publicIpSettings(r: Subject): { where: string; value: unknown }[] {
  if (r.type === EC2.Instance) return [{ where: "associatePublicIpAddress", value: r.props.associatePublicIpAddress }];
  return arrayOf(r.props.networkInterfaces).map((n, i) => ({ where: `networkInterfaces[${i}].associatePublicIpAddress`, value: objectOf(n)?.associatePublicIpAddress }));
}

export const noPublicIp: StackRule = {
  meta: fsbp("EC2.9", "aws-ec2-no-public-ip", "Amazon EC2 instances should not have a public IPv4 address", "high", "Set associatePublicIpAddress false and launch into private subnets (mapPublicIpOnLaunch false); publish services through a load balancer.", ["awsguard ec2-instance-no-public-ip"]),
  judges: isCompute,
  check(resources) {
    const publicSubnetOf = referencedBy(ofType(resources, EC2.Subnet).filter((s) => boolOf(s.props.mapPublicIpOnLaunch) === true), "subnetId", ["id"]);
    return resources.filter((r) => isCompute(r.type)).flatMap((r): Finding[] => {
      const settings = publicIpSettings(r);
      const explicit = settings.filter((s) => boolOf(s.value) === true);
      if (explicit.length > 0) return [{ subject: r, message: `${label(r)} gets a public IPv4 address (${explicit[0].where} true); set it to false and reach the instance through a load balancer or SSM.` }];
      const unknown = settings.find((s) => boolOf(s.value) === "unknown");
      if (unknown) return [cannotTellYet(label(r), unknown.where, "aws-ec2-no-public-ip", r)];
      // Unset on an instance: the subnet's mapPublicIpOnLaunch decides.
      if (r.type !== EC2.Instance || boolOf(r.props.associatePublicIpAddress) === false) return [];
      const subnet = publicSubnetOf(r)[0];
      return subnet ? [{ subject: r, message: `${label(r)} launches into subnet ${subnet.name}, which maps public IPs on launch; set associatePublicIpAddress false or use a private subnet.` }] : [];
    });
  },
};
