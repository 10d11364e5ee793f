/**
 * Per-service resilience in the mesh: circuit breaking and outlier detection (DestinationRule), a request timeout and
 * bounded retries (VirtualService), applied by the service's waypoint.
 *
 * Why VirtualService and not an HTTPRoute: HTTPRoute `retry` is in the Gateway API standard channel only from
 * v1.7.0; the standard v1.4.0 CRDs Istio 1.28 documents would prune it silently, leaving a route with no retries.
 * Istio's classic traffic APIs (VirtualService, DestinationRule) are Alpha with waypoints ("Use Layer 7 features"),
 * and mixing them with Gateway API routes for one service is unsupported, so a service gets these two and no
 * HTTPRoute. Field semantics: Istio networking/v1 VirtualService `HTTPRetry` (attempts = retries after the first
 * try), DestinationRule `ConnectionPoolSettings` and `OutlierDetection`.
 */
import { argsObjectProblems, checkInteger, Problem, Problems } from "../shared/validation";

export const ISTIO_NETWORKING_API_VERSION = "networking.istio.io/v1";

export interface RetryArgs {
  /** Retries after the first attempt (0 turns retries off). @default — 2 */
  readonly attempts?: number;
  /** Timeout of each attempt, seconds. @default — 5 */
  readonly perTryTimeoutSeconds?: number;
  /**
   * Envoy retry conditions. @default — `connect-failure,refused-stream,unavailable,cancelled,reset-before-request`:
   * only failures where the request never reached the application, so a non-idempotent call is never repeated
   */
  readonly retryOn?: string;
}

export interface CircuitBreakerArgs {
  /** Most TCP connections to the service from one waypoint. @default — 1024 */
  readonly maxConnections?: number;
  /** Most requests queued waiting for a connection; beyond it callers get 503 at once. @default — 256 */
  readonly maxPendingRequests?: number;
  /** Most requests in flight to the service. @default — 1024 */
  readonly maxRequests?: number;
  /** Most retries in flight at once: bounds a retry storm against a struggling service. @default — 32 */
  readonly maxRetries?: number;
}

export interface OutlierDetectionArgs {
  /** Consecutive 5xx after which a pod is ejected. @default — 5 */
  readonly consecutive5xxErrors?: number;
  /** Seconds between ejection sweeps. @default — 10 */
  readonly intervalSeconds?: number;
  /** Minimum ejection time, seconds (grows with each ejection). @default — 30 */
  readonly baseEjectionSeconds?: number;
  /** Most pods ejected at once, percent: never half the capacity or more. @default — 50 */
  readonly maxEjectionPercent?: number;
}

export interface MeshTrafficArgs {
  /** Whole-request timeout, seconds, retries included. @default — 15 (covers the default 3 attempts of 5 s) */
  readonly timeoutSeconds?: number;
  /** @default — see {@link RetryArgs} */
  readonly retries?: RetryArgs;
  /** @default — see {@link CircuitBreakerArgs} */
  readonly circuitBreaker?: CircuitBreakerArgs;
  /** @default — see {@link OutlierDetectionArgs} */
  readonly outlierDetection?: OutlierDetectionArgs;
}

export const MESH_TRAFFIC_DEFAULTS = {
  timeoutSeconds: 15,
  retries: { attempts: 2, perTryTimeoutSeconds: 5, retryOn: "connect-failure,refused-stream,unavailable,cancelled,reset-before-request" },
  circuitBreaker: { maxConnections: 1024, maxPendingRequests: 256, maxRequests: 1024, maxRetries: 32 },
  outlierDetection: { consecutive5xxErrors: 5, intervalSeconds: 10, baseEjectionSeconds: 30, maxEjectionPercent: 50 },
} as const;

export interface ResolvedMeshTraffic {
  readonly timeoutSeconds: number;
  readonly retries: Required<RetryArgs>;
  readonly circuitBreaker: Required<CircuitBreakerArgs>;
  readonly outlierDetection: Required<OutlierDetectionArgs>;
}

/** Applies defaults once. Call after validation. */
export function resolveMeshTraffic(a: MeshTrafficArgs | undefined): ResolvedMeshTraffic {
  const d = MESH_TRAFFIC_DEFAULTS;
  return {
    timeoutSeconds: a?.timeoutSeconds ?? d.timeoutSeconds,
    retries: { ...d.retries, ...definedOf(a?.retries) },
    circuitBreaker: { ...d.circuitBreaker, ...definedOf(a?.circuitBreaker) },
    outlierDetection: { ...d.outlierDetection, ...definedOf(a?.outlierDetection) },
  };
}

function definedOf<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Every problem with `mesh.traffic`, before anything registers; never throws (a value that is not an object, here or
 * in `retries`, `circuitBreaker` or `outlierDetection`, is reported, not read).
 */
