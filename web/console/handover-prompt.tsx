/**
 * Asks before a handed-over token (URL fragment, or the admin panel's postMessage) signs
 * this tab in as someone: shows whom the token names, and whom it would replace.
 */
import { isSuperAdmin } from '../../src/auth/roles.js';
import { actorOf } from '../shared/actor.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import type { Identity } from '../shared/types.js';
import { sentence } from '../shared/ui/isolated.js';
import { useFocusOnOpen } from '../shared/use-focus.js';

interface Props {
  offered: Identity;
  current: Identity | undefined;
  c: Translate<ConsoleKey>;
  onAccept(): void;
  onDecline(): void;
}

export function HandoverPrompt({ offered, current, c, onAccept, onDecline }: Props) {
  const role = c(isSuperAdmin(actorOf(offered)) ? 'roleSuperadmin' : 'roleAdmin');
  const names = { name: offered.name, id: offered.id, current: current?.name ?? '' };
  // The safe answer has the focus: Enter on a surprise prompt changes nothing.
  const decline = useFocusOnOpen<HTMLButtonElement>(offered);
  return (
    <div
      class="handover"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="handover-title"
      aria-describedby="handover-who"
      data-offered-id={offered.id}
    >
      <h2 id="handover-title">{c(current ? 'handoverSwitchTitle' : 'handoverTitle')}</h2>
      <p id="handover-who">
        {sentence(c(current ? 'handoverSwitch' : 'handoverFresh', { role }), names)}
      </p>
      <div class="handover__buttons">
        <button type="button" class="button" data-handover="accept" onClick={onAccept}>
          {sentence(c('handoverAccept'), names)}
        </button>
        <button
          ref={decline}
          type="button"
          class="button button--plain"
          data-handover="decline"
          onClick={onDecline}
        >
          {current ? sentence(c('handoverStay'), names) : c('cancel')}
        </button>
      </div>
    </div>
  );
}
