/**
 * Field-level mutations of valid arguments (test/support/field-mutation.ts) for the data tier's functions: the tier
 * itself and the components it is built from. Providers are opaque resource objects (`{}` here, as structuredClone
 * would turn an aws.Provider into one anyway); pulumi.Input values (ARNs, ids, subnet lists) are passed through.
 */
import { Case, describeFieldMutations } from "../../support/field-mutation";
import {
  auroraGlobalDatabaseProblems,
  backupPlanArgsProblems,
  dataAlarmsProblems,
  dataKeyProblems,
  dataTierProblems,
  masterSecretRotationProblems,
  redisGlobalDatastoreProblems,
  replicatedBackupBucketsProblems,
  restoreTestingArgsProblems,
} from "../../../components/data";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const WEST = ["us-west-2a", "us-west-2b", "us-west-2c"];
const KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";

/** Two keyed regions, as DataTier hands them to its components. */
const keyedRegions = [
  { region: "us-east-1", provider: {}, vpcId: "vpc-use1", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"], allowedSecurityGroupIds: ["sg-nodes-use1"], availabilityZones: ZONES, kmsKeyArn: KEY },
  { region: "us-west-2", provider: {}, vpcId: "vpc-usw2", privateSubnetIds: ["subnet-d", "subnet-e", "subnet-f"], allowedSecurityGroupIds: ["sg-nodes-usw2"], availabilityZones: WEST, kmsKeyArn: KEY },
];
/** Region entries of the bucket, plan and alarm components: name, provider and key only. */
const plainRegions = keyedRegions.map(({ region, provider, kmsKeyArn }) => ({ region, provider, kmsKeyArn }));
/** pulumi.Input values and providers in a region entry, passed through un-judged. */
const REGION_INPUTS = /^regions\[\d+\]\.(provider|vpcId|privateSubnetIds|kmsKeyArn)/;

const cases: Record<string, Case> = {
  dataTierProblems: {
    fn: dataTierProblems,
    example: {
      environment: "prod",
      recoveryObjectives: { rpoSeconds: 60, rtoSeconds: 900 },
      regions: keyedRegions.map(({ kmsKeyArn: _k, ...r }) => r),
      aurora: { engineVersion: "16.6", instanceClass: "db.r7g.large", instancesPerCluster: 3, databaseName: "app", masterUsername: "dbadmin", backupRetentionDays: 35, performanceInsightsRetentionDays: 7, enforceRpo: false },
      rotation: { days: 30 },
      redis: { engine: "redis", engineVersion: "7.1", nodeType: "cache.r7g.large", nodesPerShard: 3, snapshotRetentionDays: 7 },
      backup: { schedule: "cron(0 * ? * * *)", retentionDays: 35, copyRetentionDays: 35, vaultLock: true, replicationTimeMinutes: 15, noncurrentVersionDays: 365 },
      alarms: { cpuPercent: 80, freeableMemoryBytes: 1073741824, freeLocalStorageBytes: 4294967296, cacheMemoryPercent: 80, pendingReplicationOperations: 1000 },
      alarmTopicArns: { "us-east-1": "arn:aws:sns:us-east-1:123456789012:alarms", "us-west-2": "arn:aws:sns:us-west-2:123456789012:alarms" },
      protect: true,
      secretNamePrefix: "platform/prod/",
    },
    opaque: [REGION_INPUTS, /^regions\[\d+\]\.allowedSecurityGroupIds\[\d+\]$/, /^alarmTopicArns\./],
    optional: [/^(aurora|rotation|redis|backup|alarms|alarmTopicArns|protect|secretNamePrefix)$/, /^(aurora|redis|backup|alarms)\.\w+$/],
  },
  auroraGlobalDatabaseProblems: {
    fn: auroraGlobalDatabaseProblems,
    example: {
      environment: "prod",
      regions: keyedRegions,
      global: true,
      managedRpoSeconds: 60,
      rotation: { days: 30 },
      engineVersion: "16.6",
      instanceClass: "db.r7g.large",
      instancesPerCluster: 3,
      databaseName: "app",
      masterUsername: "dbadmin",
      backupRetentionDays: 35,
      performanceInsightsRetentionDays: 7,
      enforceRpo: false,
      protect: true,
      secretName: "platform/prod/data-aurora/master",
    },
    opaque: [REGION_INPUTS, /^regions\[\d+\]\.allowedSecurityGroupIds/],
    optional: [/^(managedRpoSeconds|rotation|engineVersion|instanceClass|instancesPerCluster|databaseName|masterUsername|backupRetentionDays|performanceInsightsRetentionDays|enforceRpo|protect|secretName)$/],
  },
  redisGlobalDatastoreProblems: {
    fn: redisGlobalDatastoreProblems,
    example: {
      environment: "prod",
      regions: keyedRegions,
      global: true,
      engine: "redis",
      engineVersion: "7.1",
      nodeType: "cache.r7g.large",
      nodesPerShard: 3,
      snapshotRetentionDays: 7,
      protect: true,
      secretName: "platform/prod/data-redis/auth",
    },
    opaque: [REGION_INPUTS, /^regions\[\d+\]\.allowedSecurityGroupIds/],
    optional: [/^(engine|engineVersion|nodeType|nodesPerShard|snapshotRetentionDays|protect|secretName)$/],
  },
  replicatedBackupBucketsProblems: {
    fn: replicatedBackupBucketsProblems,
    example: { environment: "prod", regions: plainRegions, replicationTimeMinutes: 15, noncurrentVersionDays: 365, protect: true },
    opaque: [REGION_INPUTS],
    optional: [/^(replicationTimeMinutes|noncurrentVersionDays|protect)$/],
  },
  backupPlanArgsProblems: {
    fn: backupPlanArgsProblems,
    example: {
      environment: "prod",
      regions: plainRegions,
      schedule: "cron(0 * ? * * *)",
      resourceArns: ["arn:aws:rds:us-east-1:123456789012:cluster:data-use1"],
      retentionDays: 35,
      copyRetentionDays: 35,
      vaultLock: true,
      protect: true,
    },
    opaque: [REGION_INPUTS, /^resourceArns/],
    optional: [/^(retentionDays|copyRetentionDays|vaultLock|protect)$/],
  },
  restoreTestingArgsProblems: {
    fn: restoreTestingArgsProblems,
    example: {
      region: "us-east-1",
      recoveryObjectives: { rpoSeconds: 3600, rtoSeconds: 14400 },
      backupIntervalSeconds: 3600,
      backupPlanId: "plan-123",
      backupVaultName: "data-use1",
      auroraClusterArns: ["arn:aws:rds:us-east-1:123456789012:cluster:data-use1"],
      bucketArns: ["arn:aws:s3:::data-backup-use1"],
      alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:alarms",
      settings: { schedule: "cron(0 7 ? * * *)", startWindowHours: 1, restoreWindowSeconds: 7200, validationWindowHours: 1 },
    },
    opaque: [/^(backupPlanId|backupVaultName|alarmTopicArn)$/, /^(auroraClusterArns|bucketArns)\[\d+\]$/],
    optional: [/^settings(\.\w+)?$/],
  },
  masterSecretRotationProblems: {
    fn: masterSecretRotationProblems,
    example: {
      secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:data-aurora/master",
      secretKmsKeyArn: KEY,
      region: "us-east-1",
      vpcId: "vpc-use1",
      subnetIds: ["subnet-a", "subnet-b"],
      databaseSecurityGroupId: "sg-db",
      port: 5432,
      days: 30,
    },
    opaque: [/^(secretArn|secretKmsKeyArn|vpcId|subnetIds|databaseSecurityGroupId)/],
  },
  dataKeyProblems: {
    fn: dataKeyProblems,
    example: { environment: "prod", purpose: "data tier in us-east-1", deletionWindowDays: 30, protect: true },
    optional: [/^(deletionWindowDays|protect)$/],
  },
  dataAlarmsProblems: {
    fn: dataAlarmsProblems,
    example: {
      regions: plainRegions,
      topicArns: { "us-east-1": "arn:aws:sns:us-east-1:123456789012:alarms", "us-west-2": "arn:aws:sns:us-west-2:123456789012:alarms" },
      thresholds: { replicationLagSeconds: 30, replicationLagPeriods: 1, s3ReplicationLatencySeconds: 900 },
      headroom: { cpuPercent: 80, freeableMemoryBytes: 1073741824, freeLocalStorageBytes: 4294967296, cacheMemoryPercent: 80, pendingReplicationOperations: 1000 },
      auroraClusters: [
        { region: "us-east-1", role: "primary", clusterIdentifier: "data-use1" },
        { region: "us-west-2", role: "secondary", clusterIdentifier: "data-usw2" },
      ],
      redisGroups: [{ region: "us-east-1", role: "primary", replicationGroupId: "data-use1", memberClusterIds: ["data-use1-001", "data-use1-002"] }],
      replicationRoutes: [{ sourceRegion: "us-east-1", destinationRegion: "us-west-2", sourceBucket: "backup-use1", destinationBucket: "backup-usw2", ruleId: "to-usw2" }],
      backupVault: { region: "us-east-1", vaultName: "data-use1", copies: true },
    },
    opaque: [REGION_INPUTS, /^topicArns\./, /\.(clusterIdentifier|sourceBucket|destinationBucket|vaultName)$/],
    optional: [/^(topicArns|headroom|backupVault)$/, /^headroom\.\w+$/, /^backupVault\.copies$/],
  },
};

describeFieldMutations(cases);
