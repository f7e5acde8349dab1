import { PILOT_ROLE_LIST } from '../constants';
import { useI18n } from '../i18n';
import type { PilotRole } from '../types';
import { ChoiceSelect } from './ui';

/** A choice of the role someone has in a pilot. */
export function PilotRoleSelect({ id, value, onChange, disabled }: { id: string; value: PilotRole; onChange: (role: PilotRole) => void; disabled?: boolean }) {
  const { t } = useI18n();
  return <ChoiceSelect id={id} value={value} options={PILOT_ROLE_LIST} label={(r) => t(`role.${r}`)} onChange={onChange} disabled={disabled} />;
}