export function meshTrafficProblems(a: MeshTrafficArgs | undefined, prefix = "mesh.traffic"): Problem[] {
  if (a === undefined) return [];
  const shape = argsObjectProblems(a, "mesh traffic", prefix);
  if (shape.length > 0) return shape;
  const p = new Problems();
  const section = <T extends object>(value: T | undefined, subject: string, key: string): T => {
    if (value === undefined) return {} as T;
    const wrong = argsObjectProblems(value, subject, `${prefix}.${key}`);
    p.addAll(wrong);
    return wrong.length > 0 ? ({} as T) : value;
  };
  const r = section(a.retries, "retry", "retries");
  const cb = section(a.circuitBreaker, "circuit breaker", "circuitBreaker");
  const od = section(a.outlierDetection, "outlier detection", "outlierDetection");
  if (a.timeoutSeconds !== undefined) checkInteger(p, `${prefix}.timeoutSeconds`, a.timeoutSeconds, 1, 3600);
  if (r.attempts !== undefined) checkInteger(p, `${prefix}.retries.attempts`, r.attempts, 0, 5, "a retry storm multiplies load on a failing service: keep attempts at 5 or fewer");
  if (r.perTryTimeoutSeconds !== undefined) checkInteger(p, `${prefix}.retries.perTryTimeoutSeconds`, r.perTryTimeoutSeconds, 1, 3600);
  if (r.retryOn !== undefined) {
    p.check(typeof r.retryOn === "string" && /^[a-z0-9-]+(,[a-z0-9-]+)*$/.test(r.retryOn), {
      property: `${prefix}.retries.retryOn`, value: r.retryOn, rule: "a comma-separated list of Envoy retry conditions (e.g. connect-failure,refused-stream)", fix: "leave it out for the safe default",
    });
  }
  for (const key of ["maxConnections", "maxPendingRequests", "maxRequests", "maxRetries"] as const) {
    if (cb[key] !== undefined) checkInteger(p, `${prefix}.circuitBreaker.${key}`, cb[key], 1, 1_000_000);
  }
  if (od.consecutive5xxErrors !== undefined) checkInteger(p, `${prefix}.outlierDetection.consecutive5xxErrors`, od.consecutive5xxErrors, 1, 100);
  if (od.intervalSeconds !== undefined) checkInteger(p, `${prefix}.outlierDetection.intervalSeconds`, od.intervalSeconds, 1, 300);
  if (od.baseEjectionSeconds !== undefined) checkInteger(p, `${prefix}.outlierDetection.baseEjectionSeconds`, od.baseEjectionSeconds, 1, 3600);
  if (od.maxEjectionPercent !== undefined) checkInteger(p, `${prefix}.outlierDetection.maxEjectionPercent`, od.maxEjectionPercent, 1, 50, "ejecting more than half the pods turns a partial failure into an outage");
  const t = resolveMeshTraffic({ ...a, retries: r, circuitBreaker: cb, outlierDetection: od });
  // With retries off the per-try timeout is not used, so it cannot conflict with the request timeout.
  if (Number.isInteger(t.timeoutSeconds) && Number.isInteger(t.retries.attempts) && t.retries.attempts > 0 && Number.isInteger(t.retries.perTryTimeoutSeconds)) {
    const needed = (t.retries.attempts + 1) * t.retries.perTryTimeoutSeconds;
    p.check(t.timeoutSeconds >= t.retries.perTryTimeoutSeconds, {
      property: `${prefix}.timeoutSeconds`, value: t.timeoutSeconds, rule: `at least retries.perTryTimeoutSeconds (${t.retries.perTryTimeoutSeconds}): a shorter request timeout cuts the first attempt`, fix: `use ${needed} to allow every attempt, or lower perTryTimeoutSeconds`,
    });
  }
  return [...p.list];
}

/** The service's host as the mesh names it. */
export function serviceHostOf(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** `spec` of the DestinationRule: connection-pool limits (circuit breaking) and outlier detection. */
export function destinationRuleSpecOf(host: string, t: ResolvedMeshTraffic): Record<string, unknown> {
  const cb = t.circuitBreaker;
  const od = t.outlierDetection;
  return {
    host,
    trafficPolicy: {
      connectionPool: {
        tcp: { maxConnections: cb.maxConnections, connectTimeout: "2s" },
        http: { http1MaxPendingRequests: cb.maxPendingRequests, http2MaxRequests: cb.maxRequests, maxRetries: cb.maxRetries },
      },
      outlierDetection: {
        consecutive5xxErrors: od.consecutive5xxErrors,
        interval: `${od.intervalSeconds}s`,
        baseEjectionTime: `${od.baseEjectionSeconds}s`,
        maxEjectionPercent: od.maxEjectionPercent,
      },
    },
  };
}

/** `spec` of the VirtualService: one route to the service's own port, with the timeout and bounded retries. */
export function virtualServiceSpecOf(host: string, port: number, t: ResolvedMeshTraffic): Record<string, unknown> {
  const r = t.retries;
  return {
    hosts: [host],
    http: [
      {
        route: [{ destination: { host, port: { number: port } } }],
        timeout: `${t.timeoutSeconds}s`,
        retries: r.attempts === 0 ? { attempts: 0 } : { attempts: r.attempts, perTryTimeout: `${r.perTryTimeoutSeconds}s`, retryOn: r.retryOn },
      },
    ],
  };
}
