import { useState, type FormEvent } from 'react';
import type { EditionContent } from '../../../db/services/newsletter-model';
import type { TestSendResult } from '../../../electron/commands/contract';
import { ApiError, errorMessage, invoke } from '../api';
import { useI18n, type Lang } from '../i18n';
import { Dialog } from './Dialog';
import { FieldError } from './ui';

/** "Testmail": writes the edition as .eml files for one or more addresses; nothing is really sent. */
export function EditionTestSendDialog({
  editionId,
  draft,
  defaultAddress,
  onClose,
}: {
  editionId: number;
  draft: EditionContent | null;
  defaultAddress: string;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const [addresses, setAddresses] = useState(defaultAddress);
  const [languages, setLanguages] = useState<Lang[]>(['nl', 'en']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<TestSendResult | null>(null);

  const list = addresses
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setFieldError(undefined);
    setResult(null);
    if (list.length === 0) {
      setFieldError(t('news.test.addressRequired'));
      return;
    }
    if (list.length > 10) {
      setFieldError(t('news.test.tooMany'));
      return;
    }
    if (languages.length === 0) {
      setError(t('news.test.languageRequired'));
      return;
    }
    setBusy(true);
    try {
      setResult(await invoke('newsletter.testSend', { editionId, draft, addresses: list, languages }));
    } catch (err) {
      if (err instanceof ApiError && err.issues.some((i) => i.path.startsWith('addresses'))) {
        setFieldError(err.issues.filter((i) => i.path.startsWith('addresses')).map((i) => i.message).join(' '));
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('news.test.title')}
      onClose={onClose}
      initialFocus="test-addresses"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {result ? t('common.close') : t('common.cancel')}
          </button>
          <button type="submit" form="test-send-form" className="button button-primary" disabled={busy}>
            {busy ? t('news.test.busy') : t('news.test.send')}
          </button>
        </>
      }
    >
      <form id="test-send-form" className="form" onSubmit={submit} noValidate>
        <p className="muted">{t('news.test.intro')}</p>
        {error ? (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="field">
          <label className="field-label" htmlFor="test-addresses">
            {t('news.test.addresses')}
          </label>
          <textarea
            id="test-addresses"
            rows={2}
            value={addresses}
            onChange={(e) => setAddresses(e.target.value)}
            spellCheck={false}
            aria-invalid={fieldError ? true : undefined}
            aria-describedby={fieldError ? 'test-addresses-error test-addresses-hint' : 'test-addresses-hint'}
          />
          <FieldError id="test-addresses-error" message={fieldError} />
          <p className="hint" id="test-addresses-hint">
            {t('news.test.addressesHint')}
          </p>
        </div>
        <fieldset className="field">
          <legend className="field-label">{t('news.test.languages')}</legend>
          <div className="nl-pills">
            {(['nl', 'en'] as const).map((l) => (
              <label key={l} className={languages.includes(l) ? 'nl-pill selected' : 'nl-pill'}>
                <input
                  type="checkbox"
                  checked={languages.includes(l)}
                  onChange={() => setLanguages((ls) => (ls.includes(l) ? ls.filter((x) => x !== l) : [...ls, l]))}
                />
                {t(`language.${l}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {result ? (
          <div className="alert nl-alert-info" role="status" data-testid="test-send-result">
            <p>{result.message[lang]}</p>
          </div>
        ) : null}
      </form>
    </Dialog>
  );
}
