/**
 * Config keys the stack does not read are mistakes, not extras: `natGateway` for `natGateways` would otherwise be
 * ignored and the default used silently. Every key of the stack's namespace must be one the program reads; an unknown
 * one is a problem naming the closest known key.
 */
import type { Problem } from "../components/shared/validation";

/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key closest to `key`, when it is close enough to be a typo (at most a third of its length away). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (!best || d < best.d) best = { key: candidate, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

/**
 * One problem per key of `namespace` in `allConfig` (fully qualified keys, as `pulumi.runtime.allConfig()` returns
 * them; `--path` entries such as `ns:services[0].name` count as their top-level key) that is not in `known`.
 */
export function unknownKeyProblems(allConfig: Readonly<Record<string, unknown>>, namespace: string, known: readonly string[]): Problem[] {
  const problems: Problem[] = [];
  const prefix = `${namespace}:`;
  for (const full of Object.keys(allConfig).sort()) {
    if (!full.startsWith(prefix)) continue;
    const key = full.slice(prefix.length).split(/[.[]/)[0];
    if (known.includes(key)) continue;
    const guess = closestKey(key, known);
    problems.push({
      property: full,
      value: allConfig[full],
      rule: `a key this stack reads (${known.join(", ")})`,
      fix: guess
        ? `did you mean ${namespace}:${guess}? pulumi config rm ${full} && pulumi config set ${namespace}:${guess} <value>`
        : `remove it (pulumi config rm ${full}) or check the key's spelling in docs/config.md`,
    });
  }
  return problems;
}
