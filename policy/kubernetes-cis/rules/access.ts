/**
 * CIS EKS 2.1.2 (audit logs collected and managed), 4.1.7 (Cluster Access Manager API), 5.4.5 (TLS on HTTPS load
 * balancers, through Ingress objects) and the NSA/CISA read-only root filesystem check.
 */
import { Finding, ResourceRule, StackRule, describe } from "../../common/finding";
import { EKS_CLUSTER, missingLogTypes } from "../../common/checks/eks";
import { containerFindings, isWorkload, kindOf, metadataOf, RUNNING_CONTAINER_FIELDS } from "../../common/kubernetes";
import { awsScopeOf } from "../../common/scope";
import { ofType } from "../../common/stack";
import { arrayOf, boolOf, cannotTellYet, isSet, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { cisEks, nsaCisa } from "./meta";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

export const auditLogsManaged: StackRule = {
  meta: cisEks(
    "2.1.2",
    "audit-logs-managed",
    "Ensure audit logs are collected and managed",
    "medium",
    "Create the aws.cloudwatch.LogGroup /aws/eks/<cluster>/cluster yourself, before the cluster, with retentionInDays (and a KMS key), so EKS does not create it with no expiry.",
  ),
  judges: [EKS_CLUSTER],
  check(resources) {
    // Log group names are per account/region, like cluster names: key both on the AWS provider's scope.
    const groups = new Map<string, unknown>();
    for (const g of ofType(resources, LOG_GROUP)) if (typeof g.props.name === "string") groups.set(`${awsScopeOf(g)}|${g.props.name}`, g.props.retentionInDays);
    const unknownGroupNames = ofType(resources, LOG_GROUP).some((g) => isUnknown(g.props.name));
    return ofType(resources, EKS_CLUSTER).flatMap((c): Finding[] => {
      if (missingLogTypes(c, ["audit"]).length > 0) return []; // 2.1.1 reports clusters without audit logs
      const name = c.props.name;
      if (typeof name !== "string" || isUnknown(name)) return [cannotTellYet(`EKS cluster ${c.name}`, "name", "cis-eks-2.1.2-audit-logs-managed", c)];
      const groupName = `/aws/eks/${name}/cluster`;
      const key = `${awsScopeOf(c)}|${groupName}`;
      if (!groups.has(key)) {
        if (unknownGroupNames) return [cannotTellYet(`EKS cluster ${c.name}`, `the name of a LogGroup that could be ${groupName}`, "cis-eks-2.1.2-audit-logs-managed", c)];
        return [{ subject: c, message: `EKS cluster ${c.name} audit logs go to ${groupName}, which EKS creates with no retention; create that LogGroup in the program with retentionInDays.` }];
      }
      const days = numberOf(groups.get(key));
      if (days === "unknown") return [cannotTellYet(`LogGroup ${groupName}`, "retentionInDays", "cis-eks-2.1.2-audit-logs-managed", c)];
      return days !== undefined && days > 0 ? [] : [{ subject: c, message: `EKS cluster ${c.name} audit log group ${groupName} never expires; set retentionInDays on it.` }];
    });
  },
};

export const accessManagerApi: ResourceRule = {
  meta: cisEks(
    "4.1.7",
    "cluster-access-manager-api",
    "Cluster Access Manager API to streamline and enhance the management of access controls within EKS clusters",
    "medium",
    "Set accessConfig.authenticationMode to \"API\" and grant access through aws.eks.AccessEntry instead of the aws-auth ConfigMap.",
  ),
  types: [EKS_CLUSTER],
  check(c) {
    const access = c.props.accessConfig;
    const mode = isUnknown(access) ? access : objectOf(access)?.authenticationMode;
    if (isUnknown(mode)) return [cannotTellYet(`EKS cluster ${c.name}`, "accessConfig.authenticationMode", "cis-eks-4.1.7-cluster-access-manager-api")];
    if (mode === "API") return [];
    const now = mode === undefined ? "unset (CONFIG_MAP)" : String(mode);
    return [{ message: `EKS cluster ${c.name} authenticates through the aws-auth ConfigMap (authenticationMode ${now}); set accessConfig.authenticationMode to "API" and use access entries.` }];
  },
};

const isIngress = (t: string) => t.startsWith("kubernetes:networking.k8s.io/") && kindOf(t) === "Ingress" || t.startsWith("kubernetes:extensions/") && kindOf(t) === "Ingress";

/** True when the AWS Load Balancer Controller terminates TLS for the Ingress (certificate + HTTPS listener). */
function albTerminatesTls(annotations: Record<string, unknown>): boolean {
  const cert = annotations["alb.ingress.kubernetes.io/certificate-arn"];
  const ports = annotations["alb.ingress.kubernetes.io/listen-ports"];
  return isSet(cert) && typeof ports === "string" && /HTTPS/.test(ports) && !/"HTTP"\s*:/.test(ports);
}

export const ingressTls: ResourceRule = {
  meta: cisEks(
    "5.4.5",
    "ingress-tls",
    "Encrypt traffic to HTTPS load balancers with TLS certificates",
    "high",
    "Add spec.tls with a certificate secret, or (AWS Load Balancer Controller) the certificate-arn annotation with HTTPS-only listen-ports.",
    ["Polaris tlsSettingsMissing"],
  ),
  types: isIngress,
  check(r) {
    const tls = objectOf(r.props.spec)?.tls;
    if (arrayOf(tls).length > 0) return [];
    const annotations = objectOf(metadataOf(r.props).annotations) ?? {};
    if (albTerminatesTls(annotations)) return [];
    if (isUnknown(tls) || Object.values(annotations).some(isUnknown)) return [cannotTellYet(describe(r), "spec.tls / metadata.annotations", "cis-eks-5.4.5-ingress-tls")];
    return [{ message: `${describe(r)} serves plain HTTP; add spec.tls (or the ALB certificate-arn annotation with HTTPS-only listen-ports).` }];
  },
};

export const readOnlyRootFilesystem: ResourceRule = {
  meta: nsaCisa("POD-1", "nsa-read-only-root-filesystem", "Containers run with an immutable (read-only) root filesystem", "medium", "Set securityContext.readOnlyRootFilesystem: true on every container and mount an emptyDir where it must write.", [
    "Polaris notReadOnlyRootFilesystem",
    "kube-score container-security-context-readonlyrootfilesystem",
  ]),
  types: isWorkload,
  check(r) {
    return containerFindings(
      r,
      (container, name, what): Finding | undefined => {
        const sc = container.securityContext;
        const v = isUnknown(sc) ? "unknown" : boolOf(objectOf(sc)?.readOnlyRootFilesystem);
        if (v === true) return undefined;
        if (v === "unknown") return cannotTellYet(`${what()} container ${name}`, "securityContext.readOnlyRootFilesystem", "nsa-read-only-root-filesystem");
        return { message: `${what()} container ${name} can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for scratch space.` };
      },
      RUNNING_CONTAINER_FIELDS,
    );
  },
};
