import { environmentProblems, environmentProfile } from "../shared/environment";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { regionCode } from "../shared/regions";
import { Problems } from "../shared/validation";
import { AURORA_PORT, auroraClusterParameters, auroraProblems, AuroraSettings, resolveAuroraSettings } from "./aurora";
import { MasterSecretRotation } from "./MasterSecretRotation";
import { finalSnapshotIdentifier, physicalName } from "./naming";
import { serviceSecurityGroup } from "./network";
import { resolveRotationDays, rotationProblems, RotationSettings } from "./rotation";
import { Environment, KeyedDataRegion } from "./types";

export interface AuroraGlobalDatabaseArgs extends AuroraSettings {
  readonly environment: Environment;
  /** Regions with their KMS keys; the first is the primary (writer) region. */
  readonly regions: readonly KeyedDataRegion[];
  /**
   * Build an Aurora global database with a secondary cluster in every other region. When false, one cluster runs in
   * the primary region and the other regions are only restore targets.
   */
  readonly global: boolean;
  /** Value for `rds.global_db_rpo` (managed RPO), from the recovery plan. @default not enforced */
  readonly managedRpoSeconds?: number;
  /**
   * Rotation of the master password by AWS's PostgreSQL single-user rotation function, in the primary region.
   * `false` turns it off; see RotationSettings for when that is acceptable.
   * @default every 30 days
   */
  readonly rotation?: RotationSettings;
  /** @default true in prod */
  readonly protect?: boolean;
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Secrets Manager name of the master credentials (and of its replicas in the other regions), e.g. under the prefix the
   * External Secrets controller may read. @default a name Secrets Manager generates from the resource name
   */
  readonly secretName?: string;
}

/** One regional cluster of the database. */
export interface AuroraRegionalCluster {
  readonly region: string;
  readonly role: "primary" | "secondary";
  readonly clusterIdentifier: pulumi.Output<string>;
  readonly clusterArn: pulumi.Output<string>;
  readonly writerEndpoint: pulumi.Output<string>;
  readonly readerEndpoint: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
}

/** Endpoints of one region, as exported. */
export interface RegionalEndpoints {
  readonly region: string;
  readonly writerEndpoint: string;
  readonly readerEndpoint: string;
}

/**
 * Aurora PostgreSQL, optionally as a global database: a primary cluster in the first region and a secondary cluster
 * in each other region, each with at least two instances across zones, encrypted with that region's CMK, TLS-only,
 * IAM authentication, PITR backups, encrypted Performance Insights, deletion protection and final snapshots.
 *
 * The master password is generated, kept in Secrets Manager (replicated to every region) and only ever handled as a
 * secret. RDS-managed master passwords (`manageMasterUserPassword`) are not used because Aurora does not support
 * them for clusters that are part of a global database. Secrets Manager rotates it instead (every 30 days unless
 * configured otherwise) through AWS's rotation function; Pulumi then ignores the password on the cluster and in the
 * secret, because after the first rotation the generated value is stale.
 */
export class AuroraGlobalDatabase extends pulumi.ComponentResource {
  readonly clusters: readonly AuroraRegionalCluster[];
  /** Global cluster identifier; undefined without a global database. */
  readonly globalClusterId: pulumi.Output<string | undefined>;
  /** Writer endpoint that follows the primary across a global switchover or failover. */
  readonly globalWriterEndpoint: pulumi.Output<string | undefined>;
  readonly masterSecretArn: pulumi.Output<string>;
  readonly endpoints: pulumi.Output<RegionalEndpoints[]>;
  readonly clusterArns: pulumi.Output<string[]>;
  readonly port: number = AURORA_PORT;
  /** ARN of the master secret's rotation function; undefined when rotation is off. */
  readonly rotationFunctionArn: pulumi.Output<string | undefined>;

