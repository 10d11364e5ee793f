/** One id per `jest` run, so plan outputs shared between test files are produced once per run (test/support/plans.ts). */
export default function globalSetup(): void {
  process.env.PLAN_RUN_ID = `${process.pid}-${Date.now()}`;
}
