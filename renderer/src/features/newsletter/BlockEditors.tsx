import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { pilotName, useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import { isTyping } from '../../app/shortcuts';
import type { PilotSummary } from '../../app/types';
import { ConfirmDialog, Dialog } from '../../ui/Dialog';
import { BiField, newId, PlainField, useEditionEditor } from './EditionFields';
import { Combobox, searchPeople, SinglePicker } from '../../ui/Picker';
import { ErrorBox } from '../../ui/ui';
import { isEmptyBlock, LABELS, markupPlainText, type Block, type BlockType, type ContactBlock, type EventBlock, type ImageBlock, type IntroBlock, type PilotBlock, type PublicationBlock } from '../../../../db/shared/newsletter';

const BLOCK_ORDER: BlockType[] = ['intro', 'pilot', 'event', 'publication', 'contact', 'image', 'divider'];

export function blockCardId(blockId: string): string {
  return `block-${blockId}`;
}

function oneLine(s: string, max = 70): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A short description of a block for its header and for announcements. */
export function blockSummary(block: Block, lang: 'nl' | 'en'): string {
  const pick = (b: { nl: string; en: string }) => (lang === 'en' && b.en.trim() ? b.en : b.nl);
  switch (block.type) {
    case 'intro':
      return oneLine(markupPlainText(pick(block.text)));
    case 'pilot':
      return oneLine(pick(block.name));
    case 'event':
      return oneLine([pick(block.title), block.date].filter(Boolean).join(' · '));
    case 'publication':
      return oneLine(pick(block.title));
    case 'contact':
      return oneLine(block.name);
    case 'image':
      return oneLine(pick(block.alt) || block.url);
    case 'divider':
      return '';
  }
}

interface BlockListProps {
  blocks: Block[];
  onChange: (blocks: Block[]) => void;
  collapsed: ReadonlySet<string>;
  onToggleCollapsed: (blockId: string) => void;
}

type FocusTarget = 'card' | 'title' | 'up' | 'down';

/** The edition's blocks: edit, add, remove, and reorder by dragging or with the keyboard. */
export function BlockList({ blocks, onChange, collapsed, onToggleCollapsed }: BlockListProps) {
  const { t, lang } = useI18n();
  const { readOnly } = useEditionEditor();
  const [announcement, setAnnouncement] = useState('');
  const [focusRequest, setFocusRequest] = useState<{ id: string; target: FocusTarget | 'first' } | null>(null);
  const [dragId, setDragId] = useState<string | null>(null);
  const [dropIndex, setDropIndex] = useState<number | null>(null);
  const [removing, setRemoving] = useState<number | null>(null);
  const blocksRef = useRef(blocks);
  blocksRef.current = blocks;
  const dragRef = useRef<string | null>(null);

  useEffect(() => {
    if (!focusRequest) return;
    const card = document.getElementById(blockCardId(focusRequest.id));
    if (!card) return;
    let el: HTMLElement | null = card;
    if (focusRequest.target === 'up' || focusRequest.target === 'down' || focusRequest.target === 'title') {
      // A move button that is now disabled (top or bottom) hands focus to the other one.
      const order = focusRequest.target === 'up' ? ['up', 'down'] : focusRequest.target === 'down' ? ['down', 'up'] : ['title'];
      for (const name of order) {
        const button = document.getElementById(`${blockCardId(focusRequest.id)}-${name}`) as HTMLButtonElement | null;
        if (button && !button.disabled) {
          el = button;
          break;
        }
      }
    } else if (focusRequest.target === 'first') {
      el = card.querySelector<HTMLElement>('.nl-block-body input, .nl-block-body textarea') ?? card;
    }
    el.focus();
    card.scrollIntoView({ block: 'nearest' });
    setFocusRequest(null);
  }, [focusRequest, blocks]);

  const label = (block: Block) => LABELS.blockType[block.type][lang];

  const move = (from: number, to: number, target: FocusTarget) => {
    const list = blocksRef.current;
    if (to < 0 || to >= list.length || from === to) return;
    const next = [...list];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
    setAnnouncement(t('news.block.moved', { block: label(item!), position: String(to + 1), count: String(next.length) }));
    setFocusRequest({ id: item!.id, target });
  };

  const remove = (index: number) => {
    const list = blocksRef.current;
    const block = list[index];
    if (!block) return;
    const next = list.filter((_, i) => i !== index);
    onChange(next);
    setRemoving(null);
    setAnnouncement(t('news.block.removed', { block: label(block) }));
    const neighbour = next[index] ?? next[index - 1];
    if (neighbour) setFocusRequest({ id: neighbour.id, target: 'title' });
    else window.requestAnimationFrame(() => document.getElementById('add-block-intro')?.focus());
  };

  const add = (block: Block) => {
    onChange([...blocksRef.current, block]);
    setAnnouncement(t('news.block.added', { block: label(block), position: String(blocksRef.current.length + 1) }));
    setFocusRequest({ id: block.id, target: block.type === 'divider' ? 'title' : 'first' });
  };

  const update = (index: number, block: Block) => {
    onChange(blocksRef.current.map((b, i) => (i === index ? block : b)));
  };

  const onCardKey = (event: KeyboardEvent<HTMLElement>, index: number) => {
    if (readOnly || !event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    if (isTyping(event.target)) return;
    event.preventDefault();
    move(index, event.key === 'ArrowUp' ? index - 1 : index + 1, 'title');
  };

  // Positions come from the event itself: a drop can follow a dragover before React has re-rendered.
  const dropPosition = (event: DragEvent<HTMLLIElement>, index: number) => {
    const rect = event.currentTarget.getBoundingClientRect();
    return event.clientY < rect.top + rect.height / 2 ? index : index + 1;
  };

  const onDragOver = (event: DragEvent<HTMLLIElement>, index: number) => {
    if (!dragRef.current) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    setDropIndex(dropPosition(event, index));
  };

  const onDrop = (event: DragEvent<HTMLLIElement>, index: number) => {
    const id = dragRef.current;
    if (!id) return;
    event.preventDefault();
    const from = blocksRef.current.findIndex((b) => b.id === id);
    const at = dropPosition(event, index);
    if (from >= 0) move(from, at > from ? at - 1 : at, 'title');
    endDrag();
  };

  const endDrag = () => {
    dragRef.current = null;
    setDragId(null);
    setDropIndex(null);
  };

  return (
    <div className="nl-blocks">
      <p className="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="block-announcement">
        {announcement}
      </p>
      <p className="visually-hidden" id="block-keys-hint">
        {t('news.block.keysHint')}
      </p>
      {blocks.length === 0 ? <p className="muted nl-blocks-empty">{t('news.blocks.empty')}</p> : null}
      <ol className="nl-block-list" onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropIndex(null);
        }}
      >
        {blocks.map((block, index) => {
          const isCollapsed = collapsed.has(block.id);
          const summary = blockSummary(block, lang);
          const cardId = blockCardId(block.id);
          const classes = ['nl-block', 'card'];
          if (dragId === block.id) classes.push('dragging');
          if (dropIndex === index && dragId) classes.push('drop-before');
          if (dropIndex === blocks.length && index === blocks.length - 1 && dragId) classes.push('drop-after');
          return (
            <li
              key={block.id}
              className={classes.join(' ')}
              data-block-type={block.type}
              onDragOver={(e) => onDragOver(e, index)}
              onDrop={(e) => onDrop(e, index)}
            >
              <div
                id={cardId}
                className="nl-block-card"
                tabIndex={-1}
                role="group"
                aria-label={t('news.block.label', { n: String(index + 1), count: String(blocks.length), block: label(block), summary })}
                aria-describedby={readOnly ? undefined : 'block-keys-hint'}
                onKeyDown={(e) => onCardKey(e, index)}
              >
                <div className="nl-block-head">
                  {readOnly ? null : (
                    <span
                      className="nl-drag-handle"
                      draggable
                      title={t('news.block.drag')}
                      aria-hidden="true"
                      onDragStart={(e) => {
                        e.dataTransfer.effectAllowed = 'move';
                        e.dataTransfer.setData('text/plain', block.id);
                        const li = e.currentTarget.closest('li');
                        if (li) e.dataTransfer.setDragImage(li, 20, 20);
                        dragRef.current = block.id;
                        setDragId(block.id);
                      }}
                      onDragEnd={endDrag}
                    >
                      <DragIcon />
                    </span>
                  )}
                  <button
                    type="button"
                    className="nl-block-title"
                    aria-expanded={!isCollapsed}
                    aria-controls={`${cardId}-body`}
                    id={`${cardId}-title`}
                    onClick={() => onToggleCollapsed(block.id)}
                  >
                    <span className="nl-block-chevron" aria-hidden="true">
                      {isCollapsed ? '▸' : '▾'}
                    </span>
                    <span className="nl-block-index">{index + 1}</span>
                    <span className="nl-block-type">{label(block)}</span>
                    {summary ? <span className="nl-block-summary">{summary}</span> : null}
                  </button>
                  {readOnly ? null : (
                    <div className="nl-block-actions">
                      <button
                        type="button"
                        id={`${cardId}-up`}
                        className="icon-button nl-icon"
                        disabled={index === 0}
                        aria-label={t('news.block.up', { block: label(block), n: String(index + 1) })}
                        title={t('news.block.upTitle')}
                        onClick={() => move(index, index - 1, 'up')}
                      >
                        <span aria-hidden="true">↑</span>
                      </button>
                      <button
                        type="button"
                        id={`${cardId}-down`}
                        className="icon-button nl-icon"
                        disabled={index === blocks.length - 1}
                        aria-label={t('news.block.down', { block: label(block), n: String(index + 1) })}
                        title={t('news.block.downTitle')}
                        onClick={() => move(index, index + 1, 'down')}
                      >
                        <span aria-hidden="true">↓</span>
                      </button>
                      <button
                        type="button"
                        className="icon-button nl-icon nl-icon-danger"
                        aria-label={t('news.block.remove', { block: label(block), n: String(index + 1) })}
                        title={t('news.block.removeTitle')}
                        onClick={() => (isEmptyBlock(block) || block.type === 'divider' ? remove(index) : setRemoving(index))}
                      >
                        <span aria-hidden="true">×</span>
                      </button>
                    </div>
                  )}
                </div>
                <div className="nl-block-body" id={`${cardId}-body`} hidden={isCollapsed}>
                  <BlockFields block={block} index={index} set={(b) => update(index, b)} />
                </div>
              </div>
            </li>
          );
        })}
      </ol>
      {readOnly ? null : <AddBlockBar onAdd={add} />}
      {removing !== null && blocks[removing] ? (
        <ConfirmDialog
          title={t('news.block.removeConfirmTitle')}
          message={<p>{t('news.block.removeConfirm', { block: label(blocks[removing]!), summary: blockSummary(blocks[removing]!, lang) || '—' })}</p>}
          confirmLabel={t('common.remove')}
          danger
          onConfirm={() => remove(removing)}
          onCancel={() => setRemoving(null)}
        />
      ) : null}
    </div>
  );
}

