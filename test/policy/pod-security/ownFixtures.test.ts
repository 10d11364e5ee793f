/**
 * The pack's own fixtures for what upstream's set does not cover: ephemeral containers, Windows pods at 1.25–1.28,
 * hostUsers: false, pod- vs container-level settings, sysctl and capability spelling, and version boundaries.
 * Each row starts from a pod every level allows and changes one thing.
 */
import { CheckId, Level, Pod } from "../../../policy/pod-security/api";
import { evaluatePod } from "../../../policy/pod-security/evaluate";
import { podWith, restrictedPod, windowsPod } from "./podBuilders";

function denials(pod: Pod, level: Level, version: string): CheckId[] {
  return evaluatePod(pod, { level, version })
    .filter((o) => o.status !== "allowed")
    .map((o) => o.checkId);
}

type Row = [string, Pod, Level, string, CheckId[]];
const eph = (p: { spec: Record<string, any> }) => p.spec.ephemeralContainers[0];
const app = (p: { spec: Record<string, any> }) => p.spec.containers[0];
const win = (mutate: (p: { metadata: Record<string, any>; spec: Record<string, any> }) => void = () => undefined): Pod => {
  const p = windowsPod();
  mutate(p);
  return p;
};

test("the starting pod is allowed at every level and version", () => {
  for (const level of ["baseline", "restricted"] as const) {
    for (let minor = 0; minor <= 37; minor++) expect(denials(restrictedPod(), level, `v1.${minor}`)).toEqual([]);
  }
});

describe("ephemeral containers are judged like any other container", () => {
  test.each<Row>([
    ["privileged ephemeral container", podWith((p) => (eph(p).securityContext.privileged = true)), "baseline", "latest", ["privileged"]],
    ["ephemeral hostPort", podWith((p) => (eph(p).ports = [{ containerPort: 80, hostPort: 80 }])), "baseline", "v1.0", ["hostPorts"]],
    ["ephemeral SYS_ADMIN", podWith((p) => (eph(p).securityContext.capabilities.add = ["SYS_ADMIN"])), "baseline", "latest", ["capabilities_baseline"]],
    ["ephemeral without allowPrivilegeEscalation=false", podWith((p) => delete eph(p).securityContext.allowPrivilegeEscalation), "restricted", "latest", ["allowPrivilegeEscalation"]],
    ["ephemeral without drop ALL", podWith((p) => (eph(p).securityContext.capabilities = {})), "restricted", "v1.22", ["capabilities_restricted"]],
    ["ephemeral runAsNonRoot=false", podWith((p) => (eph(p).securityContext.runAsNonRoot = false)), "restricted", "v1.0", ["runAsNonRoot"]],
    ["ephemeral runAsUser=0", podWith((p) => (eph(p).securityContext.runAsUser = 0)), "restricted", "v1.23", ["runAsUser"]],
    ["ephemeral procMount Unmasked", podWith((p) => (eph(p).securityContext.procMount = "Unmasked")), "baseline", "v1.0", ["procMount"]],
    ["ephemeral seccomp Unconfined", podWith((p) => (eph(p).securityContext.seccompProfile = { type: "Unconfined" })), "baseline", "v1.19", ["seccompProfile_baseline"]],
    ["ephemeral probe host", podWith((p) => (eph(p).lifecycle = { preStop: { httpGet: { host: "10.0.0.1", port: 80 } } })), "baseline", "v1.34", ["hostProbesAndHostLifecycle"]],
    ["ephemeral seccomp annotation (v1.0 reads annotations by container name)", podWith((p) => (p.metadata.annotations = { "container.seccomp.security.alpha.kubernetes.io/debug": "unconfined" })), "baseline", "v1.18", ["seccompProfile_baseline"]],
  ])("%s", (_name, pod, level, version, expected) => {
    expect(denials(pod, level, version)).toEqual(expected);
  });
});

