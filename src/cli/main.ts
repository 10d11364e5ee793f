/**
 * Command line: `production-platform plan --stack <name> [--program <dir>] [--out <dir>] [--policy-pack <dir>
 * [--policy-pack-config <file>]]... [--exemptions <file>] [--environment <env>] [--json] [--no-policy]
 * [--mode first-preview|after-deploy] [--debug]`.
 */
import { stopAllPacks } from "../testing/analyzer";
import { FIDELITY_MODES, FidelityMode } from "../testing/engine";
import { ExitCode, plan, PlanResult } from "./plan";

const USAGE = `usage: production-platform plan --stack <name> [--program <dir>] [--out <dir>] [--policy-pack <dir>]...
       [--policy-pack-config <file>]... [--exemptions <file>] [--environment <dev|staging|prod>] [--json] [--no-policy]

  --stack <name>                stack to plan; reads Pulumi.<name>.yaml (required)
  --program <dir>               Pulumi project to run (default: current directory)
  --out <dir>                   where to write the plan (default: out/<stack>)
  --policy-pack <dir>           run this pack instead of all bundled packs (repeatable)
  --policy-pack-config <file>   config for the --policy-pack at the same position (one per pack, as pulumi preview)
  --exemptions <file>           exemptions every pack applies (default: the packs' own policy/exemptions.yaml)
  --environment <env>           dev, staging or prod: whose pack configs apply (default: the stack's
                                production-platform:environment; neither set = prod configs, fail closed)
  --json                        print a JSON summary on stdout
  --no-policy                   do not run policy packs
  --mode <mode>                 first-preview (default: a new stack, computed outputs unknown) or after-deploy
                                (outputs known, as the preview after an up)
  --after-deploy                same as --mode after-deploy
  --debug                       keep the SDK's per-promise stack traces (slower; to trace a hanging program)

exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad usage or config, 3 program failed`;

export interface ParsedArgs {
  readonly command: string;
  readonly stack?: string;
  readonly program?: string;
  readonly out?: string;
  readonly policyPacks: string[];
  readonly policyPackConfigs: string[];
  readonly exemptions?: string;
  readonly environment?: string;
  readonly json: boolean;
  readonly noPolicy: boolean;
  readonly help: boolean;
  readonly mode?: FidelityMode;
  readonly debug?: boolean;
}

export function parseArgs(argv: readonly string[]): ParsedArgs | string {
  const [command, ...rest] = argv;
  const parsed = { command: command ?? "", policyPacks: [] as string[], policyPackConfigs: [] as string[], json: false, noPolicy: false, help: false } as {
    -readonly [K in keyof ParsedArgs]: ParsedArgs[K];
  };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? rest[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      switch (flag) {
        case "--stack": case "-s": parsed.stack = value(); break;
        case "--program": parsed.program = value(); break;
        case "--out": parsed.out = value(); break;
        case "--policy-pack": parsed.policyPacks.push(value()); break;
        case "--policy-pack-config": parsed.policyPackConfigs.push(value()); break;
        case "--exemptions": parsed.exemptions = value(); break;
        case "--environment": parsed.environment = value(); break;
        case "--json": parsed.json = true; break;
        case "--no-policy": parsed.noPolicy = true; break;
        case "--after-deploy": parsed.mode = "after-deploy"; break;
        case "--debug": parsed.debug = true; break;
        case "--mode": {
          const mode = value();
          if (!(FIDELITY_MODES as readonly string[]).includes(mode)) return `--mode: got ${JSON.stringify(mode)}; use one of ${FIDELITY_MODES.join(", ")}`;
          parsed.mode = mode as FidelityMode;
          break;
        }
        case "--help": case "-h": parsed.help = true; break;
        default: return `unknown option ${JSON.stringify(arg)}`;
      }
    } catch (err) {
      return (err as Error).message;
    }
  }
  return parsed;
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === "string") {
    process.stderr.write(`error: ${parsed}\n${USAGE}\n`);
    return ExitCode.BadInput;
  }
  if (parsed.help || parsed.command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return ExitCode.Ok;
  }
  if (parsed.command !== "plan") {
    process.stderr.write(`error: unknown command ${JSON.stringify(parsed.command)}\n${USAGE}\n`);
    return ExitCode.BadInput;
  }
  if (!parsed.stack) {
    process.stderr.write(`error: --stack is required\n${USAGE}\n`);
    return ExitCode.BadInput;
  }
  // Interrupted (Ctrl-C, a CI timeout): stop the packs first; Node's default would leave them running.
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.once(signal, () => void stopAllPacks().finally(() => process.exit(code)));
  }
  try {
    const result = await plan({
      stack: parsed.stack,
      program: parsed.program,
      out: parsed.out,
      policyPacks: parsed.policyPacks.length ? parsed.policyPacks : undefined,
      policyPackConfigs: parsed.policyPackConfigs,
      exemptions: parsed.exemptions,
      environment: parsed.environment,
      noPolicy: parsed.noPolicy,
      mode: parsed.mode,
      debug: parsed.debug,
    });
    // Waits for the write: the process exits right after, and a pipe takes only 64 KiB before it must be drained.
    if (parsed.json) {
      const text = `${JSON.stringify(jsonSummary(parsed.stack, result), null, 2)}\n`;
      await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
    }
    return result.exitCode;
  } catch (err) {
    return crashed(err);
  }
}

/** `--json`: what CI needs to gate and link, on stdout (the log stays on stderr). */
export function jsonSummary(stack: string, result: PlanResult): Record<string, unknown> {
  return {
    stack,
    exitCode: result.exitCode,
    environment: result.environment?.environment,
    environmentSource: result.environment?.source,
    failClosed: result.environment?.failClosed,
    outDir: result.outDir,
    summary: result.report?.summary,
    compliance: result.report?.compliance,
    packs: result.report?.packs,
    timings: result.timings,
  };
}

/**
 * Anything unexpected: one paragraph saying what failed and where (the first frame outside node internals), every
 * pack process stopped, exit 3. Never a stack trace.
 */
export async function crashed(err: unknown): Promise<number> {
  await stopAllPacks().catch(() => undefined);
  // One paragraph: the error's first lines (a pack's own error follows its "exited before serving" line), joined.
  const lines = (err instanceof Error ? err.message : String(err)).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const message = lines.slice(0, 3).join(" ").slice(0, 600);
  const where = err instanceof Error ? (err.stack ?? "").split("\n").find((l) => /^\s+at /.test(l) && !l.includes("node:"))?.trim().replace(/^at /, "") : undefined;
  process.stderr.write(
    `error: the plan crashed (${err instanceof Error ? err.name : "error"}: ${message})${where ? ` in ${where}` : ""}. ` +
      `The plan did not finish; every policy pack process was stopped. Re-run with the same arguments; if it ` +
      `persists, report it with this message.\n`,
  );
  return ExitCode.ProgramFailed;
}
