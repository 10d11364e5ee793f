import { CHECK_IDS, CheckId } from "../../../policy/pod-security/api";
import { UpstreamFixture } from "./upstreamFixtures";

/** The check a `fail/<group>` fixture must trip: its own, or the restricted check that overrides it at that version. */
export function expectedCheck(f: UpstreamFixture): CheckId {
  const own = CHECK_IDS.find((id) => id.toLowerCase() === f.group);
  if (!own) throw new Error(`fixture group ${f.group} names no check`);
  if (f.level === "restricted") {
    if (own === "hostPathVolumes") return "restrictedVolumes";
    if (own === "capabilities_baseline" && f.minor >= 22) return "capabilities_restricted";
    if (own === "seccompProfile_baseline" && f.minor >= 19) return "seccompProfile_restricted";
    if (own === "procMount" && f.minor >= 35) return "procMount_restricted";
  }
  return own;
}