function DragIcon() {
  return (
    <svg width="14" height="18" viewBox="0 0 14 18" fill="currentColor" focusable="false">
      {[3, 9, 15].map((y) => (
        <g key={y}>
          <circle cx="4" cy={y} r="1.5" />
          <circle cx="10" cy={y} r="1.5" />
        </g>
      ))}
    </svg>
  );
}

function BlockFields({ block, index, set }: { block: Block; index: number; set: (b: Block) => void }) {
  switch (block.type) {
    case 'intro':
      return <IntroFields block={block} index={index} set={set} />;
    case 'pilot':
      return <PilotFields block={block} index={index} set={set} />;
    case 'event':
      return <EventFields block={block} index={index} set={set} />;
    case 'publication':
      return <PublicationFields block={block} index={index} set={set} />;
    case 'contact':
      return <ContactFields block={block} index={index} set={set} />;
    case 'image':
      return <ImageFields block={block} index={index} set={set} />;
    case 'divider':
      return <DividerFields />;
  }
}

interface FieldsProps<B extends Block> {
  block: B;
  index: number;
  set: (b: B) => void;
}

function IntroFields({ block, index, set }: FieldsProps<IntroBlock>) {
  const { t } = useI18n();
  return <BiField path={`blocks.${index}.text`} label={t('news.field.text')} value={block.text} onChange={(text) => set({ ...block, text })} rich merge rows={7} />;
}

