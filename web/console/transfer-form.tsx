/** Pick the admin to transfer a chat to: one seen recently, or any id and name typed in. */
import { useState } from 'preact/hooks';
import { isolated } from '../shared/bidi.js';
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';

interface Props {
  admins: Readonly<Record<string, string>>;
  c: Translate<ConsoleKey>;
  onTransfer(toAdminId: string, toAdminName: string): void;
  onCancel(): void;
}

export function TransferForm({ admins, c, onTransfer, onCancel }: Props) {
  const [picked, setPicked] = useState('');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const targetId = id.trim() || picked;
  const targetName = id.trim() ? name.trim() || id.trim() : (admins[picked] ?? picked);
  return (
    <form
      class="transfer"
      aria-labelledby="transfer-title"
      onSubmit={(e) => {
        e.preventDefault();
        if (targetId) onTransfer(targetId, targetName);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <h3 id="transfer-title">{c('transferTitle')}</h3>
      <label>
        {c('transferPick')}
        <select value={picked} onChange={(e) => setPicked(e.currentTarget.value)}>
          <option value="">{c('transferPickNone')}</option>
          {Object.entries(admins).map(([adminId, adminName]) => (
            <option key={adminId} value={adminId}>
              {/* An option holds only text: the names are isolated in the string. */}
              {isolated(adminName)} ({isolated(adminId)})
            </option>
          ))}
        </select>
      </label>
      <p class="transfer__or">{c('transferOrType')}</p>
      <label>
        {c('transferAdminId')}
        <input
          name="toAdminId"
          value={id}
          maxLength={100}
          onInput={(e) => setId(e.currentTarget.value)}
        />
      </label>
      <label>
        {c('transferAdminName')}
        <input
          name="toAdminName"
          value={name}
          maxLength={200}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </label>
      <div class="transfer__buttons">
        <button type="submit" class="button" disabled={!targetId}>
          {c('transferSubmit')}
        </button>
        <button type="button" class="button button--plain" onClick={onCancel}>
          {c('cancel')}
        </button>
      </div>
    </form>
  );
}
