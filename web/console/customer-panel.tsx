/**
 * The customer's context beside the chat: what the backend that signed the user's token
 * said of them (the `ctx` claim, shown to admins only): its plain fields as a list, and
 * `recentTransactions` as a small table. Every value is shown as text, whatever it holds.
 */
import type { ConsoleKey } from '../shared/i18n/console.js';
import type { Translate } from '../shared/i18n/index.js';
import { Isolated } from '../shared/ui/isolated.js';

interface Props {
  ctx: Readonly<Record<string, unknown>>;
  c: Translate<ConsoleKey>;
}

const COLUMNS = ['id', 'amount', 'currency', 'status', 'at'] as const;

const asText = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function CustomerPanel({ ctx, c }: Props) {
  const { recentTransactions, ...fields } = ctx;
  const transactions = Array.isArray(recentTransactions) ? recentTransactions.filter(isRecord) : [];
  return (
    <details class="customer" open data-testid="customer">
      <summary>{c('customerTitle')}</summary>
      <dl class="customer__fields">
        {Object.entries(fields).map(([key, value]) => (
          <div key={key}>
            <dt>
              <Isolated text={key} />
            </dt>
            <dd>
              <Isolated text={asText(value)} />
            </dd>
          </div>
        ))}
      </dl>
      {transactions.length > 0 ? (
        <table class="customer__transactions">
          <caption>{c('customerTransactions')}</caption>
          <thead>
            <tr>
              {COLUMNS.map((col) => (
                <th key={col} scope="col">
                  {col}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {transactions.map((tx, i) => (
              <tr key={asText(tx.id) || String(i)}>
                {COLUMNS.map((col) => (
                  <td key={col}>
                    <Isolated text={asText(tx[col])} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}
