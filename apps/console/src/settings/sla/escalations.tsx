import type { Schemas } from '../../api/client';
import { FieldError } from '../../common/forms';
import { PRIORITIES, PRIORITY_LABELS } from '../../common/people';

type Escalation = Schemas['SlaEscalationDto'];
type Priority = (typeof PRIORITIES)[number];
type TeamUser = Schemas['TeamUserDto'];

export interface EscalationsDraft {
  notify: boolean;
  assignee: boolean;
  userIds: string[];
  inApp: boolean;
  email: boolean;
  raiseTo: Priority | '';
  reassignTo: string;
  addTag: string;
}

export function escalationsDraftOf(list: Escalation[]): EscalationsDraft {
  const notify = list.find((entry) => entry.type === 'notify');
  return {
    notify: notify !== undefined,
    assignee: notify?.assignee ?? true,
    userIds: notify?.userIds ?? [],
    inApp: notify ? (notify.channels ?? []).includes('in_app') : true,
    email: notify ? (notify.channels ?? []).includes('email') : false,
    raiseTo: list.find((entry) => entry.type === 'raise_priority')?.to ?? '',
    reassignTo: list.find((entry) => entry.type === 'reassign')?.userId ?? '',
    addTag: list.find((entry) => entry.type === 'add_tag')?.tag ?? '',
  };
}

/** In a fixed order: notify, raise_priority, reassign, add_tag; errors name their index in this list. */
export function escalationsOf(draft: EscalationsDraft): Escalation[] {
  const list: Escalation[] = [];
  if (draft.notify) {
    list.push({ type: 'notify', assignee: draft.assignee, userIds: draft.userIds, channels: [...(draft.inApp ? ['in_app' as const] : []), ...(draft.email ? ['email' as const] : [])] });
  }
  if (draft.raiseTo) list.push({ type: 'raise_priority', to: draft.raiseTo });
  if (draft.reassignTo) list.push({ type: 'reassign', userId: draft.reassignTo });
  if (draft.addTag.trim()) list.push({ type: 'add_tag', tag: draft.addTag.trim() });
  return list;
}

const PARTS = ['type', 'assignee', 'userIds', 'channels', 'to', 'userId', 'tag'];

/** The fields a list's errors may name, for FormError. */
export function escalationFields(field: string, sent: Escalation[]): string[] {
  return [field, ...sent.flatMap((_, index) => [`${field}[${index}]`, ...PARTS.map((part) => `${field}[${index}].${part}`), `${field}[${index}].userIds[0]`])];
}

/** The errors of one escalation of the list as last sent (found by its type), shown next to its inputs. */
function Errors({ error, field, sent, type }: { error: unknown; field: string; sent: Escalation[]; type: Escalation['type'] }) {
  const index = sent.findIndex((entry) => entry.type === type);
  if (index < 0) return null;
  const at = `${field}[${index}]`;
  return (
    <>
      {[at, ...PARTS.map((part) => `${at}.${part}`)].map((path) => (
        <FieldError key={path} error={error} field={path} />
      ))}
    </>
  );
}

/** One list of escalations (on warning, on breach) as a fieldset: its legend names the group its inputs are in. */
export function EscalationsEditor({
  legend,
  field,
  value,
  onChange,
  users,
  error,
  sent,
}: {
  legend: string;
  field: 'onWarning' | 'onBreach';
  value: EscalationsDraft;
  onChange: (changes: Partial<EscalationsDraft>) => void;
  users: TeamUser[];
  error: unknown;
  sent: Escalation[];
}) {
  return (
    <fieldset className="escalations">
      <legend>{legend}</legend>
      <FieldError error={error} field={field} />
      <label className="chip">
        <input type="checkbox" checked={value.notify} onChange={(event) => onChange({ notify: event.target.checked })} />
        Notify
      </label>
      {value.notify && (
        <div className="notify">
          <label className="chip">
            <input type="checkbox" checked={value.assignee} onChange={(event) => onChange({ assignee: event.target.checked })} />
            The ticket&apos;s assignee
          </label>
          <label>
            Notify these users
            <select multiple size={Math.min(5, Math.max(2, users.length))} value={value.userIds} onChange={(event) => onChange({ userIds: [...event.target.selectedOptions].map((option) => option.value) })}>
              {users.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name} ({user.email})
                </option>
              ))}
            </select>
          </label>
          <div className="chips" role="group" aria-label="Notify by">
            <label className="chip">
              <input type="checkbox" checked={value.inApp} onChange={(event) => onChange({ inApp: event.target.checked })} />
              In the console
            </label>
            <label className="chip">
              <input type="checkbox" checked={value.email} onChange={(event) => onChange({ email: event.target.checked })} />
              By email
            </label>
          </div>
          <Errors error={error} field={field} sent={sent} type="notify" />
        </div>
      )}
      <label>
        Raise priority to
        <select value={value.raiseTo} onChange={(event) => onChange({ raiseTo: event.target.value as Priority | '' })}>
          <option value="">Leave as it is</option>
          {PRIORITIES.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
        <Errors error={error} field={field} sent={sent} type="raise_priority" />
      </label>
      <label>
        Reassign to
        <select value={value.reassignTo} onChange={(event) => onChange({ reassignTo: event.target.value })}>
          <option value="">Keep the assignee</option>
          {users.map((user) => (
            <option key={user.id} value={user.id}>
              {user.name}
            </option>
          ))}
        </select>
        <Errors error={error} field={field} sent={sent} type="reassign" />
      </label>
      <label>
        Add tag
        <input value={value.addTag} placeholder="e.g. sla-breached" onChange={(event) => onChange({ addTag: event.target.value })} />
        <Errors error={error} field={field} sent={sent} type="add_tag" />
      </label>
    </fieldset>
  );
}
