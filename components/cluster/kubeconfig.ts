/**
 * Kubeconfig for a cluster, authenticating with `aws eks get-token` so that no long-lived token is stored: the
 * caller's AWS credentials (which must map to an access entry) are exchanged for a short-lived token on each use.
 */
export function buildKubeconfig(args: { clusterName: string; endpoint: string; certificateAuthorityData: string; region: string }): string {
  const context = `${args.clusterName}.${args.region}`;
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: context, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData } }],
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", args.clusterName, "--region", args.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    "current-context": context,
  });
}
