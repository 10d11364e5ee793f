/** Controls of the runtime-coherence baseline; every one is decided by a rule of this pack. */
import { Control, controlsOf } from "../common/score";
import { RULES } from "./rules";

export const INVENTORY: readonly Control[] = controlsOf(RULES);
