/**
 * Internet-facing entry points: Application Load Balancers (FSBP ELB.1/ELB.5/ELB.6, types `aws:lb/*` and their
 * `aws:alb/*` aliases in provider 7.x) and API Gateway (FSBP APIGateway.1/.9 logging, TLS 1.2 on custom domains).
 */
import { Finding, ResourceRule, StackRule, Subject } from "../../common/finding";
import { ofType, references, referrersOf } from "../../common/stack";
import { arrayOf, boolOf, cannotTellYet, isSet, isUnknown, objectOf } from "../../common/unknown";
import { fsbp, platformAws } from "./meta";

export const LB_TYPES: readonly string[] = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
export const LISTENER_TYPES: readonly string[] = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];
export const EDGE = {
  RestStage: "aws:apigateway/stage:Stage",
  MethodSettings: "aws:apigateway/methodSettings:MethodSettings",
  HttpStage: "aws:apigatewayv2/stage:Stage",
  RestDomain: "aws:apigateway/domainName:DomainName",
  HttpDomain: "aws:apigatewayv2/domainName:DomainName",
} as const;

/** Application load balancers only (`loadBalancerType` defaults to application); NLB/GWLB have other controls. */
const isAlb = (r: Subject) => LB_TYPES.includes(r.type) && (r.props.loadBalancerType === undefined || r.props.loadBalancerType === "application" || isUnknown(r.props.loadBalancerType));

export const albAccessLogs: ResourceRule = {
  meta: fsbp("ELB.5", "aws-alb-access-logs", "Application and Classic Load Balancers logging should be enabled", "medium", "Set accessLogs { enabled: true, bucket } on the load balancer.", ["awsguard elb-logging-enabled"]),
  types: LB_TYPES,
  check(r) {
    if (!isAlb(r)) return [];
    const logs = r.props.accessLogs;
    const enabled = isUnknown(logs) ? "unknown" : boolOf(objectOf(logs)?.enabled);
    if (enabled === "unknown") return [cannotTellYet(`Load balancer ${r.name}`, "accessLogs.enabled", "aws-alb-access-logs")];
    // The provider turns logging on when a bucket is given and `enabled` is left unset.
    if (enabled === true || (enabled === undefined && isSet(objectOf(logs)?.bucket))) return [];
    return [{ message: `Load balancer ${r.name} keeps no access logs; set accessLogs { enabled: true, bucket } to an S3 bucket.` }];
  },
};

export const albDeletionProtection: ResourceRule = {
  meta: fsbp("ELB.6", "aws-lb-deletion-protection", "Application, Gateway, and Network Load Balancers should have deletion protection enabled", "medium", "Set enableDeletionProtection to true on the load balancer.", ["awsguard elb-deletion-protection-enabled"]),
  types: LB_TYPES,
  check(r) {
    const v = boolOf(r.props.enableDeletionProtection);
    if (v === "unknown") return [cannotTellYet(`Load balancer ${r.name}`, "enableDeletionProtection", "aws-lb-deletion-protection")];
    return v === true ? [] : [{ message: `Load balancer ${r.name} can be deleted by a single API call; set enableDeletionProtection to true.` }];
  },
};

/** True when a listener's default actions redirect to HTTPS. */
function redirectsToHttps(listener: Subject): boolean | "unknown" {
  const actions = listener.props.defaultActions;
  if (isUnknown(actions)) return "unknown";
  return arrayOf(actions).some((a) => {
    const action = objectOf(a);
    return action?.type === "redirect" && String(objectOf(action.redirect)?.protocol ?? "").toUpperCase() === "HTTPS";
  });
}

