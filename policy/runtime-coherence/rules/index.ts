import type { ResourceRule, StackRule } from "../../common/finding";
import { alarmsHaveData } from "./alarms";
import { attachmentsStable } from "./attachments";
import { reachableApi } from "./api-access";
import { chartImagesMirrored } from "./chart-images";
import { certificatesAndNames } from "./dns";
import { egressPossible } from "./egress";
import { hpaMetricsApi } from "./metrics";
import { quotasFit } from "./quotas";
import { securityHubStandardRecorded } from "./recording";
import { selectorsMatch } from "./selectors";
import { accountSingletons } from "./singletons";
import { claimsBind } from "./storage";

/** Every rule of the pack, in control order. The pack inventory test pins this list. */
export const RULES: readonly (ResourceRule | StackRule)[] = [
  hpaMetricsApi,
  claimsBind,
  quotasFit,
  egressPossible,
  selectorsMatch,
  alarmsHaveData,
  accountSingletons,
  reachableApi,
  certificatesAndNames,
  securityHubStandardRecorded,
  chartImagesMirrored,
  attachmentsStable,
];
