import { PILOT_ROLE_LIST } from '../../app/constants';
import { useI18n } from '../../app/i18n';
import type { PilotRole } from '../../app/types';
import { ChoiceSelect } from '../../ui/ui';

/** A choice of the role someone has in a pilot. */
export function PilotRoleSelect({ id, value, onChange, disabled }: { id: string; value: PilotRole; onChange: (role: PilotRole) => void; disabled?: boolean }) {
  const { t } = useI18n();
  return <ChoiceSelect id={id} value={value} options={PILOT_ROLE_LIST} label={(r) => t(`role.${r}`)} onChange={onChange} disabled={disabled} />;
}
