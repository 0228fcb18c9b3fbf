/**
 * The widget's catalogues, from one module so that the bundle keeps them side by side: the
 * strings it shares with the console (common.ts), its own (widget.ts) and the transcript's.
 * Imported where each was used, socket.io-client came between them, further apart than
 * gzip's 32 KB window, and what they have in common (each language's words, the keys'
 * names) was compressed once per catalogue: 207 bytes of the widget gzipped. main.ts
 * imports this module first, which puts the catalogues ahead of all code rather than
 * between the shared components and the stylesheet whose classes they name: 197 more.
 */
export { common } from '../shared/i18n/common.js';
export { transcriptStrings } from '../shared/i18n/transcript.js';
export { widgetStrings } from '../shared/i18n/widget.js';
