/** Progress while the program runs: a live line on a terminal, a few plain lines in CI logs (src/cli/progress.ts). */
import { PlanProgress, ProgressOutput } from "../../src/cli/progress";
import { planFor } from "../support/plans";

function sink(isTTY: boolean): ProgressOutput & { raw: string[]; lines: string[] } {
  const raw: string[] = [];
  const lines: string[] = [];
  return { isTTY, raw, lines, write: (t) => void raw.push(t), line: (t) => void lines.push(t) };
}

describe("not a TTY (CI logs)", () => {
  test("one plain line per `plainEvery` resources, no carriage returns, ready lines as they come", () => {
    const out = sink(false);
    const p = new PlanProgress(out, 2, 100);
    for (let i = 0; i < 250; i++) p.registered();
    p.packReady("  policy pack a@1 ready in 0.5 s");
    for (let i = 0; i < 60; i++) p.analysed();
    p.stop();
    expect(out.raw).toEqual([]);
    expect(out.lines).toEqual(["  … 100 resources registered, 0/2 packs ready, 0 analyses done", "  … 200 resources registered, 0/2 packs ready, 0 analyses done", "  policy pack a@1 ready in 0.5 s"]);
    expect(p.summary()).toBe("250 resources registered, 1/2 packs ready, 60 analyses done");
  });
});

describe("a TTY", () => {
  test("a live line redrawn in place (throttled), cleared before every other line and at the end", () => {
    const out = sink(true);
    let clock = 0;
    const p = new PlanProgress(out, 1, 250, 80, () => clock);
    p.registered();
    p.registered(); // within the throttle: not redrawn
    clock = 100;
    p.registered();
    expect(out.raw).toEqual(["\r\x1b[K  ⋯ 1 resource registered, 0/1 pack ready, 0 analyses done", "\r\x1b[K  ⋯ 3 resources registered, 0/1 pack ready, 0 analyses done"]);
    p.log("✔ something");
    expect(out.raw.slice(2)).toEqual(["\r\x1b[K", "\r\x1b[K  ⋯ 3 resources registered, 0/1 pack ready, 0 analyses done"]);
    expect(out.lines).toEqual(["✔ something"]);
    p.stop();
    expect(out.raw[out.raw.length - 1]).toBe("\r\x1b[K");
    p.registered();
    clock = 1000;
    p.analysed();
    expect(out.raw[out.raw.length - 1]).toBe("\r\x1b[K"); // nothing drawn after stop
  });
});

test("the prod plan's log (not a TTY) shows a few progress lines and no live-line control characters", () => {
  const run = planFor("prod", "first-preview");
  const progress = run.log.split("\n").filter((l) => l.startsWith("  … "));
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.length).toBeLessThan(20);
  expect(progress[0]).toMatch(/^ {2}… 250 resources registered, \d+\/5 packs ready, [\d,]+ analyses done$/);
  expect(run.log.includes("\r") || run.log.includes("\u001b[")).toBe(false);
});

test("on a TTY, another write to the stream (a program's warning) clears the live line first and redraws it after", () => {
  const written: string[] = [];
  const stream = { write: (text: string) => (written.push(text), true) };
  const p = new PlanProgress({ isTTY: true, write: (t) => void stream.write(t), line: (t) => void stream.write(`${t}\n`) }, 0);
  const undo = p.guard(stream);
  p.registered();
  stream.write("warning: something\n");
  expect(written).toEqual(["\r\x1b[K  ⋯ 1 resource registered", "\r\x1b[K", "warning: something\n", "\r\x1b[K  ⋯ 1 resource registered"]);
  undo();
  p.stop();
  stream.write("after\n");
  expect(written.slice(-2)).toEqual(["\r\x1b[K", "after\n"]);
});
