/**
 * RC-2: every claim binds. A PersistentVolumeClaim (direct, from a StatefulSet's volumeClaimTemplates, or from a
 * Prometheus/Alertmanager storage spec, as a CRD or as kube-prometheus-stack values) stays Pending when it names a
 * StorageClass the cluster lacks, or names none and the cluster has no default class. EKS creates only `gp2` (in-tree
 * provisioner, served by the EBS CSI driver since CSI migration) and marks it default only below Kubernetes 1.30;
 * the EBS CSI add-on creates a default class only with `defaultStorageClass.enabled`.
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { kindOf, metadataOf, objectName } from "../../common/kubernetes";
import { arrayOf, boolOf, isUnknown, objectOf } from "../../common/unknown";
import type { ClusterScope } from "./joins";
import { coherence } from "./meta";
import { addonOf } from "./metrics";
import { cannotTell, KubeView, where } from "./model";

const DEFAULT_ANNOTATIONS = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];
/** The class the EBS CSI add-on creates with `defaultStorageClass.enabled` (aws-ebs-csi-driver chart values). */
const EBS_CSI_DEFAULT_CLASS = "ebs-csi-default-sc";

interface Claim {
  readonly subject: Subject;
  /** What asks for storage: `volumeClaimTemplates[0]`, `values.prometheus.prometheusSpec.storageSpec`, ... */
  readonly field: string;
  /** `undefined`: no class named (default class), `""`: explicitly none (pre-provisioned volume), else the name. */
  readonly className: string | undefined | "unknown";
}

interface Classes {
  readonly names: Set<string>;
  readonly hasDefault: boolean;
  readonly ebsCsi: boolean;
  /** False when the cluster is not created by this program: classes may exist that we cannot see. */
  readonly known: boolean;
}

function classOf(pvcSpec: unknown): string | undefined | "unknown" {
  const spec = objectOf(pvcSpec);
  if (!spec) return isUnknown(pvcSpec) ? "unknown" : undefined;
  const c = spec.storageClassName;
  if (isUnknown(c)) return "unknown";
  return typeof c === "string" ? c : undefined;
}

/** Storage of a Prometheus-operator spec (`storage.volumeClaimTemplate.spec`), if it asks for a claim. */
function operatorClaim(subject: Subject, storage: unknown, field: string): Claim[] {
  const s = objectOf(storage);
  if (!s) return [];
  const template = objectOf(s.volumeClaimTemplate);
  return template ? [{ subject, field, className: classOf(template.spec) }] : [];
}

function claimsOf(view: KubeView, cluster: ClusterScope): Claim[] {
  const out: Claim[] = [];
  for (const o of view.objects.filter((x) => view.clusterOf(x).key === cluster.key)) {
    const kind = kindOf(o.type);
    const spec = objectOf(o.props.spec);
    if (kind === "PersistentVolumeClaim" && !(typeof spec?.volumeName === "string" && spec.volumeName !== "")) out.push({ subject: o, field: "spec.storageClassName", className: classOf(o.props.spec) });
    if (kind === "StatefulSet") arrayOf(spec?.volumeClaimTemplates).forEach((t, i) => out.push({ subject: o, field: `spec.volumeClaimTemplates[${i}]`, className: classOf(objectOf(t)?.spec) }));
    if ((kind === "Prometheus" || kind === "Alertmanager" || kind === "ThanosRuler") && o.type.startsWith("kubernetes:monitoring.coreos.com/")) out.push(...operatorClaim(o, spec?.storage, "spec.storage"));
  }
  for (const r of view.releasesIn(cluster.key).filter((x) => x.chart === "kube-prometheus-stack")) {
    const v = r.values;
    out.push(...operatorClaim(r.subject, objectOf(objectOf(v.prometheus)?.prometheusSpec)?.storageSpec, "values.prometheus.prometheusSpec.storageSpec"));
    out.push(...operatorClaim(r.subject, objectOf(objectOf(v.alertmanager)?.alertmanagerSpec)?.storage, "values.alertmanager.alertmanagerSpec.storage"));
    out.push(...operatorClaim(r.subject, objectOf(objectOf(v.thanosRuler)?.thanosRulerSpec)?.storage, "values.thanosRuler.thanosRulerSpec.storage"));
  }
  return out;
}

/** `defaultStorageClass.enabled` in add-on configurationValues (JSON text) or chart values. */
function defaultClassEnabled(config: unknown): boolean {
  let v = config;
  if (typeof v === "string" && !isUnknown(v)) {
    try {
      v = JSON.parse(v);
    } catch {
      return false;
    }
  }
  return boolOf(objectOf(objectOf(v)?.defaultStorageClass)?.enabled) === true;
}

