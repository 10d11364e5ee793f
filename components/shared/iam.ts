/**
 * IAM policy documents every area builds: trust policies for AWS services and for Kubernetes service accounts (IRSA).
 * Plain objects from plain strings (no provider calls), so callers serialise them where their late-bound values
 * resolve and tests read them directly. Key order is part of the contract: the serialised JSON lands in state, and a
 * reordered document is a diff on every role that uses it.
 */

/** A policy statement as IAM reads it. */
export type PolicyStatement = Record<string, unknown>;

/** A policy document as IAM reads it. */
export type PolicyDocument = {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
};

/** The only audience EKS-projected tokens for IRSA carry. */
export const STS_AUDIENCE = "sts.amazonaws.com";

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** `system:serviceaccount:<namespace>:<name>`, the `sub` claim of a projected service-account token. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** The OIDC issuer without its scheme, the prefix IAM condition keys use (`oidc.eks.<region>.amazonaws.com/id/…`). */
export function issuerHost(issuer: string): string {
  return issuer.replace(/^https:\/\//, "");
}

/** {@link issuerHost}, also without a trailing slash. */
export function issuerHostPath(issuer: string): string {
  return issuerHost(issuer).replace(/\/$/, "");
}

/**
 * Trust policy letting exactly the given service accounts assume a role through the cluster's OIDC provider. Pins
 * both `sub` and `aud`, so a token minted for another audience or another service account cannot assume the role.
 * `host` is the issuer as condition keys spell it ({@link issuerHost} / {@link issuerHostPath}); a single subject is
 * written as a string, several as a list.
 */
export function irsaTrustPolicyDocument(oidcProviderArn: string, host: string, subjects: readonly string[]): PolicyDocument {
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Federated: oidcProviderArn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${host}:sub`]: subjects.length === 1 ? subjects[0] : [...subjects],
          [`${host}:aud`]: STS_AUDIENCE,
        },
      },
    },
  ]);
}

export interface ServiceTrustOptions {
  /** What the service may call; written as given (a string stays a string, a list stays a list). @default "sts:AssumeRole" */
  readonly action?: string | readonly string[];
  /**
   * Only this account's use of the service may assume the role (`aws:SourceAccount`), against confused-deputy use
   * by other accounts. @default — no condition
   */
  readonly sourceAccount?: string;
}

/** Trust policy letting an AWS service principal (`ec2.amazonaws.com`, …) assume a role. */
export function serviceTrustPolicyDocument(service: string, options: ServiceTrustOptions = {}): PolicyDocument {
  const action = options.action ?? "sts:AssumeRole";
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: typeof action === "string" ? action : [...action],
      ...(options.sourceAccount === undefined ? {} : { Condition: { StringEquals: { "aws:SourceAccount": options.sourceAccount } } }),
    },
  ]);
}
