/**
 * The consumer's own checks, written with the platform's test kit: run the program offline in preview and update
 * mode, query what it registered, and judge it with the platform's rule functions — no cloud, no Pulumi CLI.
 *
 * Run with `npm run check` (ts-node). In a real project these would be jest or mocha tests; a plain script keeps the
 * example free of a test runner.
 */
import * as assert from "assert";
import type * as k8s from "@pulumi/kubernetes";
import { contextFor, ruleById, runRule } from "production-platform/policies";
import { componentOf, resourcesOfType, runOffline, subjectsOf } from "production-platform/testing";

const CONFIG = { environment: "dev", clusterName: "use1-cluster", kubernetesVersion: "1.33" };

async function main(): Promise<void> {
  for (const preview of [true, false]) {
    const { recorder } = await runOffline(
      () => {
        // The program registers its resources when loaded; load it afresh for each mode.
        delete require.cache[require.resolve("./index")];
        return require("./index");
      },
      { preview, project: "shop-checkout", stack: "dev", config: CONFIG },
    );

    const service = componentOf(recorder, "production-platform:workload:HaService", "checkout");
    const [deployment, ...others] = resourcesOfType<k8s.apps.v1.DeploymentArgs>(recorder, "kubernetes:apps/v1:Deployment", service);
    assert.equal(others.length, 0, "one Deployment per HaService");
    assert.equal(deployment.inputs.metadata?.namespace, "shop");
    const container = deployment.inputs.spec?.template?.spec?.containers?.[0];
    assert.equal(container?.securityContext?.allowPrivilegeEscalation, false, "restricted pod security by default");

    const tenant = componentOf(recorder, "production-platform:security:Tenant", "shop");
    const namespaces = resourcesOfType<k8s.core.v1.NamespaceArgs>(recorder, "kubernetes:core/v1:Namespace", tenant);
    assert.deepEqual(namespaces.map((n) => n.inputs.metadata?.name), ["shop"]);

    const probes = ruleById("wr-probes");
    assert.ok(probes, "the workload-resilience pack has a probes rule");
    const findings = runRule(probes, subjectsOf(recorder), contextFor("prod"));
    assert.deepEqual(findings.map((f) => f.message), [], "every container declares probes");

    process.stdout.write(`preview=${preview}: ${recorder.resources.length} resources, checks passed\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
