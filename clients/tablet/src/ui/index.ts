export { Button, type ButtonProps, type ButtonVariant } from './Button';
export { ConnectionBadge, ConnectionIndicator } from './ConnectionIndicator';
export { Countdown, formatDuration, remainingMs } from './Countdown';
export { LiveRegion, announce } from './Live';
export { GRADES, GradeBar, GradeLegend, MeritProfile } from './MeritProfile';
export { PICTOGRAMS, Pictogram, type PictogramName } from './Pictogram';
export { PositionBars } from './PositionBars';
export { POSITIONS, PositionScale, positionIcon } from './PositionScale';
