/** Every check of the pack, one file each. Order is upstream's: baseline checks, then restricted. */
import { CheckDefinition, CheckId } from "../api";
import { allowPrivilegeEscalation } from "./allowPrivilegeEscalation";
import { appArmorProfile } from "./appArmorProfile";
import { capabilities_baseline } from "./capabilities_baseline";
import { capabilities_restricted } from "./capabilities_restricted";
import { hostNamespaces } from "./hostNamespaces";
import { hostPathVolumes } from "./hostPathVolumes";
import { hostPorts } from "./hostPorts";
import { hostProbesAndHostLifecycle } from "./hostProbesAndHostLifecycle";
import { privileged } from "./privileged";
import { procMount } from "./procMount";
import { procMount_restricted } from "./procMount_restricted";
import { restrictedVolumes } from "./restrictedVolumes";
import { runAsNonRoot } from "./runAsNonRoot";
import { runAsUser } from "./runAsUser";
import { seccompProfile_baseline } from "./seccompProfile_baseline";
import { seccompProfile_restricted } from "./seccompProfile_restricted";
import { seLinuxOptions } from "./seLinuxOptions";
import { sysctls } from "./sysctls";
import { windowsHostProcess } from "./windowsHostProcess";

export const CHECKS: readonly CheckDefinition[] = [
  hostNamespaces,
  privileged,
  capabilities_baseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfile_baseline,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  restrictedVolumes,
  allowPrivilegeEscalation,
  capabilities_restricted,
  runAsNonRoot,
  runAsUser,
  seccompProfile_restricted,
  procMount_restricted,
];

export const CHECKS_BY_ID: ReadonlyMap<CheckId, CheckDefinition> = new Map(CHECKS.map((c) => [c.id, c]));
