/** The console's root: the server's auth mode, the language, and sign-in or the workspace. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isOneOf } from '../../src/schemas/vocabulary.js';
import { common } from '../shared/i18n/common.js';
import { consoleStrings } from '../shared/i18n/console.js';
import { LANGS, type Lang, pickLang, translator } from '../shared/i18n/index.js';
import { readToken } from '../shared/token.js';
import { scheduleRefresh } from '../shared/token-refresh.js';
import { HandoverPrompt } from './handover-prompt.js';
import {
  type ConsoleConfig,
  type Handover,
  type HandoverSource,
  handoverStep,
  listenForHandover,
  loadConfig,
  postToParent,
  type Session,
  savedSession,
  saveSession,
  sessionFromToken,
  tokenFromFragment,
} from './session.js';
import { SignIn, type SignInProblem } from './sign-in.js';
import { Workspace, type WorkspaceStatus } from './workspace.js';

const LANG_KEY = 'fastorika.console.lang';

/** What the sign-in page says after the server ended the session: expired, or refused. */
function signedOutBecause(code: string | undefined): SignInProblem {
  return code === 'INVALID_TOKEN' || code === 'MISSING_TOKEN' ? 'tokenRefused' : 'signedOut';
}
const LANG_NAMES: Record<Lang, string> = { en: 'English', ru: 'Русский', uz: 'Oʻzbekcha' };

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch {
    // no storage
  }
  // The page's own lang is ours (en), so it says nothing about the admin: skip it.
  return pickLang(fromUrl, stored, ...navigator.languages);
}

export function ConsoleApp() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const t = useMemo(() => translator(common, lang), [lang]);
  const c = useMemo(() => translator(consoleStrings, lang), [lang]);
  const [config, setConfig] = useState<ConsoleConfig | undefined>(undefined);
  const [configFailed, setConfigFailed] = useState(false);
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [problem, setProblem] = useState<SignInProblem | undefined>(undefined);
  /** The server's sentence for a refused token (no key of its own says a lifetime is too long). */
  const [serverSays, setServerSays] = useState<string | undefined>(undefined);
  /** A handed-over token waiting for the admin to confirm whom they become. */
  const [offer, setOffer] = useState<Handover | undefined>(undefined);
  // The session as of now, for handovers that arrive between renders.
  const current = useRef<Session | undefined>(undefined);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = c('appTitle');
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // no storage
    }
  }, [lang, c]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () =>
      loadConfig().then(
        (cfg) => {
          setConfigFailed(false);
          setConfig(cfg);
        },
        () => {
          setConfigFailed(true);
          timer = setTimeout(attempt, 3000);
        },
      );
    void attempt();
    return () => clearTimeout(timer);
  }, []);

  const signIn = useCallback((s: Session) => {
    current.current = s;
    saveSession(s);
    setProblem(undefined);
    setOffer(undefined);
    setSession(s);
  }, []);

  const acceptToken = useCallback(
    (token: string, source: HandoverSource) => {
      const s = sessionFromToken(token);
      if (typeof s === 'string') {
        // A bad token says so on the sign-in page; it never signs anyone out.
        if (!current.current) setProblem(s);
        return;
      }
      const offered = { session: s, source };
      if (handoverStep(current.current, offered) === 'apply') signIn(s);
      else setOffer(offered);
    },
    [signIn],
  );

  useEffect(() => {
    if (!config) return;
    const saved = savedSession(config.authMode);
    current.current = saved;
    if (saved) setSession(saved);
    const handed = config.authMode === 'jwt' ? tokenFromFragment() : undefined;
    if (handed) acceptToken(handed, 'fragment');
    return config.authMode === 'jwt'
      ? listenForHandover(config, (token) => acceptToken(token, 'parent'))
      : undefined;
  }, [config, acceptToken]);

  // The admin panel that frames the console hears its state, and is asked for a fresh
  // token a while before this one expires (and again once it has).
  const report = useCallback(
    (status: WorkspaceStatus) => {
      if (config) postToParent(config, { type: 'fastorika:state', signedIn: true, ...status });
    },
    [config],
  );
  useEffect(() => {
    if (!config || session) return;
    postToParent(config, {
      type: 'fastorika:state',
      signedIn: false,
      connection: null,
      unread: 0,
      waiting: 0,
    });
  }, [config, session]);
  const expiresAt = session?.token ? readToken(session.token)?.expiresAt : undefined;
  useEffect(() => {
    if (!config || expiresAt === undefined) return;
    return scheduleRefresh(expiresAt, () =>
      postToParent(config, { type: 'fastorika:token-expired', expiresAt, expired: false }),
    );
  }, [config, expiresAt]);

  const signOut = useCallback((reason?: SignInProblem, why?: string) => {
    current.current = undefined;
    saveSession(undefined);
    setSession(undefined);
    setProblem(reason);
    setServerSays(reason === 'tokenRefused' ? why : undefined);
  }, []);

  const prompt = offer ? (
    <HandoverPrompt
      offered={offer.session.identity}
      current={session?.identity}
      c={c}
      onAccept={() => signIn(offer.session)}
      onDecline={() => setOffer(undefined)}
    />
  ) : null;

  const languagePicker = (
    <label class="lang">
      <span class="visually-hidden">{c('language')}</span>
      <select
        value={lang}
        onChange={(e) => {
          const picked = e.currentTarget.value;
          if (isOneOf(LANGS, picked)) setLang(picked);
        }}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );

  if (!config) {
    return (
      <main class="sign-in">
        <h1>{c('appTitle')}</h1>
        <p role="status">{configFailed ? c('configFailed') : c('loadingConfig')}</p>
      </main>
    );
  }
  if (!session) {
    return (
      <>
        <div class="sign-in__lang">{languagePicker}</div>
        {prompt ? (
          <main class="sign-in">{prompt}</main>
        ) : (
          <SignIn
            key={`${problem ?? 'none'}:${serverSays ?? ''}`}
            mode={config.authMode}
            c={c}
            problem={problem}
            serverSays={serverSays}
            signedOutText={t('signedOut')}
            onSignIn={signIn}
          />
        )}
      </>
    );
  }
  return (
    <>
      {prompt}
      <Workspace
        session={session}
        attachmentMaxBytes={config.attachmentMaxBytes}
        t={t}
        c={c}
        lang={lang}
        onStatus={report}
        onSignedOut={(code, why) => {
          // Framed by a listed admin panel, an expired token is the panel's to renew: the
          // admin is told so, not asked to sign in again.
          const framed = window.parent !== window && config.parentOrigins.length > 0;
          const expired =
            code === 'TOKEN_EXPIRED' || (expiresAt !== undefined && expiresAt <= Date.now());
          if (framed && expired) {
            postToParent(config, {
              type: 'fastorika:token-expired',
              expiresAt: expiresAt ?? null,
              expired: true,
            });
            signOut('tokenRenewing');
          } else {
            signOut(signedOutBecause(code), why);
          }
        }}
        header={
          <>
            {languagePicker}
            <button type="button" class="button button--plain" onClick={() => signOut()}>
              {c('signOut')}
            </button>
          </>
        }
      />
    </>
  );
}
