/**
 * The widget bundle. Loaded by /widget.js (the short-cached loader), which copies the host
 * page's `data-*` attributes onto this script: defines <fastorika-chat> and adds one to
 * the page, unless the page placed its own.
 */
// First, for its place in the bundle: the catalogues ahead of all code (see strings.ts).
import './strings.js';
import { FastorikaChat } from './element.js';

const TAG = 'fastorika-chat';
const current = document.currentScript;
const script = current instanceof HTMLScriptElement ? current : null;
if (script?.src) FastorikaChat.defaultServer = new URL(script.src).origin;
if (!customElements.get(TAG)) customElements.define(TAG, FastorikaChat);

function mount(): void {
  if (!script || script.dataset.mount === 'none' || document.querySelector(TAG)) return;
  const el = document.createElement(TAG);
  const names: Record<string, string> = {
    server: 'server',
    token: 'token',
    userId: 'user-id',
    userName: 'user-name',
    lang: 'lang',
    transports: 'transports',
  };
  for (const [key, attr] of Object.entries(names)) {
    const value = script.dataset[key];
    if (value) el.setAttribute(attr, value);
  }
  document.body.append(el);
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount, { once: true });
