/**
 * How each category of a result chart is told apart besides its colour (RGAA 3.1): a pattern drawn
 * over the colour in the segment and in its legend swatch (hatching, stripes, dots, or plain), and
 * a pictogram (the five positions and « Je passe ») or a letter (the seven grades) written in the
 * segment when it is wide enough. Greyscale and forced colours keep the patterns (styles.css,
 * « charts »). The report draws the same grade patterns in SVG (session_engine/report/html.py).
 */
import type { PositionKey } from '../state';
import { positionIcon } from './PositionScale';

export type Pattern = 'cross' | 'back' | 'horiz' | 'vert' | 'diag' | 'dots' | 'plain';

/** One pattern per position, all different (−2 cross-hatched … +2 plain, « Je passe » dotted). */
export const POSITION_PATTERNS: Readonly<Record<PositionKey, Pattern>> = {
  '-2': 'cross',
  '-1': 'back',
  '0': 'horiz',
  '1': 'vert',
  '2': 'plain',
  pass: 'dots',
};

/** One pattern per grade, 0 (À rejeter) to 6 (Excellent), all different. */
export const GRADE_PATTERNS: readonly Pattern[] = ['cross', 'back', 'horiz', 'dots', 'vert', 'diag', 'plain'];

/** The classes of a position's segment or swatch: its colour and its pattern. */
export function positionClass(key: PositionKey): string {
  const colour = key === 'pass' ? 'pass' : String(Number(key) + 2);
  return `mk-posc-${colour} mk-pat-${POSITION_PATTERNS[key]}`;
}

/** The classes of a grade's segment or swatch: its colour and its pattern. */
export function gradeClass(grade: number): string {
  return `mk-grade-${grade} mk-pat-${GRADE_PATTERNS[grade] ?? 'plain'}`;
}

/** The pictogram of a position (the one on its button). */
export function positionPictogram(key: PositionKey): string {
  return positionIcon(key);
}

/** "45 %" with the narrow no-break space of French, "45%" in English. */
export function share(n: number, total: number, french: boolean): string {
  const pct = total ? Math.round((100 * n) / total) : 0;
  return french ? `${pct}\u202f%` : `${pct}%`;
}
