/** The order of ids as the engine keeps it: natural order (seating.py `_natural_key`), the key of a
 *  pair of participants, and the number inside an id like "s12". */

/** The key of the pair {a, b} in `pair_counts`: the two ids in natural order ("p9|p10"), as
 *  session_engine/seating.py pair_key, so events applied here give the snapshot's keys. */
export function pairKey(a: string, b: string): string {
  return compareNatural(a, b) <= 0 ? `${a}|${b}` : `${b}|${a}`;
}

/** seating.py `_natural_key` order: runs of digits compare as numbers, the rest as text;
 *  on a tie the raw text decides (so "p02" and "p2" stay apart). */
export function compareNatural(a: string, b: string): number {
  const partsA = a.split(/(\d+)/);
  const partsB = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(partsA.length, partsB.length); i++) {
    const x = partsA[i]!;
    const y = partsB[i]!;
    // split() puts the digit runs at the odd positions.
    const order = i % 2 ? Number(x) - Number(y) : compareText(x, y);
    if (order !== 0) return order;
  }
  return partsA.length - partsB.length || compareText(a, b);
}

/** Code-point order, as Python compares str. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The numeric part of an id like "s12" or "p3". */
export function idNumber(id: string): number {
  const n = parseInt(id.replace(/^\D+/, ''), 10);
  return Number.isFinite(n) ? n : 0;
}