describe("Windows pods (spec.os.name: windows)", () => {
  test.each([25, 26, 27, 28, 36])("restricted v1.%i exempts them from allowPrivilegeEscalation, capabilities and seccomp", (minor) => {
    expect(denials(win(), "restricted", `v1.${minor}`)).toEqual([]);
  });

  test.each([22, 23, 24])("restricted v1.%i still requires the Linux fields", (minor) => {
    expect(denials(win(), "restricted", `v1.${minor}`)).toEqual(["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]);
  });

  test.each<Row>([
    // The restricted capabilities check overrides the baseline one, so at restricted 1.25+ a Windows pod's adds are not judged.
    ["adding SYS_ADMIN: restricted v1.25", win((p) => (app(p).securityContext = { capabilities: { add: ["SYS_ADMIN"] } })), "restricted", "v1.25", []],
    ["adding SYS_ADMIN: baseline v1.25", win((p) => (app(p).securityContext = { capabilities: { add: ["SYS_ADMIN"] } })), "baseline", "v1.25", ["capabilities_baseline"]],
    ["seccomp Unconfined: restricted v1.26", win((p) => (p.spec.securityContext.seccompProfile = { type: "Unconfined" })), "restricted", "v1.26", []],
    ["seccomp Unconfined: baseline v1.26", win((p) => (p.spec.securityContext.seccompProfile = { type: "Unconfined" })), "baseline", "v1.26", ["seccompProfile_baseline"]],
    ["hostProcess: restricted v1.27", win((p) => (p.spec.securityContext.windowsOptions = { hostProcess: true })), "restricted", "v1.27", ["windowsHostProcess"]],
    ["hostProcess on a container: baseline v1.28", win((p) => (app(p).securityContext = { windowsOptions: { hostProcess: true } })), "baseline", "v1.28", ["windowsHostProcess"]],
    ["runAsNonRoot is not relaxed: restricted v1.28", win((p) => delete p.spec.securityContext.runAsNonRoot), "restricted", "v1.28", ["runAsNonRoot"]],
    ["os linux gets no relaxation: restricted v1.25", win((p) => (p.spec.os.name = "linux")), "restricted", "v1.25", ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]],
  ])("%s", (_name, pod, level, version, expected) => {
    expect(denials(pod, level, version)).toEqual(expected);
  });
});

describe("user namespaces (hostUsers: false)", () => {
  test.each<Row>([
    ["runAsUser=0 at restricted v1.34", podWith((p) => ((p.spec.hostUsers = false), (p.spec.securityContext.runAsUser = 0))), "restricted", "v1.34", ["runAsUser"]],
    ["runAsUser=0 at restricted v1.35", podWith((p) => ((p.spec.hostUsers = false), (p.spec.securityContext.runAsUser = 0))), "restricted", "v1.35", []],
    ["runAsUser=0 with hostUsers: true at v1.35", podWith((p) => ((p.spec.hostUsers = true), (p.spec.securityContext.runAsUser = 0))), "restricted", "v1.35", ["runAsUser"]],
    ["runAsNonRoot unset at restricted v1.34", podWith((p) => ((p.spec.hostUsers = false), delete p.spec.securityContext.runAsNonRoot)), "restricted", "v1.34", ["runAsNonRoot"]],
    ["runAsNonRoot unset at restricted v1.35", podWith((p) => ((p.spec.hostUsers = false), delete p.spec.securityContext.runAsNonRoot)), "restricted", "latest", []],
    ["procMount Unmasked at baseline v1.34", podWith((p) => ((p.spec.hostUsers = false), (app(p).securityContext.procMount = "Unmasked"))), "baseline", "v1.34", ["procMount"]],
    ["procMount Unmasked at baseline v1.35", podWith((p) => ((p.spec.hostUsers = false), (app(p).securityContext.procMount = "Unmasked"))), "baseline", "v1.35", []],
    ["procMount Unmasked at restricted v1.35", podWith((p) => ((p.spec.hostUsers = false), (app(p).securityContext.procMount = "Unmasked"))), "restricted", "v1.35", ["procMount_restricted"]],
    ["capabilities are never relaxed", podWith((p) => ((p.spec.hostUsers = false), (app(p).securityContext.capabilities.add = ["SYS_ADMIN"]))), "restricted", "latest", ["capabilities_restricted"]],
  ])("%s", (_name, pod, level, version, expected) => {
    expect(denials(pod, level, version)).toEqual(expected);
  });
});

describe("pod-level vs container-level settings", () => {
  test.each<Row>([
    ["pod runAsNonRoot=true, one container false", podWith((p) => (app(p).securityContext.runAsNonRoot = false)), "restricted", "latest", ["runAsNonRoot"]],
    ["pod runAsNonRoot=false, every container true", podWith((p) => {
      p.spec.securityContext.runAsNonRoot = false;
      for (const c of [...p.spec.initContainers, ...p.spec.containers, ...p.spec.ephemeralContainers]) c.securityContext.runAsNonRoot = true;
    }), "restricted", "latest", ["runAsNonRoot"]],
    ["pod unset, every container true", podWith((p) => {
      delete p.spec.securityContext.runAsNonRoot;
      for (const c of [...p.spec.initContainers, ...p.spec.containers, ...p.spec.ephemeralContainers]) c.securityContext.runAsNonRoot = true;
    }), "restricted", "latest", []],
    ["pod unset, ephemeral container unset", podWith((p) => {
      delete p.spec.securityContext.runAsNonRoot;
      for (const c of [...p.spec.initContainers, ...p.spec.containers]) c.securityContext.runAsNonRoot = true;
    }), "restricted", "latest", ["runAsNonRoot"]],
    ["pod seccomp RuntimeDefault, container Unconfined", podWith((p) => (app(p).securityContext.seccompProfile = { type: "Unconfined" })), "restricted", "latest", ["seccompProfile_restricted"]],
    ["pod seccomp Unconfined, every container RuntimeDefault", podWith((p) => {
      p.spec.securityContext.seccompProfile = { type: "Unconfined" };
      for (const c of [...p.spec.initContainers, ...p.spec.containers, ...p.spec.ephemeralContainers]) c.securityContext.seccompProfile = { type: "RuntimeDefault" };
    }), "restricted", "latest", ["seccompProfile_restricted"]],
    ["pod seccomp unset, every container Localhost", podWith((p) => {
      delete p.spec.securityContext.seccompProfile;
      for (const c of [...p.spec.initContainers, ...p.spec.containers, ...p.spec.ephemeralContainers]) c.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
    }), "restricted", "latest", []],
    ["pod runAsUser=0, containers 1000", podWith((p) => {
      p.spec.securityContext.runAsUser = 0;
      for (const c of [...p.spec.initContainers, ...p.spec.containers, ...p.spec.ephemeralContainers]) c.securityContext.runAsUser = 1000;
    }), "restricted", "latest", ["runAsUser"]],
    ["pod runAsUser=1000, init container 0", podWith((p) => ((p.spec.securityContext.runAsUser = 1000), (p.spec.initContainers[0].securityContext.runAsUser = 0))), "restricted", "latest", ["runAsUser"]],
    ["pod SELinux type spc_t", podWith((p) => (p.spec.securityContext.seLinuxOptions = { type: "spc_t" })), "baseline", "latest", ["seLinuxOptions"]],
    ["container SELinux user set", podWith((p) => (app(p).securityContext.seLinuxOptions = { user: "system_u" })), "baseline", "latest", ["seLinuxOptions"]],
    ["pod AppArmor Unconfined field is judged at v1.0 too", podWith((p) => (p.spec.securityContext.appArmorProfile = { type: "Unconfined" })), "baseline", "v1.0", ["appArmorProfile"]],
  ])("%s", (_name, pod, level, version, expected) => {
    expect(denials(pod, level, version)).toEqual(expected);
  });
});

describe("sysctl spelling and version tables", () => {
  const withSysctl = (name: string) => podWith((p) => (p.spec.securityContext.sysctls = [{ name, value: "1" }]));
  test.each<[string, string, boolean]>([
    ["net.ipv4.tcp_syncookies", "v1.0", true],
    ["net/ipv4/tcp_syncookies", "latest", false], // slash form is valid API but not in the exact-match safe set
    ["NET.IPV4.TCP_SYNCOOKIES", "latest", false],
    [" net.ipv4.tcp_syncookies", "latest", false],
    ["net.ipv4.ip_local_reserved_ports", "v1.26", false],
    ["net.ipv4.ip_local_reserved_ports", "v1.27", true],
    ["net.ipv4.tcp_keepalive_time", "v1.28", false],
    ["net.ipv4.tcp_keepalive_probes", "v1.29", true],
    ["net.ipv4.tcp_rmem", "v1.31", false],
    ["net.ipv4.tcp_wmem", "v1.32", true],
    ["net.ipv4.tcp_slow_start_after_idle", "v1.36", false],
    ["net.ipv4.tcp_notsent_lowat", "v1.37", true],
    ["kernel.msgmax", "latest", false],
  ])("%s at %s allowed=%s", (name, version, allowed) => {
    expect(denials(withSysctl(name), "baseline", version)).toEqual(allowed ? [] : ["sysctls"]);
  });
});

describe("capability spelling", () => {
  const adding = (caps: string[]) => podWith((p) => (app(p).securityContext.capabilities.add = caps));
  test.each<[string, string[], Level, CheckId[]]>([
    ["CHOWN", ["CHOWN"], "baseline", []],
    ["CAP_CHOWN (prefix)", ["CAP_CHOWN"], "baseline", ["capabilities_baseline"]],
    ["chown (lower case)", ["chown"], "baseline", ["capabilities_baseline"]],
    ["NET_RAW", ["NET_RAW"], "baseline", ["capabilities_baseline"]],
    ["NET_BIND_SERVICE at restricted", ["NET_BIND_SERVICE"], "restricted", []],
    ["CAP_NET_BIND_SERVICE at restricted", ["CAP_NET_BIND_SERVICE"], "restricted", ["capabilities_restricted"]],
    ["CHOWN at restricted", ["CHOWN"], "restricted", ["capabilities_restricted"]],
  ])("add %s at %s", (_name, caps, level, expected) => {
    expect(denials(adding(caps), level, "latest")).toEqual(expected);
  });

  test('drop "all" in lower case does not drop ALL', () => {
    expect(denials(podWith((p) => (app(p).securityContext.capabilities.drop = ["all"])), "restricted", "latest")).toEqual(["capabilities_restricted"]);
  });

  test("before v1.22 restricted judges capabilities with the baseline rule", () => {
    const noDrop = podWith((p) => (app(p).securityContext.capabilities = { add: ["CHOWN"] }));
    expect(denials(noDrop, "restricted", "v1.21")).toEqual([]);
    expect(denials(noDrop, "restricted", "v1.22")).toEqual(["capabilities_restricted"]);
  });
});

describe("volumes", () => {
  const withVolume = (v: Record<string, unknown>) => podWith((p) => (p.spec.volumes = [{ name: "v", ...v }]));
  test.each<[string, Record<string, unknown>, CheckId[]]>([
    ["no source (API defaults it to emptyDir)", {}, []],
    ["image volume", { image: { reference: "registry.k8s.io/pause" } }, []],
    ["null hostPath counts as unset", { hostPath: null }, []],
    ["nfs", { nfs: { server: "x", path: "/" } }, ["restrictedVolumes"]],
    ["a source the pack does not know (fails closed)", { somethingNew: {} }, ["restrictedVolumes"]],
  ])("%s", (_name, volume, expected) => {
    expect(denials(withVolume(volume), "restricted", "v1.0")).toEqual(expected);
  });

  test("hostPath is judged by restrictedVolumes at restricted and hostPathVolumes at baseline", () => {
    const pod = withVolume({ hostPath: { path: "/" } });
    expect(denials(pod, "restricted", "latest")).toEqual(["restrictedVolumes"]);
    expect(denials(pod, "baseline", "latest")).toEqual(["hostPathVolumes"]);
  });
});

test("probe and lifecycle hosts are judged from v1.34 only", () => {
  const pod = podWith((p) => (app(p).readinessProbe = { tcpSocket: { host: "example.com", port: 80 } }));
  expect(denials(pod, "baseline", "v1.33")).toEqual([]);
  expect(denials(pod, "baseline", "v1.34")).toEqual(["hostProbesAndHostLifecycle"]);
});

test("odd input never throws: nulls, wrong types, empty specs", () => {
  const odd: Pod[] = [
    { metadata: {}, spec: {} },
    { metadata: { annotations: null as any }, spec: { containers: null as any, securityContext: "x" as any, volumes: [null, 1, "v"] as any } },
    { metadata: { annotations: ["x"] as any }, spec: { containers: [null, { securityContext: { capabilities: { add: [1, null] } } }] as any } },
  ];
  for (const pod of odd) for (const level of ["baseline", "restricted"] as const) expect(() => denials(pod, level, "latest")).not.toThrow();
});
