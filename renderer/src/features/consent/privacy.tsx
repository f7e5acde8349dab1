import { useState } from 'react';
import type {
  AvgRequestChannel,
  AvgRequestKind,
  AvgRequestStatus,
  ConsentMethod,
  LawfulBasis,
  SubscriptionStatus,
  SuppressionReason,
  UnsubscribeChannel,
} from '../../../../electron/commands/contract';
import { useI18n, type MessageKey } from '../../app/i18n';
import { TextField } from '../../ui/ui';
import './consent.css';

// Runtime copies of the consent vocabulary (the renderer imports only types from the contract).
export const LAWFUL_BASIS_LIST = ['consent', 'public_task', 'legitimate_interest'] as const satisfies readonly LawfulBasis[];
export const CONSENT_METHOD_LIST = ['website_form', 'programme_day', 'business_card', 'email', 'phone', 'import'] as const satisfies readonly ConsentMethod[];
/** The ways a person can ask to be taken off by hand (the unsubscribe link records itself). */
export const HAND_UNSUBSCRIBE_CHANNELS = ['email', 'phone', 'in_person', 'letter'] as const satisfies readonly UnsubscribeChannel[];
export const AVG_KIND_LIST = ['access', 'correction', 'erasure', 'objection', 'portability'] as const satisfies readonly AvgRequestKind[];
export const AVG_STATUS_LIST = ['open', 'in_progress', 'done', 'refused'] as const satisfies readonly AvgRequestStatus[];
export const AVG_CHANNEL_LIST = ['email', 'phone', 'in_person', 'letter', 'website'] as const satisfies readonly AvgRequestChannel[];

const ACTOR_KEY = 'schakel.actor';

function storedActor(): string {
  try {
    return localStorage.getItem(ACTOR_KEY) ?? '';
  } catch {
    return '';
  }
}

/** The staff member's name for the ledger: remembered in this browser, asked once. */
export function useActor(): [string, (name: string) => void, () => void] {
  const [actor, setActor] = useState(storedActor);
  const remember = () => {
    try {
      if (actor.trim()) localStorage.setItem(ACTOR_KEY, actor.trim());
    } catch {
      // storage unavailable: asked again next time
    }
  };
  return [actor, setActor, remember];
}

/** The name field of an action that must say who did it: checked before saving, remembered once used. */
export function useRequiredActor(id: string) {
  const { t } = useI18n();
  const [actor, setActor, rememberActor] = useActor();
  const [error, setError] = useState<string | undefined>(undefined);
  /** False, with the field marked and focused, when no name is filled in; otherwise clears the mark and remembers the name. */
  const check = () => {
    if (!actor.trim()) {
      setError(t('privacy.actorRequired'));
      document.getElementById(id)?.focus();
      return false;
    }
    setError(undefined);
    rememberActor();
    return true;
  };
  return { actor, check, field: { id, value: actor, onChange: setActor, error } };
}

export function ActorField({ id, value, onChange, error }: { id: string; value: string; onChange: (v: string) => void; error?: string }) {
  const { t } = useI18n();
  return (
    <TextField
      id={id}
      fieldClass="field-narrow-wide"
      label={t('privacy.actor')}
      value={value}
      onChange={onChange}
      autoComplete="name"
      maxLength={100}
      error={error}
      hint={t('privacy.actorHint')}
    />
  );
}

export function localToday(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Now, for an <input type="datetime-local">. */
export function localNow(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${localToday()}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO instant; undefined when empty or unreadable. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Saves text as a file through the browser's download. */
export function downloadText(fileName: string, text: string, type: string): void {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A proof or data export: the readable HTML and the complete JSON, as two files. */
export function downloadDocument(doc: { fileName: string; html: string; json: string }): void {
  downloadText(`${doc.fileName}.html`, doc.html, 'text/html;charset=utf-8');
  downloadText(`${doc.fileName}.json`, doc.json, 'application/json;charset=utf-8');
}

export function formatBytes(bytes: number, lang: 'nl' | 'en'): string {
  const locale = lang === 'nl' ? 'nl-NL' : 'en-GB';
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(n)} ${units[u]}`;
}

export function StatusBadge({ status }: { status: SubscriptionStatus }) {
  const { t } = useI18n();
  return <span className={`badge status-${status}`}>{t(`subscription.${status}`)}</span>;
}

export function suppressionText(reason: SuppressionReason): MessageKey {
  return `suppression.${reason}`;
}

/** Labels for the counts in an erasure preview or result; unknown keys show as they are. */
const COUNT_KEYS: Record<string, MessageKey> = {
  register: 'erase.count.register',
  addresses: 'erase.count.addresses',
  consentEvents: 'erase.count.consentEvents',
  subscriptions: 'erase.count.subscriptions',
  interactions: 'erase.count.interactions',
  avgRequests: 'erase.count.avgRequests',
  mailings: 'erase.count.mailings',
  testMailbox: 'erase.count.testMailbox',
};

export function CountList({ counts }: { counts: Record<string, number> }) {
  const { t, formatNumber } = useI18n();
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (!entries.length) return <p className="muted">{t('erase.nothing')}</p>;
  return (
    <ul className="count-list">
      {entries.map(([key, n]) => (
        <li key={key}>
          <span>{COUNT_KEYS[key] ? t(COUNT_KEYS[key]) : key}</span>
          <span className="count-value">{formatNumber(n)}</span>
        </li>
      ))}
    </ul>
  );
}

/** A short phrase for where consent came from or how a way out reached us. */
export function sourceKey(source: string): MessageKey {
  const known: Record<string, MessageKey> = {
    website_form: 'source.website_form',
    programme_day: 'source.programme_day',
    business_card: 'source.business_card',
    email: 'source.email',
    phone: 'source.phone',
    import: 'source.import',
    in_person: 'source.in_person',
    letter: 'source.letter',
    unsubscribe_link: 'source.unsubscribe_link',
    register: 'source.register',
    bounce: 'source.bounce',
    complaint: 'source.complaint',
    retention: 'source.retention',
    avg_request: 'source.avg_request',
    staff: 'source.staff',
  };
  return known[source] ?? 'source.staff';
}
