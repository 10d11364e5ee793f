/** CIS EKS 4.1.5 / 4.1.6: service accounts and their tokens. */
import { ResourceRule, describe } from "../../common/finding";
import { isWorkload, kindOf, podSpecOf } from "../../common/kubernetes";
import { boolOf, cannotTellYet, isUnknown } from "../../common/unknown";
import { cisEks } from "./meta";

const isServiceAccount = (type: string) => type.startsWith("kubernetes:core/") && kindOf(type) === "ServiceAccount";
const isWorkloadOrServiceAccount = (type: string) => isWorkload(type) || isServiceAccount(type);

export const defaultServiceAccountNotUsed: ResourceRule = {
  meta: cisEks(
    "4.1.5",
    "default-service-account-not-used",
    "Ensure that default service accounts are not actively used",
    "medium",
    "Give each workload its own ServiceAccount (serviceAccountName) and set automountServiceAccountToken: false on every default ServiceAccount.",
  ),
  types: isWorkloadOrServiceAccount,
  check(r) {
    if (isServiceAccount(r.type)) {
      const name = (r.props.metadata as Record<string, unknown> | undefined)?.name;
      if (name !== "default") return [];
      if (boolOf(r.props.automountServiceAccountToken) === "unknown") return [cannotTellYet(describe(r), "automountServiceAccountToken", "cis-eks-4.1.5-default-service-account-not-used")];
      return boolOf(r.props.automountServiceAccountToken) === false
        ? []
        : [{ message: `${describe(r)} is a default service account that mounts its token; set automountServiceAccountToken: false.` }];
    }
    const spec = podSpecOf(r);
    if (!spec) return [];
    const sa = spec.serviceAccountName ?? spec.serviceAccount;
    if (isUnknown(sa)) return [cannotTellYet(describe(r), "serviceAccountName", "cis-eks-4.1.5-default-service-account-not-used")];
    if (typeof sa === "string" && sa !== "" && sa !== "default") return [];
    return [{ message: `${describe(r)} runs as the default service account; create a dedicated ServiceAccount and set serviceAccountName.` }];
  },
};

export const serviceAccountTokenMountedWhereNeeded: ResourceRule = {
  meta: cisEks(
    "4.1.6",
    "service-account-token-mount-explicit",
    "Ensure that Service Account Tokens are only mounted where necessary",
    "medium",
    "Set automountServiceAccountToken: false in the pod spec; pods that call the Kubernetes API keep a token through an exemption that says why.",
    ["Polaris automountServiceAccountToken"],
  ),
  types: isWorkload,
  check(r) {
    const spec = podSpecOf(r);
    if (!spec) return [];
    // The benchmark's audit counts every pod whose spec does not say false: an explicit true mounts the token too.
    const v = boolOf(spec.automountServiceAccountToken);
    if (v === false) return [];
    if (v === "unknown") return [cannotTellYet(describe(r), "automountServiceAccountToken", "cis-eks-4.1.6-service-account-token-mount-explicit")];
    const how = v === true ? "mounts a service account token (automountServiceAccountToken: true)" : "mounts a service account token by default";
    return [{ message: `${describe(r)} ${how}; set automountServiceAccountToken: false, or exempt it in policy/exemptions.yaml if the pod calls the Kubernetes API.` }];
  },
};
