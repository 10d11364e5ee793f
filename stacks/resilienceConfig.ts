/**
 * Config of drills, restore tests and the image supply chain (key `resilience`), validated with the rest of the
 * stack config so a bad value stops the program before any resource registers (plan exit 2).
 */
import { DrillSettings, drillSettingsProblems } from "../components/resilience/drills";
import { RestoreTestingSettings, restoreTestingProblems } from "../components/data/restoreTests";
import { ECR_HOST, ImageRegistrySettings, imageRegistryProblems } from "../components/supply-chain/registry";
import { Problems } from "../components/shared/validation";
import { Environment, environmentProfile } from "../components/shared/environment";

export interface ResilienceConfig {
  /** FIS drills in every region. @default 10-minute faults, stop on availability and data alarms */
  readonly drills: DrillSettings;
  /** AWS Backup restore tests of the data tier. @default daily, restore window = RTO */
  readonly restoreTesting: RestoreTestingSettings;
  /** ECR, Inspector alerts and admission verification. @default alert on HIGH and above */
  readonly supplyChain: ImageRegistrySettings;
}

const record = (v: unknown): Record<string, unknown> | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/**
 * Parses `resilience` into `problems`. In prod, service images must also come from the account's ECR and be pinned
 * by digest: the admission policy there rejects anything else, so the config says it first.
 */
export function parseResilienceConfig(
  problems: Problems,
  key: (k: string) => string,
  raw: unknown,
  ctx: { environment: Environment; rtoSeconds?: number; services: readonly { image?: unknown }[] },
): ResilienceConfig {
  const r = record(raw ?? {});
  problems.check(r !== undefined, {
    property: key("resilience"), value: raw, rule: "an object { drills, restoreTesting, supplyChain }", fix: `remove ${key("resilience")} to use the defaults`,
  });
  const drills = (record(r?.drills) ?? {}) as DrillSettings;
  const restoreTesting = (record(r?.restoreTesting) ?? {}) as RestoreTestingSettings;
  const supplyChain = (record(r?.supplyChain) ?? {}) as ImageRegistrySettings;
  problems.addAll(drillSettingsProblems(drills, key("resilience.drills")));
  if (typeof ctx.rtoSeconds === "number") problems.addAll(restoreTestingProblems(restoreTesting, ctx.rtoSeconds, key("resilience.restoreTesting")));
  problems.addAll(imageRegistryProblems(supplyChain, key("resilience.supplyChain")));
  // Where admission verification enforces (prod), an image outside the account's ECR or without a digest never runs.
  if (environmentProfile(ctx.environment).enforceImageVerification) {
    ctx.services.forEach((svc, i) => {
      const image = typeof svc.image === "string" ? svc.image : "";
      problems.check(ECR_HOST.test(image.split("/")[0]) && /@sha256:[a-f0-9]{64}$/.test(image), {
        property: `${key("services")}[${i}].image`, value: svc.image,
        rule: "in prod, an image in the account's ECR pinned by digest (<account>.dkr.ecr.<region>.amazonaws.com/<tenant>/<service>@sha256:<digest>)",
        fix: "push the image to the service's ECR repository, sign it, and reference it by the digest the push printed",
      });
    });
  }
  return { drills, restoreTesting, supplyChain };
}
