/**
 * The top bar's availability: Available / Away (the server remembers the choice) and the
 * admin's load against their maxChats ("3 / 5").
 */
import { useState } from 'preact/hooks';
import { AVAILABILITIES, type Availability } from '../../src/schemas/vocabulary.js';
import type { ChatClient } from '../shared/client.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import type { Agent } from '../shared/types.js';
import { loadOf } from './format.js';

interface Props {
  client: ChatClient;
  mine: Agent | undefined;
  onUpdated(agent: Agent): void;
  c: Translate<ConsoleKey>;
}

export function AvailabilityToggle({ client, mine, onUpdated, c }: Props) {
  const [failed, setFailed] = useState(false);
  if (!mine) return null;
  const choose = (status: Availability) => {
    setFailed(false);
    client.emit('set-availability', { status }).then(
      (ack) => onUpdated(ack.agent),
      () => setFailed(true),
    );
  };
  return (
    <div class="availability" data-availability={mine.availability}>
      <fieldset class="availability__choice">
        <legend class="visually-hidden">{c('availability')}</legend>
        {AVAILABILITIES.map((status) => (
          <button
            key={status}
            type="button"
            class="tab"
            data-status={status}
            aria-pressed={mine.availability === status}
            onClick={() => choose(status)}
          >
            {c(status === 'available' ? 'availabilityAvailable' : 'availabilityAway')}
          </button>
        ))}
      </fieldset>
      <span class="availability__load" data-load={`${mine.activeChats}/${mine.maxChats}`}>
        <span class="visually-hidden">{c('agentLoad')} </span>
        {loadOf(mine)}
      </span>
      {failed ? (
        <span class="availability__failed" role="alert">
          {c('availabilityFailed')}
        </span>
      ) : null}
    </div>
  );
}
