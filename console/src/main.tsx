import { render } from 'preact';
import { App } from './app.js';
import './style.css';

const root = document.getElementById('app')!;
// The "Loading…" line the page carries until the script runs.
root.textContent = '';
render(<App />, root);
