import type { ResourceRule, StackRule } from "../../common/finding";
import { fisStopConditions } from "./drills";
import { pinnedImages, preStopWithinGrace, probes, requestsAndLimits, zoneSpread } from "./pods";
import { noFixedReplicasWithHpa, pdbAllowsDisruption, pdbPresent, replicasMinimum } from "./scaling";

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
  fisStopConditions,
];
