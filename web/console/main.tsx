/** The console's entry point (a module script; the page has no inline script or style). */
import { render } from 'preact';
import { ConsoleApp } from './app.js';

const root = document.getElementById('app');
if (root) render(<ConsoleApp />, root);
