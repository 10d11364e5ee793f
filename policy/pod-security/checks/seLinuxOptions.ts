import { ALLOWED, CheckDefinition, CheckResult, Fix, Pod } from "../api";
import { containerList, containersOf, joinQuote, Obj, obj, pluralize, podSecurityContext, sortedUnique, str } from "./util";

const TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
/** `container_engine_t` became allowed at policy 1.31. */
const TYPES_1_31 = [...TYPES_1_0, "container_engine_t"];

function seLinuxOptionsCheck(allowedTypes: readonly string[]): (pod: Pod) => CheckResult {
  const allowed = new Set(allowedTypes);
  const listed = allowedTypes.filter((t) => t !== "").join(", ");
  return (pod) => {
    const setters: string[] = [];
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const fixes: Fix[] = [];
    const judge = (opts: Obj | undefined, path: string): boolean => {
      if (!opts) return true;
      let ok = true;
      const type = str(opts.type);
      if (!allowed.has(type)) {
        ok = false;
        badTypes.push(type);
        fixes.push({ path: `${path}.type`, change: `remove it or set one of ${listed}` });
      }
      if (str(opts.user) !== "") {
        ok = false;
        setUser = true;
        fixes.push({ path: `${path}.user`, change: "remove it" });
      }
      if (str(opts.role) !== "") {
        ok = false;
        setRole = true;
        fixes.push({ path: `${path}.role`, change: "remove it" });
      }
      return ok;
    };
    if (!judge(obj(podSecurityContext(pod)?.seLinuxOptions), "spec.securityContext.seLinuxOptions")) setters.push("pod");
    const bad = containersOf(pod).filter((c) => !judge(obj(c.securityContext?.seLinuxOptions), `${c.path}.securityContext.seLinuxOptions`));
    if (bad.length > 0) setters.push(containerList(bad.map((c) => c.name)));
    if (setters.length === 0) return ALLOWED;
    const data: string[] = [];
    const types = sortedUnique(badTypes);
    if (types.length > 0) data.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) data.push("user may not be set");
    if (setRole) data.push("role may not be set");
    return {
      allowed: false,
      forbiddenReason: "seLinuxOptions",
      forbiddenDetail: `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${data.join("; ")}`,
      fixes,
    };
  };
}

export const seLinuxOptions: CheckDefinition = {
  id: "seLinuxOptions",
  level: "baseline",
  control: "SELinux",
  severity: "high",
  description: "Pods may set only the standard container SELinux types and no SELinux user or role.",
  remediation: "Leave seLinuxOptions.user and .role empty and use type container_t, container_init_t, container_kvm_t (or container_engine_t from v1.31).",
  versions: [
    { minMinor: 0, check: seLinuxOptionsCheck(TYPES_1_0) },
    { minMinor: 31, check: seLinuxOptionsCheck(TYPES_1_31) },
  ],
};
