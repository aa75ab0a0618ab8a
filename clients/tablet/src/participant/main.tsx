/** Entry of /j/{code}: the participant's tablet. */
import { render } from 'preact';
import '../ui/styles.css';
import './participant.css';
import { App } from './App';

render(<App />, document.getElementById('app')!);
