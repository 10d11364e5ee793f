/** The package entry points stay in sync with the source tree. */
import * as fs from "fs";
import * as path from "path";

const REPO = path.resolve(__dirname, "..", "..");
const areas = fs.readdirSync(path.join(REPO, "components")).filter((a) => a !== "shared" && fs.existsSync(path.join(REPO, "components", a, "index.ts"))).sort();

test("index.ts re-exports every component area that has an index.ts", () => {
  const entry = fs.readFileSync(path.join(REPO, "index.ts"), "utf8");
  const reexported = [...entry.matchAll(/^export \* from "\.\/components\/([\w-]+)";$/gm)].map((m) => m[1]).sort();
  expect(reexported).toEqual(areas);
});

test("the root entry exposes each area's component classes", () => {
  const root = require("../../index");
  for (const area of areas) {
    const mod = require(path.join(REPO, "components", area));
    const classes = Object.entries(mod).filter(([, v]) => typeof v === "function" && /^class\s/.test(Function.prototype.toString.call(v))).map(([k]) => k);
    for (const name of classes) expect({ area, name, exported: root[name] === mod[name] || name in root }).toEqual({ area, name, exported: true });
  }
});

test("package.json exports point at the compiled entries tsconfig.build.json emits", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));
  const build = JSON.parse(fs.readFileSync(path.join(REPO, "tsconfig.build.json"), "utf8"));
  expect(build.compilerOptions.outDir).toBe("dist");
  const sources: Record<string, string> = { ".": "index.ts", "./testing": "src/testing/index.ts", "./policies": "src/policies/index.ts" };
  for (const [subpath, source] of Object.entries(sources)) {
    expect(fs.existsSync(path.join(REPO, source))).toBe(true);
    const js = `./dist/${source.replace(/\.ts$/, ".js")}`;
    expect(pkg.exports[subpath]).toEqual({ types: js.replace(/\.js$/, ".d.ts"), default: js });
    if (subpath !== ".") expect(pkg.typesVersions["*"][subpath.slice(2)]).toEqual([js.slice(2).replace(/\.js$/, ".d.ts")]);
  }
});
