import { useEffect, useEffectEvent, useId, useRef, type ReactNode } from 'react';
import { useI18n } from '../app/i18n';
import { FormError } from './ui';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  /** Element id to focus first; otherwise the first field. */
  initialFocus?: string;
}

/** A modal dialog on the native <dialog>: focus stays inside, Esc closes, focus returns on close. */
export function Dialog({ title, onClose, children, footer, wide, initialFocus }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { t } = useI18n();
  const close = useEffectEvent(() => onClose());
  const firstField = useEffectEvent((dialog: HTMLDialogElement) =>
    initialFocus
      ? document.getElementById(initialFocus)
      : dialog.querySelector<HTMLElement>('.dialog-body input, .dialog-body select, .dialog-body textarea, .dialog-body button'),
  );

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    firstField(dialog)?.focus();
    const onCancel = (event: Event) => {
      event.preventDefault();
      close();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className={wide ? 'dialog dialog-wide' : 'dialog'} aria-labelledby={titleId}>
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={t('common.close')} title={t('common.closeEsc')}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="dialog-body">{children}</div>
      {footer ? <div className="dialog-footer">{footer}</div> : null}
    </dialog>
  );
}

interface DialogFooterProps {
  onCancel: () => void;
  /** Id of the form the main button submits; without it the button runs onConfirm. */
  form?: string;
  onConfirm?: () => void;
  label: string;
  busy?: boolean;
  /** Shown on the main button while busy; common.saving unless given. */
  busyLabel?: string;
  disabled?: boolean;
  danger?: boolean;
  id?: string;
  cancelId?: string;
}

/** The cancel and main buttons at the bottom of a dialog. */
export function DialogFooter({ onCancel, form, onConfirm, label, busy, busyLabel, disabled, danger, id, cancelId }: DialogFooterProps) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" id={cancelId} className="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button
        id={id}
        type={form ? 'submit' : 'button'}
        form={form}
        className={danger ? 'button button-danger' : 'button button-primary'}
        onClick={onConfirm}
        disabled={busy || disabled}
      >
        {busy ? (busyLabel ?? t('common.saving')) : label}
      </button>
    </>
  );
}

interface ConfirmProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, message, confirmLabel, danger, busy, error, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      initialFocus="confirm-cancel"
      footer={<DialogFooter cancelId="confirm-cancel" onCancel={onCancel} onConfirm={onConfirm} label={confirmLabel} busyLabel={confirmLabel} busy={busy} danger={danger} />}
    >
      <FormError message={error} />
      <div className="confirm-message">{message}</div>
    </Dialog>
  );
}
