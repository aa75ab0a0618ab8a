/** A word explained in plain words, on demand: a button (« ? », or the question itself) that
 *  shows or hides a short explanation just below. It works by touch and keyboard alike; nothing
 *  is shown on hover only. Put it beside the first place the word appears. */
import { useState } from 'preact/hooks';

export function Explain(props: {
  /** the explanation's id (unique in the page) */
  id: string;
  /** the question, e.g. « Qu’est-ce qu’un énoncé ? »: the button's name */
  question: string;
  /** the explanation, in plain words */
  text: string;
  /** show the question on the button, not only « ? » */
  wide?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        class={`mk-explain${props.wide ? ' mk-explain-wide' : ''}`}
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={props.id}
        data-testid={`explain-${props.id}`}
        onClick={() => setOpen(!open)}
      >
        {props.wide ? (
          props.question
        ) : (
          <>
            <span aria-hidden="true">?</span>
            <span class="mk-sr-only">{props.question}</span>
          </>
        )}
      </button>
      <p id={props.id} class="mk-explain-text" hidden={!open}>
        {props.text}
      </p>
    </>
  );
}
