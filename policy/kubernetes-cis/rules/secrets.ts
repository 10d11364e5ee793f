/** CIS EKS 4.4.1: secrets as files, not environment variables. */
import { ResourceRule, describe } from "../../common/finding";
import { containersOf, isWorkload, podSpecOf } from "../../common/kubernetes";
import { arrayOf, objectOf } from "../../common/unknown";
import { cisEks } from "./meta";

export const secretsAsFiles: ResourceRule = {
  meta: cisEks(
    "4.4.1",
    "secrets-as-files",
    "Prefer using secrets as files over secrets as environment variables",
    "medium",
    "Mount the secret as a volume (secret volume or CSI secrets store) instead of env valueFrom.secretKeyRef or envFrom.secretRef.",
  ),
  types: isWorkload,
  check(r) {
    return containersOf(podSpecOf(r)).flatMap(({ container, name }) => {
      const fromEnv = arrayOf(container.env).filter((e) => objectOf(objectOf(objectOf(e)?.valueFrom)?.secretKeyRef) !== undefined).length;
      const fromEnvFrom = arrayOf(container.envFrom).filter((e) => objectOf(objectOf(e)?.secretRef) !== undefined).length;
      if (fromEnv + fromEnvFrom === 0) return [];
      return [{ message: `${describe(r)} container ${name} reads secrets from environment variables; mount the secret as a volume instead.` }];
    });
  },
};
