import { physicalName } from "../../../components/data";

describe("physicalName", () => {
  test.each([
    [["prod", "data-redis", "use1"], 40, "prod-data-redis-use1"],
    [["Prod_Stack.1", "Data"], 63, "prod-stack-1-data"],
    [["1st", "db"], 63, "st-db"],
    [["a--b", "-c-"], 63, "a-b-c"],
  ])("%j within %i → %s", (parts, max, expected) => {
    expect(physicalName(parts, max)).toBe(expected);
  });

  test("long names are cut, stay unique and respect the limit", () => {
    const a = physicalName(["a-very-long-stack-name-for-staging", "data-redis", "apse2"], 40);
    const b = physicalName(["a-very-long-stack-name-for-staging", "data-redis", "apne2"], 40);
    expect(a.length).toBeLessThanOrEqual(40);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(a).not.toContain("--");
  });
});
