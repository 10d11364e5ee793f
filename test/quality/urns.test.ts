import { readGolden, urnLines } from "../../scripts/golden";
import { planFor, STACKS } from "../support/plans";

describe.each([...STACKS, "account"])("URNs of the %s stack", (stack) => {
  test("match the reviewed golden list (renames and re-parenting need aliases)", () => {
    const golden = readGolden(stack);
    expect(golden).toBeDefined();
    const current = urnLines(planFor(stack).resources);
    const before = new Set(golden);
    const after = new Set(current);
    const added = current.filter((l) => !before.has(l));
    const removed = (golden ?? []).filter((l) => !after.has(l));
    if (added.length > 0 || removed.length > 0) {
      throw new Error(
        `URNs of ${stack} changed: ${added.length} added, ${removed.length} removed.\n` +
          `A removed URN is a resource Pulumi will DELETE (and an added one it will CREATE) on the next update.\n` +
          `If a resource was renamed or moved to another parent, add \`aliases\` to it so Pulumi updates it in place.\n` +
          `If the change is intended, run \`npm run golden:update\` and commit test/golden/.\n` +
          removed.map((l) => `  - ${l}`).join("\n") + "\n" + added.map((l) => `  + ${l}`).join("\n"),
      );
    }
  });
});