export const albHttpsRedirect: ResourceRule = {
  meta: fsbp("ELB.1", "aws-alb-http-to-https-redirect", "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS", "medium", "Make the HTTP listener's default action a redirect to protocol HTTPS (port 443, status HTTP_301), and serve the application on an HTTPS listener.", ["awsguard alb-http-to-https-redirection"]),
  types: LISTENER_TYPES,
  check(r) {
    if (isUnknown(r.props.protocol)) return [cannotTellYet(`Listener ${r.name}`, "protocol", "aws-alb-http-to-https-redirect")];
    if (String(r.props.protocol ?? "").toUpperCase() !== "HTTP") return [];
    const redirect = redirectsToHttps(r);
    if (redirect === "unknown") return [cannotTellYet(`Listener ${r.name}`, "defaultActions", "aws-alb-http-to-https-redirect")];
    return redirect ? [] : [{ message: `Listener ${r.name} serves plain HTTP; make its default action a redirect to HTTPS.` }];
  },
};

const LOGGING_LEVELS = ["ERROR", "INFO"];

export const apiGatewayLogging: StackRule = {
  meta: fsbp("APIGateway.1", "aws-apigateway-logging", "API Gateway REST and WebSocket API execution logging should be enabled", "medium", "Add an aws.apigateway.MethodSettings for the stage (methodPath \"*/*\") with settings.loggingLevel ERROR or INFO, or accessLogSettings on the stage.", ["FSBP APIGateway.9"]),
  judges: [EDGE.RestStage, EDGE.HttpStage],
  check(resources) {
    // Indexed by the API (stage names such as "prod" repeat across APIs), then matched on the stage name.
    const settingsOf = referrersOf(ofType(resources, EDGE.MethodSettings), "restApi", ["restApi"]);
    const findings: Finding[] = [];
    for (const stage of ofType(resources, EDGE.RestStage)) {
      if (isSet(stage.props.accessLogSettings)) continue;
      const mine = settingsOf(stage).filter((m) => references(m, "stageName", stage, ["stageName"]));
      const levels = mine.map((m) => (isUnknown(m.props.settings) ? "unknown" : objectOf(m.props.settings)?.loggingLevel));
      if (levels.some((l) => typeof l === "string" && LOGGING_LEVELS.includes(l))) continue;
      if (levels.some((l) => l === "unknown" || isUnknown(l))) findings.push(cannotTellYet(`API Gateway stage ${stage.name}`, "MethodSettings settings.loggingLevel", "aws-apigateway-logging", stage));
      else findings.push({ subject: stage, message: `API Gateway stage ${stage.name} logs nothing; add MethodSettings with loggingLevel ERROR or INFO, or set accessLogSettings.` });
    }
    for (const stage of ofType(resources, EDGE.HttpStage)) {
      const route = objectOf(stage.props.defaultRouteSettings)?.loggingLevel;
      if (isSet(stage.props.accessLogSettings) || (typeof route === "string" && LOGGING_LEVELS.includes(route))) continue;
      findings.push({ subject: stage, message: `API Gateway v2 stage ${stage.name} logs nothing; set accessLogSettings (destinationArn, format).` });
    }
    return findings;
  },
};

export const apiGatewayTls: ResourceRule = {
  meta: platformAws("PA-3", "aws-apigateway-tls12", "API Gateway custom domains accept TLS 1.2 or newer only", "medium", "Set securityPolicy \"TLS_1_2\" on the REST domain name (domainNameConfiguration.securityPolicy on an HTTP API domain).", ["tfsec AVD-AWS-0005 use-secure-tls-policy"]),
  types: [EDGE.RestDomain, EDGE.HttpDomain],
  check(r) {
    const policy = r.type === EDGE.RestDomain ? r.props.securityPolicy : objectOf(r.props.domainNameConfiguration)?.securityPolicy;
    if (isUnknown(policy)) return [cannotTellYet(`API Gateway domain ${r.name}`, "securityPolicy", "aws-apigateway-tls12")];
    // Unset on a REST domain is TLS_1_0; TLS_1_2 and the newer SecurityPolicy_TLS13_* names all start at 1.2.
    if (typeof policy === "string" && (policy.toUpperCase() === "TLS_1_2" || /TLS13/i.test(policy))) return [];
    return [{ message: `API Gateway domain ${r.name} accepts TLS older than 1.2 (securityPolicy ${policy === undefined ? "unset, TLS_1_0" : String(policy)}); set securityPolicy to "TLS_1_2".` }];
  },
};
