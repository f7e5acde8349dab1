import { useI18n } from '../../app/i18n';
import type { EditionStatus } from '../../../../db/shared/newsletter';

export function StatusBadge({ status }: { status: EditionStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge nl-status nl-status-${status}`} data-status={status}>
      {t(`news.status.${status}`)}
    </span>
  );
}
