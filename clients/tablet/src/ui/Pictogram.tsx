/** Inline SVG icons (24×24, stroke = currentColor). Decorative by default (aria-hidden). */
import type { JSX } from 'preact';

const PATHS: Record<string, string> = {
  cross: 'M6 6l12 12M18 6L6 18',
  'cross-double': 'M3 7l7 10M10 7L3 17M14 7l7 10M21 7l-7 10',
  equal: 'M5 9h14M5 15h14',
  check: 'M4 12.5l5 5L20 6.5',
  'check-double': 'M1.5 12.5l4.5 4.5L15 7M9 15.5l1.5 1.5L22.5 7',
  pass: 'M5 12h12M13 7l5 5-5 5M20 5v14',
  online: 'M12 20h.01M8.5 16.5a5 5 0 0 1 7 0M5 13a10 10 0 0 1 14 0M1.5 9.5a15 15 0 0 1 21 0',
  offline: 'M12 20h.01M8.5 16.5a5 5 0 0 1 7 0M5 13a10 10 0 0 1 5-2.7M1.5 9.5a15 15 0 0 1 6-3.3M3 3l18 18',
  connecting: 'M21 12a9 9 0 1 1-3-6.7M21 4v5h-5',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 3',
  pause: 'M8 5v14M16 5v14',
  play: 'M7 4l13 8-13 8z',
  stop: 'M6 6h12v12H6z',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0',
  users: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21a7 7 0 0 1 14 0M16 3.5a4 4 0 0 1 0 7.5M18 14a7 7 0 0 1 4 7',
  star: 'M12 3l2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z',
  pencil: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  send: 'M3 11l18-8-8 18-2-8z',
  note: 'M5 3h14v13l-5 5H5zM14 21v-5h5M8 8h8M8 12h5',
  pin: 'M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21zM12 12a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  ballot: 'M4 10h16v10H4zM8 10V4h8v6M10 7l1.5 1.5L14 6',
  chart: 'M4 20V10M10 20V4M16 20v-7M22 20H2',
  problem: 'M12 3L2 20h20zM12 10v4M12 17h.01',
  idea: 'M9 18h6M10 21h4M12 3a6 6 0 0 0-3.5 10.9c.6.5 1 1.2 1 2.1h5c0-.9.4-1.6 1-2.1A6 6 0 0 0 12 3z',
  globe: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18',
  table: 'M12 15a8 3 0 1 0 0-6 8 3 0 0 0 0 6zM6 14.5V20M18 14.5V20M12 15v5',
  hourglass: 'M6 3h12M6 21h12M7 3c0 5 10 5 10 9s-10 4-10 9M17 3c0 5-10 5-10 9s10 4 10 9',
  info: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 11v6M12 7.5h.01',
  warning: 'M12 3L2 20h20zM12 10v4M12 17h.01',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  qr: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2v2h-2zM18 18h2v2h-2zM14 18h2M18 14h2',
  download: 'M12 4v11M7 10l5 5 5-5M4 20h16',
  eye: 'M1.5 12S5.5 5 12 5s10.5 7 10.5 7-4 7-10.5 7S1.5 12 1.5 12zM12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  'eye-off': 'M3 3l18 18M10.6 5.1A10 10 0 0 1 12 5c6.5 0 10.5 7 10.5 7a17 17 0 0 1-3 3.8M6.2 6.2A17 17 0 0 0 1.5 12S5.5 19 12 19a10 10 0 0 0 4.2-.9M9.9 9.9a3 3 0 0 0 4.2 4.2',
  merge: 'M6 3v6a6 6 0 0 0 6 6h6M14 11l4 4-4 4M6 21v-6',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  arrow: 'M5 12h14M13 6l6 6-6 6',
  shuffle: 'M3 7h4l10 10h4M3 17h4l3-3M14 10l3-3h4M18 4l3 3-3 3M18 14l3 3-3 3',
  home: 'M3 11l9-8 9 8M5 9.5V21h14V9.5',
  'table-grid': 'M3 5h18v14H3zM3 10h18M3 15h18M9 5v14',
};

export type PictogramName = keyof typeof PATHS | string;

export function Pictogram(props: {
  name: PictogramName;
  size?: number;
  /** if given, the icon is announced with this text (role="img"), else it is decorative */
  title?: string;
  class?: string;
  strokeWidth?: number;
}): JSX.Element {
  const { name, size = 24, title, strokeWidth = 2.2 } = props;
  const d = PATHS[name] ?? PATHS.info;
  const a11y = title ? { role: 'img' as const, 'aria-label': title } : { 'aria-hidden': 'true' as const };
  return (
    <svg
      class={`mk-icon ${props.class ?? ''}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill={name === 'star' ? 'currentColor' : 'none'}
      stroke="currentColor"
      stroke-width={strokeWidth}
      stroke-linecap="round"
      stroke-linejoin="round"
      focusable="false"
      {...a11y}
    >
      <path d={d} />
    </svg>
  );
}

export const PICTOGRAMS = Object.keys(PATHS);
