/** CIS EKS 4.4.1: secrets as files, not environment variables. */
import { ResourceRule } from "../../common/finding";
import { containerFindings, isWorkload } from "../../common/kubernetes";
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
    return containerFindings(r, (container, name, what) => {
      const fromEnv = arrayOf(container.env).some((e) => objectOf(objectOf(objectOf(e)?.valueFrom)?.secretKeyRef) !== undefined);
      const fromEnvFrom = arrayOf(container.envFrom).some((e) => objectOf(objectOf(e)?.secretRef) !== undefined);
      if (!fromEnv && !fromEnvFrom) return undefined;
      return { message: `${what()} container ${name} reads secrets from environment variables; mount the secret as a volume instead.` };
    });
  },
};