function classesOf(view: KubeView, cluster: ClusterScope): Classes {
  const names = new Set<string>();
  let hasDefault = false;
  for (const sc of view.ofKind("StorageClass", cluster.key)) {
    names.add(objectName(sc));
    const annotations = objectOf(metadataOf(sc.props).annotations) ?? {};
    if (DEFAULT_ANNOTATIONS.some((a) => annotations[a] === "true")) hasDefault = true;
  }
  const eks = cluster.eks;
  const addons = eks ? view.resources.filter((r) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "aws-ebs-csi-driver" && addonOf(r, eks)) : [];
  const charts = view.releasesIn(cluster.key).filter((r) => r.chart === "aws-ebs-csi-driver");
  for (const r of charts) for (const sc of arrayOf(r.values.storageClasses)) {
    const s = objectOf(sc);
    if (typeof s?.name === "string") names.add(s.name);
    if (DEFAULT_ANNOTATIONS.some((a) => objectOf(s?.annotations)?.[a] === "true")) hasDefault = true;
  }
  if (addons.some((a) => defaultClassEnabled(a.props.configurationValues)) || charts.some((r) => defaultClassEnabled(r.values))) {
    names.add(EBS_CSI_DEFAULT_CLASS);
    hasDefault = true;
  }
  if (eks) {
    names.add("gp2");
    const version = Number(eks.props.version);
    if (Number.isFinite(version) && version < 1.3) hasDefault = true;
  }
  return { names, hasDefault, ebsCsi: addons.length > 0 || charts.length > 0, known: eks !== undefined };
}

function judge(claim: Claim, classes: Classes, cluster: ClusterScope, hasPvs: boolean): Finding[] {
  const at = `${where(claim.subject, cluster)} (${claim.field})`;
  if (claim.className === "unknown") return [cannotTell(claim.subject, `${claim.field} storageClassName`, "whether the claim binds")];
  if (claim.className === "") {
    return hasPvs ? [] : [{ subject: claim.subject, message: `${at} sets storageClassName "" (no dynamic provisioning) but the cluster gets no PersistentVolume from this program, so it stays Pending; name a StorageClass or add the PersistentVolume.` }];
  }
  const visible = claim.className === undefined ? classes.hasDefault : classes.names.has(claim.className);
  if (!classes.known && !visible) {
    return [{ subject: claim.subject, advisory: true, message: `cannot tell yet: ${at} relies on StorageClass ${claim.className ?? "(cluster default)"} of a cluster this program does not create, so whether it binds is not judged; define the StorageClass in the program or check the cluster.` }];
  }
  if (claim.className === undefined) {
    return classes.hasDefault ? [] : [{ subject: claim.subject, message: `${at} names no StorageClass and the cluster has no default class (EKS 1.30+ does not mark gp2 default), so it stays Pending; create an encrypted gp3 StorageClass annotated storageclass.kubernetes.io/is-default-class or enable the EBS CSI add-on's defaultStorageClass, and name it.` }];
  }
  if (!classes.names.has(claim.className)) {
    return [{ subject: claim.subject, message: `${at} names StorageClass ${claim.className}, which the cluster does not have, so it stays Pending; create StorageClass ${claim.className} in that cluster or name one that exists (${[...classes.names].sort().join(", ") || "none"}).` }];
  }
  if (claim.className === "gp2" && !classes.ebsCsi) {
    return [{ subject: claim.subject, message: `${at} uses gp2, whose in-tree provisioner is served by the EBS CSI driver, but the cluster has no EBS CSI driver; install the aws-ebs-csi-driver add-on.` }];
  }
  return [];
}

export const claimsBind: StackRule = {
  meta: coherence(
    "RC-2",
    "claims-bind",
    "Every volume claim names a StorageClass its cluster has, or the cluster has a default class",
    "high",
    "Create the StorageClass the claims name (or a default class, e.g. the EBS CSI add-on's defaultStorageClass) in the same cluster.",
  ),
  check(resources) {
    const view = new KubeView(resources);
    const clusterKeys = new Set([...view.objects, ...view.releases.map((r) => r.subject)].map((o) => view.clusterOf(o).key));
    return [...clusterKeys].flatMap((key) => {
      const any = [...view.objects, ...view.releases.map((r) => r.subject)].find((o) => view.clusterOf(o).key === key) as Subject;
      const cluster = view.clusterOf(any);
      const classes = classesOf(view, cluster);
      const hasPvs = view.ofKind("PersistentVolume", key).length > 0;
      return claimsOf(view, cluster).flatMap((c) => judge(c, classes, cluster, hasPvs));
    });
  },
};

