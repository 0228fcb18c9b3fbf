/**
 * The widget's stylesheet: its own rules, then the attachments' shared with the console
 * (web/shared/ui/attachments.css). One module for both, so the bundle keeps the two texts
 * side by side, where gzip finds what they have in common.
 */
import attachmentsCss from '../shared/ui/attachments.css';
import widgetCss from './widget.css';

export const css = `${widgetCss}\n${attachmentsCss}`;
