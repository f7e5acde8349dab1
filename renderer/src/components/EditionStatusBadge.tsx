import type { EditionStatus } from '../../../db/services/newsletter-model';
import { useI18n } from '../i18n';

export function StatusBadge({ status }: { status: EditionStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge nl-status nl-status-${status}`} data-status={status}>
      {t(`news.status.${status}`)}
    </span>
  );
}
