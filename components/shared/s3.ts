/** S3 bucket policy pieces more than one area puts on its buckets. */
import { PolicyStatement } from "./iam";

/** Denies any request to the bucket (and its objects) that is not made over TLS. */
export function tlsOnlyStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  };
}
