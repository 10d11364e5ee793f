/**
 * The account stack (`stackKind: account`, e.g. `Pulumi.account.yaml`): the account-wide security services, built
 * once per account and region, which environment stacks must not own. GuardDuty allows one detector per account
 * and region ("detector already exists"), Security Hub one subscription ("Account is already subscribed"), the
 * account Access Analyzer quota is 1, the S3 account public-access block and EBS default encryption are account
 * settings (destroying dev would switch them off under prod), and AWS Config allows one recorder per region.
 */
import * as aws from "@pulumi/aws";
import { AccountSecurityBaseline } from "../components/security";
import { regionCode } from "../components/shared/regions";
import { Problems } from "../components/shared/validation";
import { CONFIG_KEYS, CONFIG_NAMESPACE, checkRegions, readRawConfig } from "./config";

export interface AccountConfig {
  readonly stackKind: "account";
  /** Every region any environment of the account uses; the first owns the global pieces (trail, S3 block, IAM in Config). */
  readonly regions: readonly string[];
}

/**
 * Keys an account stack reads, and those Pulumi.yaml gives a default (so every stack receives them whether its file
 * sets them or not). Any other platform key in an account stack's file is a mistake it would silently ignore.
 */
const ACCOUNT_KEYS: readonly string[] = ["stackKind", "regions"];
const PROJECT_DEFAULTED_KEYS: readonly string[] = ["availabilityZones", "kubernetesVersion", "databaseRotationDays"];

/** Validates an account stack's raw config; throws one `ValidationError` listing every problem. */
export function parseAccountConfig(raw: Readonly<Record<string, unknown>>): AccountConfig {
  const problems = new Problems();
  const key = (k: string) => `${CONFIG_NAMESPACE}:${k}`;
  problems.check(raw.stackKind === "account", {
    property: key("stackKind"), value: raw.stackKind, rule: '"account"', fix: `pulumi config set ${key("stackKind")} account`,
  });
  const regions = checkRegions(problems, raw.regions, 1, "an account stack");
  for (const extra of Object.keys(raw).filter((k) => !ACCOUNT_KEYS.includes(k) && !PROJECT_DEFAULTED_KEYS.includes(k) && (CONFIG_KEYS as readonly string[]).includes(k))) {
    problems.add({
      property: key(extra), value: raw[extra], rule: "only stackKind and regions in an account stack",
      fix: `remove ${key(extra)} from the account stack; it belongs in an environment's Pulumi.<env>.yaml`,
    });
  }
  problems.throwIfAny("account stack config");
  return Object.freeze({ stackKind: "account" as const, regions: Object.freeze(regions) });
}

export function loadAccountConfig(): AccountConfig {
  return parseAccountConfig(readRawConfig().raw);
}

/** True when the stack's `stackKind` is `account`. */
export function isAccountStack(): boolean {
  return readRawConfig().raw.stackKind === "account";
}

export interface AccountPlatform {
  readonly primaryRegion: string;
  readonly baselines: readonly { readonly region: string; readonly baseline: AccountSecurityBaseline }[];
}

/** One baseline per region, AWS Config recording in each (global resource types in the primary only). */
export function buildAccountBaseline(config: AccountConfig): AccountPlatform {
  const baselines = config.regions.map((region, i) => {
    const code = regionCode(region);
    const provider = new aws.Provider(`aws-${code}`, {
      region: region as aws.Region,
      defaultTags: { tags: { "production-platform:stack-kind": "account", "production-platform:managed-by": "pulumi" } },
    });
    // Account-wide: protected whatever environments the account hosts, so no `pulumi destroy` switches them off.
    const baseline = new AccountSecurityBaseline(`${code}-account`, { region, environment: "account", primary: i === 0, awsConfig: true, protect: true }, { provider });
    return { region, baseline };
  });
  return { primaryRegion: config.regions[0], baselines };
}
