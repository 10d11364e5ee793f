import type { ResourceRule, StackRule } from "../../common/finding";
import { apiVersionsCurrent } from "./apis";
import { rolloutAnalysed } from "./delivery";
import { meshTrafficResilience } from "./mesh-traffic";
import { cronJobBounded, envNamesUnique, ephemeralStorageRequests, hpaCanScale, probesDistinct, pullPolicyForMutableTags, selectorMatchesTemplate } from "./peers";
import { fisStopConditions } from "./drills";
import { pinnedImages, preStopWithinGrace, probes, requestsAndLimits, zoneSpread } from "./pods";
import { noFixedReplicasWithHpa, pdbAllowsDisruption, pdbPresent, replicasMinimum } from "./scaling";
import { serviceTargetsPods } from "./services";

/** Every rule of the pack, in control order. The pack inventory test pins this list. */
export const RULES: readonly (ResourceRule | StackRule)[] = [
  replicasMinimum,
  noFixedReplicasWithHpa,
  pdbPresent,
  pdbAllowsDisruption,
  zoneSpread,
  probes,
  requestsAndLimits,
  pinnedImages,
  preStopWithinGrace,
  hpaCanScale,
  cronJobBounded,
  probesDistinct,
  ephemeralStorageRequests,
  selectorMatchesTemplate,
  serviceTargetsPods,
  pullPolicyForMutableTags,
  envNamesUnique,
  apiVersionsCurrent,
  fisStopConditions,
  rolloutAnalysed,
  meshTrafficResilience,
];
