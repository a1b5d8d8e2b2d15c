/**
 * Readiness from background loops: each reports how long it has gone without moving (see ClaimLoop.stalledMs);
 * any past the threshold makes the node not ready, with a reason a person can act on.
 */
export function stallReport(stalledMs: Record<string, number>, thresholdMs: number): string | undefined {
  const stuck = Object.entries(stalledMs).filter(([, ms]) => ms >= thresholdMs);
  if (stuck.length === 0) return undefined;
  return stuck.map(([name, ms]) => `${name}: no progress for ${Math.round(ms / 1000)} s`).join('; ');
}
