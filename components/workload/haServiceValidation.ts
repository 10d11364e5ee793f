/**
 * Up-front validation of {@link HaServiceArgs}: pure, reports every problem at once, runs before anything is
 * registered. The rules themselves, one section of the arguments each, are in haServiceChecks.ts.
 */
import { deliveryProblems } from "../delivery/deliveryValidation";
import { meshMembershipProblems } from "./haServiceMesh";
import { checkMetrics } from "./haServiceMetrics";
import { environmentProblems, environmentProfile } from "../shared/environment";
import { argsObjectProblems, Problem, Problems, throwIfProblems } from "../shared/validation";
import { HaServiceArgs, WorkloadKind } from "./haServiceArgs";
import {
  checkCallers,
  checkContainer,
  checkDisruptionBudget,
  checkDraining,
  checkedReplicaFloor,
  checkEnv,
  checkExposure,
  checkIdentity,
  checkProbes,
  checkResources,
  checkSecretEnv,
  checkSecretFiles,
  checkServiceAccount,
  checkShapes,
  checkZones,
} from "./haServiceChecks";

export { MAX_REPLICAS, MAX_STATEFULSET_NAME } from "./haServiceChecks";

/**
 * Every problem with the arguments (validation contract, docs/architecture.md); never throws. `name` is the
 * component's name, the default `appName`. The order of the checks is the order the problems are reported in.
 */
export function haServiceProblems(args: HaServiceArgs, name?: string): Problem[] {
  const shape = argsObjectProblems(args, "HaService");
  if (shape.length > 0) return shape;
  const p = new Problems().addAll(environmentProblems(args.environment));
  const prod = environmentProfile(args.environment).strict;
  const kind = args.kind ?? WorkloadKind.Deployment;

  checkIdentity(p, args, kind, args.appName ?? name);
  checkContainer(p, args);
  // The replica floor is what the PDB and the prod rules are checked against.
  const floor = checkedReplicaFloor(p, args, prod);
  checkDisruptionBudget(p, args, floor);
  checkResources(p, args);
  checkProbes(p, args, prod);
  checkDraining(p, args);
  checkCallers(p, args);
  checkExposure(p, args);
  checkEnv(p, args);
  checkSecretEnv(p, args);
  checkSecretFiles(p, args);
  checkServiceAccount(p, args);
  checkShapes(p, args);
  checkZones(p, args, prod);
  checkMetrics(p, args);

  p.addAll(deliveryProblems(args.delivery, { kind, exposed: args.expose !== undefined }));
  p.addAll(meshMembershipProblems(args));
  return [...p.list];
}

/** Throws every problem of the arguments as one ValidationError; what the HaService constructor calls first. */
export function validateHaServiceArgs(name: string, args: HaServiceArgs): void {
  throwIfProblems(`HaService "${name}"`, haServiceProblems(args, name));
}
