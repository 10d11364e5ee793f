import * as fc from "fast-check";
import {
  carveSubnets,
  cidrOverlapProblems,
  cidrsOverlap,
  formatCidr,
  parseCidr,
  validateNonOverlappingCidrs,
} from "../../../components/network/cidr";
import { ValidationError } from "../../../components/shared/validation";

describe("parseCidr", () => {
  test.each(["10.0.0.0", "10.0.0/16", "10.0.0.0/33", "256.0.0.0/16", "010.0.0.0/16", " 10.0.0.0/16", "", "10.0.0.0/-1"])(
    "rejects %j",
    (text) => expect(parseCidr(text)).toBeUndefined(),
  );

  test("round-trips any address and prefix", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => {
        const text = `${ip}/${prefix}`;
        expect(formatCidr(parseCidr(text)!)).toBe(text);
      }),
    );
  });
});

describe("carveSubnets", () => {
  test("packs largest first, aligned, and never overlapping", () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 24 }), fc.array(fc.integer({ min: 17, max: 28 }), { minLength: 1, maxLength: 8 }), (parentPrefix, prefixes) => {
        const parent = parseCidr(`10.0.0.0/${parentPrefix}`)!;
        const blocks = carveSubnets(parent, prefixes);
        if (!blocks) return;
        blocks.forEach((b, i) => {
          expect(b.prefix).toBe(prefixes[i]);
          expect(b.base % 2 ** (32 - b.prefix)).toBe(0);
          expect(cidrsOverlap(parent, b)).toBe(true);
          blocks.slice(i + 1).forEach((other) => expect(cidrsOverlap(b, other)).toBe(false));
        });
      }),
    );
  });

  test("returns undefined when the blocks do not fit", () => {
    expect(carveSubnets(parseCidr("10.0.0.0/24")!, [25, 25, 25])).toBeUndefined();
  });
});

describe("validateNonOverlappingCidrs", () => {
  test("accepts disjoint regional ranges", () => {
    expect(() => validateNonOverlappingCidrs({ "us-east-1": "10.0.0.0/16", "eu-west-1": "10.1.0.0/16", "ap-south-1": "10.2.0.0/16" })).not.toThrow();
  });

  test.each<[string, Record<string, string>, string[]]>([
    ["same range twice", { "us-east-1": "10.0.0.0/16", "eu-west-1": "10.0.0.0/16" }, ['cidrBlocks["eu-west-1"]', '"10.0.0.0/16"', 'cidrBlocks["us-east-1"]', "give eu-west-1 its own range"]],
    ["range nested in another", { "us-east-1": "10.0.0.0/16", "eu-west-1": "10.0.128.0/17" }, ['cidrBlocks["eu-west-1"]', '"10.0.128.0/17"', "does not overlap"]],
    ["malformed range", { "us-east-1": "10.0.0.0/16", "eu-west-1": "ten/16" }, ['cidrBlocks["eu-west-1"]', '"ten/16"', "10.1.0.0/16"]],
  ])("%s", (_label, map, expected) => {
    let error: unknown;
    try {
      validateNonOverlappingCidrs(map);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    for (const text of expected) expect((error as Error).message).toContain(text);
  });

  test("reports each overlapping pair once, under the caller's property path", () => {
    const problems = cidrOverlapProblems({ a: "10.0.0.0/16", b: "10.0.0.0/16", c: "10.0.0.0/16" }, "regions.cidr");
    expect(problems.map((p) => p.property)).toEqual(['regions.cidr["b"]', 'regions.cidr["c"]', 'regions.cidr["c"]']);
  });
});
