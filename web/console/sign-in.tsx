/** The sign-in form: a token under JWT; a name and id, marked as demo mode, under AUTH_MODE=none. */
import { useState } from 'preact/hooks';
import * as LIMITS from '../../src/schemas/limits.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import type { AuthMode } from '../shared/types.js';
import { type Session, sessionFromToken, type TokenProblem } from './session.js';

/**
 * A token the page refused, the server's refusal of one, an ended session, or an expired
 * one that the admin panel framing the console is asked to renew.
 */
export type SignInProblem = TokenProblem | 'tokenRefused' | 'signedOut' | 'tokenRenewing';

interface Props {
  mode: AuthMode;
  c: Translate<ConsoleKey>;
  problem: SignInProblem | undefined;
  /** With tokenRefused: the server's own sentence, which names the rule the token broke. */
  serverSays?: string | undefined;
  signedOutText: string;
  onSignIn(s: Session): void;
}

export function SignIn({ mode, c, problem, serverSays, signedOutText, onSignIn }: Props) {
  const [token, setToken] = useState('');
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [superadmin, setSuperadmin] = useState(false);
  const [error, setError] = useState<string | undefined>(() => {
    if (problem === 'signedOut') return signedOutText;
    if (problem === 'tokenRefused' && serverSays) {
      return `${c('tokenRefused')} ${c('serverSays', { reason: serverSays })}`;
    }
    return problem ? c(problem) : undefined;
  });

  const submit = () => {
    if (mode === 'jwt') {
      const s = sessionFromToken(token);
      if (typeof s === 'string') setError(c(s));
      else onSignIn(s);
      return;
    }
    const adminId = id.trim();
    if (!adminId) return;
    onSignIn({
      identity: {
        id: adminId,
        name: name.trim() || adminId,
        role: superadmin ? 'superadmin' : 'admin',
      },
      token: undefined,
    });
  };

  return (
    <main class="sign-in">
      <h1>{c('signInTitle')}</h1>
      {mode === 'none' ? (
        <div class="demo-banner" role="note">
          <strong>{c('demoMode')}</strong> {c('demoWarning')}
        </div>
      ) : null}
      <form
        class="sign-in__form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        {mode === 'jwt' ? (
          <label>
            {c('tokenLabel')}
            <textarea
              name="token"
              rows={4}
              required
              value={token}
              aria-describedby="token-help"
              onInput={(e) => setToken(e.currentTarget.value)}
            />
            <span id="token-help" class="hint">
              {c('tokenHelp')}
            </span>
          </label>
        ) : (
          <>
            <label>
              {c('nameLabel')}
              <input
                name="name"
                autoComplete="name"
                maxLength={LIMITS.nameChars}
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </label>
            <label>
              {c('idLabel')}
              <input
                name="id"
                required
                maxLength={LIMITS.idChars}
                value={id}
                onInput={(e) => setId(e.currentTarget.value)}
              />
            </label>
            <label class="checkbox">
              <input
                type="checkbox"
                name="superadmin"
                checked={superadmin}
                onChange={(e) => setSuperadmin(e.currentTarget.checked)}
              />
              {c('superadminLabel')}
            </label>
          </>
        )}
        {error ? (
          <p class="alert" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" class="button">
          {c('signIn')}
        </button>
      </form>
    </main>
  );
}
