import { useEffect, useEffectEvent, useId, useRef, useState, type KeyboardEvent } from 'react';
import { errorMessage, invoke } from '../app/api';
import { useI18n } from '../app/i18n';
import { Chip } from './ui';

export interface Option {
  id: number;
  label: string;
  detail?: string | null;
}

interface ComboboxProps {
  id?: string;
  label: string;
  /** Visually hide the label (it is still read out). */
  hideLabel?: boolean;
  placeholder?: string;
  search: (query: string) => Promise<Option[]>;
  onSelect: (option: Option) => void;
  exclude?: number[];
  describedBy?: string;
  invalid?: boolean;
}

/** A search box with a list of suggestions: type, arrow keys, Enter to pick, Esc to close the list. */
export function Combobox({ id, label, hideLabel, placeholder, search, onSelect, exclude = [], describedBy, invalid }: ComboboxProps) {
  const autoId = useId();
  const inputId = id ?? `combo-${autoId}`;
  const listId = `${inputId}-list`;
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<Option[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const excludeKey = exclude.join(',');
  const searchKey = `${query}\n${excludeKey}`;
  const [answeredKey, setAnsweredKey] = useState<string | null>(null);
  const loading = open && answeredKey !== searchKey;
  const runSearch = useEffectEvent((q: string) => search(q));

  useEffect(() => {
    if (!open) return;
    let live = true;
    const key = `${query}\n${excludeKey}`;
    const timer = window.setTimeout(() => {
      runSearch(query).then(
        (found) => {
          if (!live) return;
          const skip = new Set(excludeKey ? excludeKey.split(',').map(Number) : []);
          setOptions(found.filter((o) => !skip.has(o.id)).slice(0, 12));
          setActive(0);
          setError(null);
          setAnsweredKey(key);
        },
        (err: unknown) => {
          if (!live) return;
          setError(errorMessage(err));
          setAnsweredKey(key);
        },
      );
    }, 120);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [query, open, excludeKey]);

  const choose = (option: Option | undefined) => {
    if (!option) return;
    onSelect(option);
    setQuery('');
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open) setOpen(true);
      else setActive((a) => Math.min(a + 1, options.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (event.key === 'Enter') {
      if (open && options.length > 0) {
        event.preventDefault();
        choose(options[active]);
      }
    } else if (event.key === 'Escape') {
      if (open) {
        // Close only the list, not the dialog around it.
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      }
    }
  };

  const activeId = open && options[active] ? `${listId}-${options[active].id}` : undefined;

  return (
    <div className="combobox">
      <label htmlFor={inputId} className={hideLabel ? 'visually-hidden' : 'field-label'}>
        {label}
      </label>
      <input
        id={inputId}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        placeholder={placeholder ?? t('picker.placeholder')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onBlur={() => window.setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
      />
      {open ? (
        <ul className="combobox-list" id={listId} role="listbox" aria-label={label}>
          {error ? <li className="combobox-note">{error}</li> : null}
          {!error && !loading && options.length === 0 ? <li className="combobox-note">{t('picker.noResults')}</li> : null}
          {options.map((option, index) => (
            <li
              key={option.id}
              id={`${listId}-${option.id}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'combobox-option active' : 'combobox-option'}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(index)}
              onClick={() => choose(option)}
            >
              <span className="option-label">{option.label}</span>
              {option.detail ? <span className="option-detail">{option.detail}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

interface MultiPickerProps {
  id?: string;
  label: string;
  selected: Option[];
  onChange: (next: Option[]) => void;
  search: (query: string) => Promise<Option[]>;
  placeholder?: string;
}

/** Several chosen items as chips, plus a search box to add more. */
export function MultiPicker({ id, label, selected, onChange, search, placeholder }: MultiPickerProps) {
  const { t } = useI18n();
  return (
    <div className="picker">
      <Combobox
        id={id}
        label={label}
        placeholder={placeholder}
        search={search}
        exclude={selected.map((s) => s.id)}
        onSelect={(option) => onChange([...selected, option])}
      />
      {selected.length > 0 ? (
        <div className="chips" role="group" aria-label={label}>
          {selected.map((option) => (
            <Chip
              key={option.id}
              onRemove={() => onChange(selected.filter((s) => s.id !== option.id))}
              removeLabel={t('picker.remove', { name: option.label })}
            >
              {option.label}
            </Chip>
          ))}
        </div>
      ) : null}
    </div>
  );
}

interface SinglePickerProps {
  id?: string;
  label: string;
  value: Option | null;
  onChange: (next: Option | null) => void;
  search: (query: string) => Promise<Option[]>;
  placeholder?: string;
  error?: string;
}

/** One chosen item (or none): shown in place, with "Wijzigen" to search for another. */
export function SinglePicker({ id, label, value, onChange, search, placeholder, error }: SinglePickerProps) {
  const { t } = useI18n();
  const autoId = useId();
  const inputId = id ?? `single-${autoId}`;
  const errorId = `${inputId}-error`;
  const [changing, setChanging] = useState(false);
  const focusInput = useRef(false);

  useEffect(() => {
    if (changing && focusInput.current) {
      document.getElementById(inputId)?.focus();
      focusInput.current = false;
    }
  }, [changing, inputId]);

  if (value && !changing) {
    return (
      <div className="picker">
        <span className="field-label" id={`${inputId}-label`}>
          {label}
        </span>
        <div className="picked" role="group" aria-labelledby={`${inputId}-label`}>
          <span className="picked-name">{value.label}</span>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              focusInput.current = true;
              setChanging(true);
            }}
            aria-label={t('picker.changeLabel', { name: value.label })}
          >
            {t('picker.changeShort')}
          </button>
          <button type="button" className="link-button" onClick={() => onChange(null)} aria-label={t('picker.remove', { name: value.label })}>
            {t('common.remove')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="picker">
      <Combobox
        id={inputId}
        label={label}
        placeholder={placeholder}
        search={search}
        exclude={value ? [value.id] : []}
        onSelect={(option) => {
          setChanging(false);
          onChange(option);
        }}
        describedBy={error ? errorId : undefined}
        invalid={Boolean(error)}
      />
      {value && changing ? (
        <button type="button" className="link-button picker-cancel" onClick={() => setChanging(false)}>
          {t('picker.keep', { name: value.label })}
        </button>
      ) : null}
    </div>
  );
}

/** Search functions over the contract, shared by forms. */
export async function searchPeople(query: string): Promise<Option[]> {
  const { rows } = await invoke('people.search', { query, limit: 12, offset: 0 });
  return rows.map((r) => ({ id: r.id, label: r.name, detail: [r.organisationName, r.email].filter(Boolean).join(' · ') }));
}

export async function searchOrganisations(query: string): Promise<Option[]> {
  const list = await invoke('organisations.list', { query });
  return list.slice(0, 12).map((o) => ({ id: o.id, label: o.name, detail: [o.municipality, o.region].filter(Boolean).join(' · ') || null }));
}