  constructor(name: string, args: AuroraGlobalDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems().addAll(environmentProblems(args.environment)).addAll(auroraProblems(args)).addAll(rotationProblems(args.rotation));
    args.regions.forEach((r, i) =>
      problems.check(r.availabilityZones.length >= 2, {
        property: `regions[${i}].availabilityZones`,
        value: r.availabilityZones,
        rule: "at least 2 zones, so the cluster's instances do not share a zone",
        fix: "pass the zones of at least two private subnets",
      }),
    );
    problems.check(args.regions.length >= 1, { property: "regions", value: args.regions.length, rule: "at least one region", fix: "pass the primary region" });
    problems.throwIfAny(`AuroraGlobalDatabase "${name}"`);
    super("production-platform:data:AuroraGlobalDatabase", name, {}, opts);

    const profile = environmentProfile(args.environment);
    const protect = args.protect ?? profile.protect;
    const minZones = Math.min(...args.regions.map((r) => r.availabilityZones.length));
    const s = resolveAuroraSettings(args, args.environment, minZones);
    const stack = pulumi.getStack();
    const tags = { ...args.tags };
    const [primary, ...secondaries] = args.regions;
    const members = args.global ? args.regions : [primary];

    const password = new random.RandomPassword(
      `${name}-master-password`,
      // RDS rejects "/", "@", '"' and spaces in master passwords.
      { length: 40, special: true, overrideSpecial: "!#$%^&*()-_=+[]{}<>:?" },
      { parent: this },
    );
    const secret = new aws.secretsmanager.Secret(
      `${name}-master`,
      {
        ...(args.secretName ? { name: args.secretName } : {}),
        description: `Aurora master credentials (${stack}/${name})`,
        kmsKeyId: primary.kmsKeyArn,
        recoveryWindowInDays: profile.retention.secretRecoveryWindowDays,
        // Replicas let a promoted secondary region read the credentials while the primary region is down.
        replicas: args.global ? secondaries.map((r) => ({ region: r.region, kmsKeyId: r.kmsKeyArn })) : [],
        tags,
      },
      { parent: this, provider: primary.provider, protect },
    );

    const globalCluster = args.global
      ? new aws.rds.GlobalCluster(
          `${name}-global`,
          {
            globalClusterIdentifier: physicalName([stack, name], 63),
            engine: "aurora-postgresql",
            engineVersion: s.engineVersion,
            storageEncrypted: true,
            deletionProtection: profile.protect,
            tags,
          },
          { parent: this, provider: primary.provider, protect },
        )
      : undefined;

    const clusters: AuroraRegionalCluster[] = [];
    let primaryInstances: aws.rds.ClusterInstance[] = [];
    let primaryCluster: aws.rds.Cluster | undefined;
    members.forEach((r, index) => {
      const isPrimary = index === 0;
      const code = regionCode(r.region);
      const child = { parent: this, provider: r.provider };
      const subnets = new aws.rds.SubnetGroup(`${name}-${code}-subnets`, { subnetIds: r.privateSubnetIds, description: `Aurora ${name} private subnets`, tags }, child);
      const securityGroup = serviceSecurityGroup(
        `${name}-${code}-sg`,
        { vpcId: r.vpcId, port: AURORA_PORT, description: `Aurora ${name}`, allowedSecurityGroupIds: r.allowedSecurityGroupIds, tags },
        child,
      );
      const parameters = new aws.rds.ClusterParameterGroup(
        `${name}-${code}-params`,
        { family: `aurora-postgresql${s.majorVersion}`, description: `Aurora ${name}: TLS only`, parameters: auroraClusterParameters(args.managedRpoSeconds), tags },
        child,
      );
      const common: aws.rds.ClusterArgs = {
        engine: "aurora-postgresql",
        engineVersion: s.engineVersion,
        globalClusterIdentifier: globalCluster?.id,
        storageEncrypted: true,
        kmsKeyId: r.kmsKeyArn,
        dbSubnetGroupName: subnets.name,
        vpcSecurityGroupIds: [securityGroup.id],
        dbClusterParameterGroupName: parameters.name,
        port: AURORA_PORT,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: s.backupRetentionDays,
        preferredBackupWindow: "03:00-04:00",
        preferredMaintenanceWindow: "sun:05:00-sun:06:00",
        copyTagsToSnapshot: true,
        deletionProtection: profile.protect,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: finalSnapshotIdentifier(`${name}-${code}`, [stack, name, code, "final"], this),
        enabledCloudwatchLogsExports: ["postgresql"],
        tags,
      };
      const cluster = isPrimary
        ? new aws.rds.Cluster(
            `${name}-${code}`,
            { ...common, databaseName: s.databaseName, masterUsername: s.masterUsername, masterPassword: password.result },
            // Secrets Manager rotation changes the password in the database; the generated value only seeds the first
            // one. Without this a replaced RandomPassword would reset the database behind the secret's back.
            { ...child, protect, ignoreChanges: ["masterPassword"] },
          )
        : new aws.rds.Cluster(
            `${name}-${code}`,
            // Secondaries take credentials and data from the global cluster; they must not set a master user.
            common,
            {
              ...child,
              protect,
              // AWS fills these in on secondaries (and swaps them on failover); without this every run would fight it.
              ignoreChanges: ["globalClusterIdentifier", "replicationSourceIdentifier"],
              // A secondary can only attach once the primary has a writer instance.
              dependsOn: primaryInstances,
            },
          );
      const instances = Array.from({ length: s.instancesPerCluster }, (_v, i) =>
        new aws.rds.ClusterInstance(
          `${name}-${code}-${i + 1}`,
          {
            clusterIdentifier: cluster.id,
            engine: "aurora-postgresql",
            instanceClass: s.instanceClass,
            availabilityZone: r.availabilityZones[i % r.availabilityZones.length],
            dbSubnetGroupName: subnets.name,
            publiclyAccessible: false,
            caCertIdentifier: "rds-ca-rsa2048-g1",
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: r.kmsKeyArn,
            performanceInsightsRetentionPeriod: s.performanceInsightsRetentionDays,
            // Minor upgrades of a global database must be coordinated across regions, not left to each instance.
            autoMinorVersionUpgrade: !args.global,
            promotionTier: i,
            tags,
          },
          { ...child, protect },
        ),
      );
      if (isPrimary) {
        primaryInstances = instances;
        primaryCluster = cluster;
      }
      clusters.push({
        region: r.region,
        role: isPrimary ? "primary" : "secondary",
        clusterIdentifier: cluster.clusterIdentifier,
        clusterArn: cluster.arn,
        writerEndpoint: cluster.endpoint,
        readerEndpoint: cluster.readerEndpoint,
        securityGroupId: securityGroup.id,
      });
    });

    const writer = primaryCluster as aws.rds.Cluster;
    // The JSON is what AWS's PostgreSQL rotation function reads and writes back: engine, host, username, password,
    // dbname, port.
    const secretValue = new aws.secretsmanager.SecretVersion(
      `${name}-master`,
      {
        secretId: secret.id,
        secretString: pulumi.secret(
          pulumi.jsonStringify({
            engine: "postgres",
            username: s.masterUsername,
            password: password.result,
            dbname: s.databaseName,
            // The global writer endpoint follows the primary through failovers; older accounts may not have one yet.
            host: globalCluster ? pulumi.all([globalCluster.endpoint, writer.endpoint]).apply(([g, w]) => g || w) : writer.endpoint,
            port: AURORA_PORT,
          }),
        ),
      },
      {
        parent: this,
        provider: primary.provider,
        // After a rotation the secret holds the current password and Pulumi's state the first one: a `pulumi up` after a
        // refresh would otherwise write the stale password back and lock every client out. Kept when rotation is off
        // too, so that turning it off never restores a password the database no longer accepts. The price: a changed
        // host or database name is not written to an existing secret; update it with `put-secret-value`.
        ignoreChanges: ["secretString"],
      },
    );

    const rotationDays = resolveRotationDays(args.rotation);
    const rotation =
      rotationDays === undefined
        ? undefined
        : new MasterSecretRotation(
            `${name}-rotation`,
            {
              secretArn: secret.arn,
              secretKmsKeyArn: primary.kmsKeyArn,
              region: primary.region,
              vpcId: primary.vpcId,
              subnetIds: primary.privateSubnetIds,
              databaseSecurityGroupId: clusters[0].securityGroupId,
              port: AURORA_PORT,
              days: rotationDays,
              // The function logs in with the secret's current value, so both the value and a writer must exist.
              rotateAfter: [secretValue, ...primaryInstances],
              tags,
            },
            { parent: this, providers: [primary.provider] },
          );

    this.clusters = clusters;
    this.globalClusterId = globalCluster ? globalCluster.id.apply((id): string | undefined => id) : pulumi.output(undefined);
    this.globalWriterEndpoint = globalCluster ? globalCluster.endpoint.apply((e): string | undefined => e ?? undefined) : pulumi.output(undefined);
    this.masterSecretArn = secret.arn;
    this.endpoints = pulumi.all(
      clusters.map((c) => pulumi.all([c.writerEndpoint, c.readerEndpoint]).apply(([w, rd]) => ({ region: c.region, writerEndpoint: w, readerEndpoint: rd }))),
    );
    this.clusterArns = pulumi.all(clusters.map((c) => c.clusterArn));
    this.rotationFunctionArn = rotation ? rotation.functionArn.apply((arn): string | undefined => arn) : pulumi.output(undefined);
    this.registerOutputs({
      globalClusterId: this.globalClusterId,
      globalWriterEndpoint: this.globalWriterEndpoint,
      masterSecretArn: this.masterSecretArn,
      endpoints: this.endpoints,
      rotationFunctionArn: this.rotationFunctionArn,
    });
  }
}
