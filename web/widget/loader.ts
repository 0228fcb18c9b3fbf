/**
 * /widget.js: a few hundred bytes, cached for minutes, that load the content-hashed widget
 * bundle (cached for a year). It passes on the host page's `data-*` attributes and the
 * script's CSP nonce, if the page uses one.
 */
declare const WIDGET_BUNDLE: string;

(() => {
  const me = document.currentScript;
  if (!(me instanceof HTMLScriptElement) || !me.src) return;
  const bundle = document.createElement('script');
  bundle.src = new URL(WIDGET_BUNDLE, me.src).href;
  bundle.async = true;
  if (me.nonce) bundle.nonce = me.nonce;
  for (const [key, value] of Object.entries(me.dataset)) {
    if (value !== undefined) bundle.dataset[key] = value;
  }
  me.after(bundle);
})();
