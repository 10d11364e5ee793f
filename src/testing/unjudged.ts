/**
 * Components whose children the offline runtime cannot see, so no policy judged them. Said out loud, per component:
 * a plan that checked nothing inside an `eks.Cluster` must not look like a plan that checked it and found nothing.
 */
import { UNKNOWN } from "./wire";
import { YAML_V2_TYPES } from "./yaml-v2";

/** One component (or Helm release) the packs could not judge, with why and how to check it for real. */
export interface UnjudgedComponent {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly why: string;
  readonly howToCheck: string;
  /**
   * `helm-release` for a kubernetes:helm.sh/v3:Release (a custom resource whose objects only Helm, inside the
   * provider, renders), else `component`. Absent means `component` (entries written before releases were listed).
   */
  readonly kind?: "component" | "helm-release";
  /** For a Helm release: the chart (with its repository when set) and version, as the program gave them. */
  readonly chart?: string;
  readonly version?: string;
}

/** A string input as the program gave it, or a placeholder for what is unknown or not set. */
function text(value: unknown, missing: string): string {
  return typeof value === "string" && value !== "" && value !== UNKNOWN ? value : missing;
}

/**
 * A helm.v3.Release: the Kubernetes provider renders and installs its chart inside its own Create/Update (Helm's
 * install action, provider/pkg/provider/helm_release.go), so the objects never reach the engine as resources and no
 * analyzer sees them, offline or under the real CLI. Listed per release, with the chart and version to render.
 */
function helmRelease(registration: { urn: string; type: string; name: string; props?: Record<string, unknown> }): UnjudgedComponent {
  const props = registration.props ?? {};
  const repo = (props.repositoryOpts as Record<string, unknown> | undefined)?.repo;
  const chartName = text(props.chart, "(chart unknown)");
  const chart = typeof repo === "string" && repo !== "" && !chartName.includes("://") ? `${chartName} from ${repo}` : chartName;
  const version = text(props.version, "(version not pinned)");
  return {
    urn: registration.urn,
    type: registration.type,
    name: registration.name,
    kind: "helm-release",
    chart,
    version,
    why: `Helm release of chart ${chart} version ${version}: not rendered offline, its objects were not judged (the Kubernetes provider renders them inside the release, so no policy pack sees them under the real CLI either)`,
    howToCheck: `render it with \`helm template ${text(props.name, registration.name)} ${chartName} --version ${version} -f <values>\` and plan the output through \`k8s.yaml.ConfigGroup({ yaml })\` in a test program, or review the chart's objects against the packs by hand`,
  };
}

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

const PREVIEW_WITH_PACKS = "run `pulumi preview --policy-pack <pack>` for this stack against a real account (the packs run there unchanged)";

const HELM_TEMPLATE = "render it with `helm template <release> <chart> --version <version> -f <values>` and plan the output through `k8s.yaml.ConfigGroup({ yaml })`, or " + PREVIEW_WITH_PACKS;

/** Why a component with this type is invisible offline, for the kinds we know; undefined when it is not one of them. */
function knownReason(type: string): { why: string; howToCheck: string } | undefined {
  if (type === "kubernetes:helm.sh/v3:Chart") {
    return { why: "Helm chart not rendered offline (kubernetes:helm:template needs the chart and the helm engine): its objects were not judged", howToCheck: HELM_TEMPLATE };
  }
  if (type === "kubernetes:helm.sh/v4:Chart") {
    return { why: "Helm chart (helm.v4.Chart, a multi-language component) not rendered offline: its objects were not judged", howToCheck: HELM_TEMPLATE };
  }
  if (type.startsWith("eks:")) {
    return { why: "multi-language component from @pulumi/eks: its cluster, node groups, IAM roles and security groups are created by the eks provider plugin, which does not run offline, so none of them were judged", howToCheck: `build the cluster from aws.eks.* resources (as HaCluster does) so the packs see it, or ${PREVIEW_WITH_PACKS}` };
  }
  if (type.startsWith("awsx:")) {
    return { why: "multi-language component from @pulumi/awsx: its children are created by the awsx provider plugin, which does not run offline, so they were not judged", howToCheck: PREVIEW_WITH_PACKS };
  }
  return undefined;
}

/**
 * The unjudged entry for a registration, if it is one: a remote (multi-language) component, whose children only its
 * provider plugin can construct (the engine's `Construct` call), or a Helm v3 chart, whose template cannot be rendered.
 */
export function unjudgedFor(registration: { urn: string; type: string; name: string; remote: boolean; custom: boolean; props?: Record<string, unknown> }): UnjudgedComponent | undefined {
  if (registration.type === HELM_RELEASE && registration.custom) return helmRelease(registration);
  // yaml/v2 ConfigFile/ConfigGroup: their children are emulated (yaml-v2.ts); what cannot be is listed there.
  if (YAML_V2_TYPES.has(registration.type)) return undefined;
  const known = knownReason(registration.type);
  if (known && !registration.custom) return { urn: registration.urn, type: registration.type, name: registration.name, ...known };
  if (registration.remote) {
    return {
      urn: registration.urn,
      type: registration.type,
      name: registration.name,
      why: `multi-language component ${registration.type}: its children are created by its provider plugin's Construct, which does not run offline, so they were not judged`,
      howToCheck: PREVIEW_WITH_PACKS,
    };
  }
  return undefined;
}
