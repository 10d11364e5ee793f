import { Problems } from "../../../components/shared/validation";
import { checkKubernetesVersion, isKubernetesMinorVersion, psaLabels, psaVersion } from "../../../components/security/psa";

describe("psaLabels", () => {
  test("restricted by default in all three modes, each pinned to the cluster version", () => {
    expect(psaLabels("restricted", "1.33")).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "v1.33",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.33",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/warn-version": "v1.33",
    });
  });

  test("a relaxed enforce level keeps audit and warn at restricted", () => {
    const labels = psaLabels("baseline", "1.31");
    expect(labels["pod-security.kubernetes.io/enforce"]).toBe("baseline");
    expect(labels["pod-security.kubernetes.io/audit"]).toBe("restricted");
    expect(labels["pod-security.kubernetes.io/warn"]).toBe("restricted");
  });

  test("audit and warn can be set explicitly", () => {
    const labels = psaLabels("privileged", "1.33", { audit: "baseline", warn: "baseline" });
    expect(labels["pod-security.kubernetes.io/audit"]).toBe("baseline");
    expect(labels["pod-security.kubernetes.io/warn"]).toBe("baseline");
  });

  test("never uses latest", () => {
    expect(Object.values(psaLabels("restricted", "1.30"))).not.toContain("latest");
    expect(psaVersion("1.30")).toBe("v1.30");
  });
});

describe("kubernetes version", () => {
  test.each(["1.25", "1.33", "1.40"])("accepts %s", (v) => expect(isKubernetesMinorVersion(v)).toBe(true));
  test.each([["v1.33"], ["1.33.2"], ["1.24"], ["latest"], [133], [undefined]])("rejects %p", (v) => {
    const problems = new Problems();
    expect(checkKubernetesVersion(problems, "kubernetesVersion", v)).toBe(false);
    expect(() => problems.throwIfAny("x")).toThrow(/kubernetesVersion: got .*Fix: set kubernetesVersion to the cluster's version/);
  });
});
