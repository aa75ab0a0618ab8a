/**
 * Keeps the keyboard user's place in the console (RGAA 12.8). Buttons that stop making sense stay
 * focusable (aria-disabled, see kit.tsx `Action`), but some controls leave the page after their
 * action: a statement published leaves the moderation queue, an adopted vœu closes the consent
 * card, an objection answered loses its buttons. Focus would then fall to <body>; instead it goes
 * to the item that took the lost one's place in its list, else the item before it, else the
 * heading of the nearest card or section that is still there.
 */
import { useEffect } from 'preact/hooks';

const FOCUSABLE = 'button, [href], input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/** Where focus was: the element, the list item around it and that item's neighbours, and the
 *  element's ancestors up to the root (nearest first). */
interface Place {
  target: HTMLElement;
  item: HTMLElement | null;
  next: Element | null;
  previous: Element | null;
  ancestors: HTMLElement[];
}

function placeOf(target: HTMLElement, root: HTMLElement): Place {
  const item = target.closest('li');
  const ancestors: HTMLElement[] = [];
  for (let node = target.parentElement; node && node !== root; node = node.parentElement) ancestors.push(node);
  ancestors.push(root);
  return {
    target,
    item: item && root.contains(item) ? item : null,
    next: item?.nextElementSibling ?? null,
    previous: item?.previousElementSibling ?? null,
    ancestors,
  };
}

function firstFocusable(within: Element): HTMLElement | null {
  return within.querySelector<HTMLElement>(FOCUSABLE);
}

/** The heading that names a card or a section (its own, not one of a nested card). */
function headingOf(container: HTMLElement): HTMLElement | null {
  for (const child of Array.from(container.children)) {
    if (/^H[2-4]$/.test(child.tagName)) return child as HTMLElement;
  }
  return null;
}

/** Where focus should go now that `place.target` has left the page. */
export function fallbackFocus(place: Place): HTMLElement | null {
  if (place.item && !place.item.isConnected) {
    for (const neighbour of [place.next, place.previous]) {
      const control = neighbour?.isConnected ? firstFocusable(neighbour) : null;
      if (control) return control;
    }
  }
  for (const ancestor of place.ancestors) {
    if (!ancestor.isConnected) continue;
    if (ancestor === place.item) {
      const control = firstFocusable(ancestor);
      if (control) return control;
    }
    const heading = headingOf(ancestor);
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
      return heading;
    }
  }
  return null;
}

/** Watch `root` (the console's <main>): when the focused control is removed, move focus. */
export function useFocusKeeper(root: () => HTMLElement | null): void {
  useEffect(() => {
    const element = root();
    if (!element) return;
    let place: Place | null = null;
    const onFocusIn = (e: FocusEvent) => {
      if (e.target instanceof HTMLElement) place = placeOf(e.target, element);
    };
    const observer = new MutationObserver(() => {
      if (!place || place.target.isConnected) return;
      const active = document.activeElement;
      if (active && active !== document.body && active !== document.documentElement) return;
      const next = fallbackFocus(place);
      place = null;
      next?.focus();
    });
    element.addEventListener('focusin', onFocusIn);
    observer.observe(element, { childList: true, subtree: true });
    return () => {
      element.removeEventListener('focusin', onFocusIn);
      observer.disconnect();
    };
  }, []);
}
