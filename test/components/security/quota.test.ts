import { Problems } from "../../../components/shared/validation";
import { parseCpuMillicores as parseCpu } from "../../../components/shared/kubernetes";
import {
  DEFAULT_LIMITS,
  DEFAULT_QUOTA,
  checkQuotaAndLimits,
  limitRangeSpec,
  parseBytes,
  resolveLimits,
  resolveQuota,
  resourceQuotaSpec,
} from "../../../components/security/quota";

describe("quantities", () => {
  test.each([["2", 2000], ["0.5", 500], ["250m", 250]])("cpu %s", (q, m) => expect(parseCpu(q)).toBe(m));
  test.each([["1Gi", 2 ** 30], ["512Mi", 512 * 2 ** 20], ["1G", 1e9], ["100", 100], ["1.5Gi", 1.5 * 2 ** 30]])("bytes %s", (q, b) => expect(parseBytes(q)).toBe(b));
  test.each(["", "two", "-1", "0", "0m", "1Gi", "1.5.0"])("cpu rejects %p", (q) => expect(parseCpu(q)).toBeUndefined());
  test.each(["", "two", "-1", "0", "1gb", "1K", "2m"])("bytes rejects %p", (q) => expect(parseBytes(q)).toBeUndefined());
});

describe("quota and limits", () => {
  test("defaults: documented values, no LoadBalancer or NodePort services", () => {
    const hard = resourceQuotaSpec(resolveQuota()).hard as Record<string, string>;
    expect(hard).toMatchObject({
      "requests.cpu": DEFAULT_QUOTA.requestsCpu,
      "limits.memory": DEFAULT_QUOTA.limitsMemory,
      pods: "50",
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
    const limit = (limitRangeSpec(resolveLimits()).limits as any[])[0];
    expect(limit.type).toBe("Container");
    expect(limit.default).toEqual({ cpu: DEFAULT_LIMITS.defaultCpu, memory: DEFAULT_LIMITS.defaultMemory });
    expect(limit.defaultRequest).toEqual({ cpu: "100m", memory: "128Mi" });
    expect(limit.max).toEqual({ cpu: "2", memory: "4Gi" });
  });

  test("overrides replace only what they name", () => {
    const q = resolveQuota({ pods: 200, requestsCpu: undefined });
    expect(q.pods).toBe(200);
    expect(q.requestsCpu).toBe("4");
  });

  test("defaults are consistent", () => {
    const problems = new Problems();
    checkQuotaAndLimits(problems, resolveQuota(), resolveLimits());
    expect(problems.list).toEqual([]);
  });

  test.each<[string, object, object, RegExp]>([
    ["bad cpu", { requestsCpu: "lots" }, {}, /quota\.requestsCpu: got "lots"; expected a positive CPU quantity/],
    ["bad memory", {}, { defaultMemory: "1gb" }, /limits\.defaultMemory: got "1gb"; expected a positive byte quantity/],
    ["negative count", { pods: -1 }, {}, /quota\.pods: got -1; expected an integer from 0 to 10000/],
    ["request above limit", {}, { defaultRequestCpu: "1", defaultCpu: "500m" }, /limits\.defaultRequestCpu: got "1"; expected at most limits\.defaultCpu \(500m\)/],
    ["container max above namespace quota", { limitsMemory: "2Gi", requestsMemory: "1Gi" }, { maxMemory: "4Gi" }, /limits\.maxMemory: .*at most quota\.limitsMemory/],
  ])("%s", (_l, quota, limits, expected) => {
    const problems = new Problems();
    checkQuotaAndLimits(problems, resolveQuota(quota), resolveLimits(limits));
    expect(() => problems.throwIfAny("t")).toThrow(expected);
  });
});