function PilotFields({ block, index, set }: FieldsProps<PilotBlock>) {
  const { t } = useI18n();
  const p = `blocks.${index}`;
  return (
    <>
      {block.pilotId ? (
        <p className="nl-source">
          {t('news.pilot.copied')} <a href={href(`/pilots/${block.pilotId}`)}>{t('news.pilot.openRecord')}</a>
        </p>
      ) : null}
      <BiField path={`${p}.name`} label={t('news.field.pilotName')} value={block.name} onChange={(name) => set({ ...block, name })} />
      <div className="form-row">
        <BiField path={`${p}.phase`} label={t('news.field.phase')} value={block.phase} onChange={(phase) => set({ ...block, phase })} />
        <PlainField path={`${p}.contactName`} label={t('news.field.contactName')} value={block.contactName} onChange={(contactName) => set({ ...block, contactName })} />
      </div>
      <BiField path={`${p}.results`} label={t('news.field.results')} value={block.results} onChange={(results) => set({ ...block, results })} rich merge rows={4} />
      <BiField path={`${p}.nextSteps`} label={t('news.field.nextSteps')} value={block.nextSteps} onChange={(nextSteps) => set({ ...block, nextSteps })} rich rows={3} />
    </>
  );
}

function EventFields({ block, index, set }: FieldsProps<EventBlock>) {
  const { t } = useI18n();
  const { readOnly } = useEditionEditor();
  const p = `blocks.${index}`;
  return (
    <>
      <BiField path={`${p}.title`} label={t('news.field.eventTitle')} value={block.title} onChange={(title) => set({ ...block, title })} />
      <div className="form-row">
        <PlainField path={`${p}.date`} label={t('news.field.date')} type="date" value={block.date} onChange={(date) => set({ ...block, date })} />
        <BiField path={`${p}.place`} label={t('news.field.place')} value={block.place} onChange={(place) => set({ ...block, place })} />
      </div>
      <BiField path={`${p}.description`} label={t('news.field.description')} value={block.description} onChange={(description) => set({ ...block, description })} rich rows={3} />

      <fieldset className="nl-subgroup">
        <legend>{t('news.event.programme')}</legend>
        {block.programme.length === 0 ? <p className="muted">{t('news.event.noProgramme')}</p> : null}
        <ol className="nl-rows">
          {block.programme.map((item, j) => (
            <li key={item.id} className="nl-row nl-row-programme">
              <PlainField
                path={`${p}.programme.${j}.time`}
                label={t('news.event.timeN', { n: String(j + 1) })}
                hideLabel
                className="nl-time"
                placeholder="10:00"
                value={item.time}
                onChange={(time) => set({ ...block, programme: block.programme.map((x, k) => (k === j ? { ...x, time } : x)) })}
              />
              <BiField
                path={`${p}.programme.${j}.title`}
                label={t('news.event.itemN', { n: String(j + 1) })}
                hideLabel
                value={item.title}
                onChange={(title) => set({ ...block, programme: block.programme.map((x, k) => (k === j ? { ...x, title } : x)) })}
              />
              {readOnly ? null : (
                <button
                  type="button"
                  className="icon-button nl-icon"
                  aria-label={t('news.event.removeItem', { n: String(j + 1) })}
                  onClick={() => set({ ...block, programme: block.programme.filter((_, k) => k !== j) })}
                >
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </li>
          ))}
        </ol>
        {readOnly ? null : (
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => set({ ...block, programme: [...block.programme, { id: newId(), time: '', title: { nl: '', en: '' } }] })}
          >
            {t('news.event.addItem')}
          </button>
        )}
        <p className="hint">{t('news.event.timeHint')}</p>
      </fieldset>

      <fieldset className="nl-subgroup">
        <legend>{t('news.event.sessions')}</legend>
        {block.sessions.length === 0 ? <p className="muted">{t('news.event.noSessions')}</p> : null}
        <ol className="nl-rows">
          {block.sessions.map((s, j) => (
            <li key={s.id} className="nl-row nl-row-session">
              <div className="nl-row-fields">
                <BiField
                  path={`${p}.sessions.${j}.name`}
                  label={t('news.event.sessionN', { n: String(j + 1) })}
                  value={s.name}
                  onChange={(name) => set({ ...block, sessions: block.sessions.map((x, k) => (k === j ? { ...x, name } : x)) })}
                />
                <BiField
                  path={`${p}.sessions.${j}.description`}
                  label={t('news.event.sessionDescriptionN', { n: String(j + 1) })}
                  multiline
                  rows={2}
                  value={s.description}
                  onChange={(description) => set({ ...block, sessions: block.sessions.map((x, k) => (k === j ? { ...x, description } : x)) })}
                />
              </div>
              {readOnly ? null : (
                <button
                  type="button"
                  className="icon-button nl-icon"
                  aria-label={t('news.event.removeSession', { n: String(j + 1) })}
                  onClick={() => set({ ...block, sessions: block.sessions.filter((_, k) => k !== j) })}
                >
                  <span aria-hidden="true">×</span>
                </button>
              )}
            </li>
          ))}
        </ol>
        {readOnly ? null : (
          <button
            type="button"
            className="button button-small button-quiet"
            onClick={() => set({ ...block, sessions: [...block.sessions, { id: newId(), name: { nl: '', en: '' }, description: { nl: '', en: '' } }] })}
          >
            {t('news.event.addSession')}
          </button>
        )}
      </fieldset>

      <div className="form-row">
        <PlainField path={`${p}.url`} label={t('news.field.eventUrl')} type="url" placeholder="https://" value={block.url} onChange={(url) => set({ ...block, url })} hint={t('news.field.linkHint')} />
        <BiField path={`${p}.linkLabel`} label={t('news.field.linkLabel')} value={block.linkLabel} onChange={(linkLabel) => set({ ...block, linkLabel })} hint={t('news.field.linkLabelHint')} />
      </div>
    </>
  );
}

function PublicationFields({ block, index, set }: FieldsProps<PublicationBlock>) {
  const { t } = useI18n();
  const p = `blocks.${index}`;
  return (
    <>
      <BiField path={`${p}.title`} label={t('news.field.publicationTitle')} value={block.title} onChange={(title) => set({ ...block, title })} />
      <BiField path={`${p}.summary`} label={t('news.field.summary')} value={block.summary} onChange={(summary) => set({ ...block, summary })} rich rows={3} />
      <PlainField path={`${p}.url`} label={t('news.field.publicationUrl')} type="url" placeholder="https://" value={block.url} onChange={(url) => set({ ...block, url })} hint={t('news.field.linkHint')} />
    </>
  );
}

function ContactFields({ block, index, set }: FieldsProps<ContactBlock>) {
  const { t } = useI18n();
  const { readOnly } = useEditionEditor();
  const p = `blocks.${index}`;
  const [error, setError] = useState<string | null>(null);
  const pick = async (personId: number | null) => {
    setError(null);
    if (!personId) {
      set({ ...block, personId: null });
      return;
    }
    try {
      const fresh = await invoke('newsletter.blocks.create', { type: 'contact', personId });
      if (fresh.type === 'contact') set({ ...fresh, id: block.id, text: block.text.nl || block.text.en ? block.text : fresh.text });
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      {readOnly ? null : (
        <div className="field">
          <SinglePicker
            id={`${p}-person`}
            label={t('news.contact.person')}
            value={block.personId ? { id: block.personId, label: block.name || t('news.contact.unnamed') } : null}
            onChange={(o) => void pick(o?.id ?? null)}
            search={searchPeople}
            placeholder={t('picker.searchPeople')}
          />
          <p className="hint">{t('news.contact.personHint')}</p>
          <ErrorBox message={error} />
        </div>
      )}
      <div className="form-row">
        <PlainField path={`${p}.name`} label={t('news.field.contactName')} value={block.name} onChange={(name) => set({ ...block, name })} />
        <PlainField path={`${p}.organisation`} label={t('field.organisation')} value={block.organisation} onChange={(organisation) => set({ ...block, organisation })} />
      </div>
      <div className="form-row">
        <BiField path={`${p}.role`} label={t('news.field.role')} value={block.role} onChange={(role) => set({ ...block, role })} />
        <PlainField path={`${p}.email`} label={t('field.email')} type="email" value={block.email} onChange={(email) => set({ ...block, email })} />
      </div>
      <BiField path={`${p}.text`} label={t('news.field.contactText')} value={block.text} onChange={(text) => set({ ...block, text })} rich rows={3} />
      <BiField path={`${p}.buttonLabel`} label={t('news.field.buttonLabel')} value={block.buttonLabel} onChange={(buttonLabel) => set({ ...block, buttonLabel })} hint={t('news.field.buttonLabelHint')} />
    </>
  );
}

function ImageFields({ block, index, set }: FieldsProps<ImageBlock>) {
  const { t } = useI18n();
  const p = `blocks.${index}`;
  return (
    <>
      <PlainField path={`${p}.url`} label={t('news.field.imageUrl')} type="url" placeholder="https://" value={block.url} onChange={(url) => set({ ...block, url })} hint={t('news.field.imageUrlHint')} />
      <BiField path={`${p}.alt`} label={t('news.field.alt')} value={block.alt} onChange={(alt) => set({ ...block, alt })} hint={t('news.field.altHint')} />
      <BiField path={`${p}.caption`} label={t('news.field.caption')} value={block.caption} onChange={(caption) => set({ ...block, caption })} />
      <PlainField path={`${p}.link`} label={t('news.field.imageLink')} type="url" placeholder="https://" value={block.link} onChange={(link) => set({ ...block, link })} hint={t('news.field.imageLinkHint')} />
    </>
  );
}

function DividerFields() {
  const { t } = useI18n();
  return <p className="muted nl-divider-note">{t('news.divider.note')}</p>;
}

/** "Blok toevoegen": one button per type; a pilot update and a contact card start from the register. */
function AddBlockBar({ onAdd }: { onAdd: (block: Block) => void }) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState<BlockType | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'pilot' | 'contact' | null>(null);

  const create = async (type: BlockType, extra: { pilotId?: number; personId?: number } = {}) => {
    setBusy(type);
    setError(null);
    try {
      const block = await invoke('newsletter.blocks.create', { type, ...extra });
      setDialog(null);
      onAdd(block);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="nl-addbar">
      <span className="nl-addbar-label" id="add-block-label">
        {t('news.block.add')}
      </span>
      <div className="nl-addbar-buttons" role="group" aria-labelledby="add-block-label">
        {BLOCK_ORDER.map((type) => (
          <button
            key={type}
            id={`add-block-${type}`}
            type="button"
            className="button button-small"
            disabled={busy !== null}
            onClick={() => (type === 'pilot' || type === 'contact' ? setDialog(type) : void create(type))}
          >
            <span aria-hidden="true">+</span> {LABELS.blockType[type][lang]}
          </button>
        ))}
      </div>
      <ErrorBox message={error} />
      {dialog === 'pilot' ? <PilotBlockDialog busy={busy === 'pilot'} error={error} onCancel={() => setDialog(null)} onPick={(pilotId) => void create('pilot', pilotId ? { pilotId } : {})} /> : null}
      {dialog === 'contact' ? (
        <Dialog title={t('news.contact.addTitle')} onClose={() => setDialog(null)} footer={
            <>
              <button type="button" className="button" onClick={() => setDialog(null)}>
                {t('common.cancel')}
              </button>
              <button type="button" className="button" onClick={() => void create('contact')} disabled={busy !== null}>
                {t('news.contact.empty')}
              </button>
            </>
          }
        >
          {error ? <ErrorBox message={error} /> : null}
          <Combobox label={t('news.contact.person')} placeholder={t('picker.searchPeople')} search={searchPeople} onSelect={(o) => void create('contact', { personId: o.id })} />
          <p className="hint">{t('news.contact.personHint')}</p>
        </Dialog>
      ) : null}
    </div>
  );
}

function PilotBlockDialog({ busy, error, onCancel, onPick }: { busy: boolean; error: string | null; onCancel: () => void; onPick: (pilotId: number | null) => void }) {
  const { t, lang } = useI18n();
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);
  const [chosen, setChosen] = useState<number | null>(null);
  useEffect(() => {
    if (chosen === null && pilots.data?.[0]) setChosen(pilots.data[0].id);
  }, [pilots.data, chosen]);
  return (
    <Dialog
      title={t('news.pilot.addTitle')}
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button" onClick={() => onPick(null)} disabled={busy}>
            {t('news.pilot.empty')}
          </button>
          <button type="button" className="button button-primary" onClick={() => onPick(chosen)} disabled={busy || chosen === null}>
            {t('news.pilot.add')}
          </button>
        </>
      }
    >
      <ErrorBox message={error ?? pilots.error} onRetry={pilots.error ? pilots.reload : undefined} />
      <p className="muted">{t('news.pilot.addText')}</p>
      <fieldset className="field">
        <legend className="visually-hidden">{t('news.pilot.choose')}</legend>
        <div className="nl-choice-list">
          {(pilots.data ?? []).map((pilot) => (
            <label key={pilot.id} className={chosen === pilot.id ? 'nl-choice selected' : 'nl-choice'}>
              <input type="radio" name="pilot-choice" checked={chosen === pilot.id} onChange={() => setChosen(pilot.id)} />
              <span className="nl-choice-text">
                <span className="nl-choice-title">{pilotName(pilot, lang)}</span>
                <span className="muted">{[pilot.region, pilot.phase].filter(Boolean).join(' · ')}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </Dialog>
  );
}
