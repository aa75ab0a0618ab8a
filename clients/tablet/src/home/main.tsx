/** Entry of the home page (/): create a session. */
import { render } from 'preact';
import '../ui/styles.css';
import './home.css';
import { Home } from './Home';

render(<Home />, document.getElementById('app')!);
