/**
 * Command line: `production-platform plan --stack <env> [--program <dir>] [--out <dir>] [--policy-pack <dir>]...
 * [--no-policy] [--mode first-preview|after-deploy] [--debug]`.
 */
import { ExitCode, plan } from "./plan";
import { FIDELITY_MODES, FidelityMode } from "../testing/engine";

const USAGE = `usage: production-platform plan --stack <name> [--program <dir>] [--out <dir>] [--policy-pack <dir>]... [--no-policy]

  --stack <name>        stack to plan; reads Pulumi.<name>.yaml (required)
  --program <dir>       Pulumi project to run (default: current directory)
  --out <dir>           where to write the plan (default: out/<stack>)
  --policy-pack <dir>   run this pack instead of all bundled packs (repeatable)
  --no-policy           do not run policy packs
  --mode <mode>         first-preview (default: a new stack, computed outputs unknown) or after-deploy (outputs known)
  --after-deploy        same as --mode after-deploy
  --debug               keep the SDK's per-promise stack traces (slower; to trace a hanging program)

exit codes: 0 no mandatory violation, 1 mandatory violations, 2 bad usage or config, 3 program failed`;

export interface ParsedArgs {
  readonly command: string;
  readonly stack?: string;
  readonly program?: string;
  readonly out?: string;
  readonly policyPacks: string[];
  readonly noPolicy: boolean;
  readonly help: boolean;
  readonly mode?: FidelityMode;
  readonly debug?: boolean;
}

export function parseArgs(argv: readonly string[]): ParsedArgs | string {
  const [command, ...rest] = argv;
  const parsed = { command: command ?? "", policyPacks: [] as string[], noPolicy: false, help: false } as {
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
  const result = await plan({ stack: parsed.stack, program: parsed.program, out: parsed.out, policyPacks: parsed.policyPacks.length ? parsed.policyPacks : undefined, noPolicy: parsed.noPolicy, mode: parsed.mode, debug: parsed.debug });
  return result.exitCode;
}
