import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { canEditSharedMacros, MACRO_ACTION_TYPES, MACRO_VARIABLES, type MacroActionType } from '../../../../libs/domain/macros';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { PRIORITIES, PRIORITY_LABELS, useUsers } from '../common/people';
import { Time } from '../common/time';
import { normalFailure } from './shared';

type MacroDto = Schemas['MacroDto'];
type MacroBody = Schemas['MacroBody'];
type MacroActionDto = Schemas['MacroActionDto'];

export const MACROS_QUERY_KEY = ['macros'];

const ACTION_LABELS: Record<MacroActionType, string> = {
  tag: 'Tag',
  assign: 'Assign',
  unassign: 'Unassign',
  set_priority: 'Set priority',
  snooze: 'Snooze',
  close: 'Close',
};

/** An action as the form edits it: every field as text, turned into the API's shape on save. */
interface ActionDraft {
  type: MacroActionType;
  add: string;
  remove: string;
  assigneeId: string;
  priority: string;
  minutes: string;
}

const emptyDraft = (type: MacroActionType): ActionDraft => ({ type, add: '', remove: '', assigneeId: 'me', priority: 'normal', minutes: '60' });
const tagList = (text: string) => text.split(',').map((tag) => tag.trim()).filter(Boolean);

function draftOf(action: MacroActionDto): ActionDraft {
  return {
    ...emptyDraft(action.type),
    add: (action.add ?? []).join(', '),
    remove: (action.remove ?? []).join(', '),
    assigneeId: action.assigneeId ?? 'me',
    priority: action.priority ?? 'normal',
    minutes: action.for !== undefined ? String(action.for) : '60',
  };
}

function actionOf(draft: ActionDraft): MacroActionDto {
  switch (draft.type) {
    case 'tag':
      return { type: 'tag', add: tagList(draft.add), remove: tagList(draft.remove) };
    case 'assign':
      return { type: 'assign', assigneeId: draft.assigneeId };
    case 'set_priority':
      return { type: 'set_priority', priority: draft.priority as MacroActionDto['priority'] };
    case 'snooze':
      // Sent as typed: the API names a value that is not a whole number of minutes (actions[i].for).
      return { type: 'snooze', for: Number(draft.minutes) };
    case 'unassign':
    case 'close':
      return { type: draft.type };
  }
}

/** A short account of what a macro does, for the list. */
function describeActions(macro: MacroDto, userName: (id: string) => string): string {
  const parts = macro.actions.map((action) => {
    switch (action.type) {
      case 'tag':
        return [action.add?.length ? `tag ${action.add.join(', ')}` : '', action.remove?.length ? `untag ${action.remove.join(', ')}` : ''].filter(Boolean).join(', ');
      case 'assign':
        return `assign to ${action.assigneeId === 'me' ? 'the agent applying it' : userName(action.assigneeId ?? '')}`;
      case 'set_priority':
        return `priority ${action.priority}`;
      case 'snooze':
        return `snooze ${action.for} min`;
      default:
        return action.type;
    }
  });
  return [macro.reply ? 'reply' : '', ...parts].filter(Boolean).join(' · ');
}

/** Macros: saved replies with variables and actions, applied to a ticket in one go (docs/macros.md). */
export function MacrosSettings() {
  const me = useMe();
  const users = useUsers();
  const macros = useQuery({ queryKey: MACROS_QUERY_KEY, queryFn: () => unwrap(api.GET('/macros')) });
  const [editing, setEditing] = useState<MacroDto | 'new' | null>(null);
  const userName = (id: string) => users.data?.users.find((user) => user.id === id)?.name ?? id;

  return (
    <div className="settings-stack">
      <section className="card" aria-labelledby="macros-title">
        <h2 id="macros-title">Macros</h2>
        <p className="muted">
          A macro replies and acts on a ticket in one step: all of it is applied, or none when one step is refused. Personal macros are yours alone; shared macros are
          for the whole team{canEditSharedMacros(me.user.role) ? '' : ' and are changed by owners, admins and managers'}.
        </p>
        {macros.isPending && <p className="loading">Loading…</p>}
        {macros.isError && <p className="error">{describeFailure(macros.error)}</p>}
        {macros.data && macros.data.macros.length === 0 && <p className="muted">No macros yet.</p>}
        {macros.data && macros.data.macros.length > 0 && (
          <table className="report macros">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Does</th>
                <th scope="col">Used</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {macros.data.macros.map((macro) => (
                <MacroRow key={macro.id} macro={macro} does={describeActions(macro, userName)} onEdit={() => setEditing(macro)} />
              ))}
            </tbody>
          </table>
        )}
        {editing === null && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New macro
          </button>
        )}
      </section>
      {editing !== null && <MacroForm key={editing === 'new' ? 'new' : editing.id} macro={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
    </div>
  );
}

function MacroRow({ macro, does, onEdit }: { macro: MacroDto; does: string; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const deletion = useMutation({
    mutationFn: () => unwrap(api.DELETE('/macros/{macroId}', { params: { path: { macroId: macro.id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: MACROS_QUERY_KEY }),
  });
  return (
    <tr>
      <td>{macro.name}</td>
      <td>{macro.shared ? 'Shared' : 'Personal'}</td>
      <td className="muted">{does}</td>
      <td>{macro.usageCount}</td>
      <td>{macro.lastUsedAt ? <Time value={macro.lastUsedAt} /> : <span className="muted">Never</span>}</td>
      <td>
        {macro.canEdit && !confirming && (
          <>
            <button type="button" onClick={onEdit}>
              {`Edit ${macro.name}`}
            </button>
            <button type="button" onClick={() => setConfirming(true)}>
              {`Delete ${macro.name}`}
            </button>
          </>
        )}
        {confirming && (
          <span className="confirm" role="group" aria-label={`Confirm deleting ${macro.name}`}>
            <span>Delete this macro?</span>
            <button type="button" className="danger" disabled={deletion.isPending} onClick={() => deletion.mutate()}>
              Yes, delete
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        )}
        {deletion.isError && (
          <span className="field-error" role="alert">
            {describeFailure(deletion.error)}
          </span>
        )}
      </td>
    </tr>
  );
}

function MacroForm({ macro, onDone }: { macro: MacroDto | null; onDone: () => void }) {
  const me = useMe();
  const users = useUsers();
  const queryClient = useQueryClient();
  const [name, setName] = useState(macro?.name ?? '');
  const [shared, setShared] = useState(macro?.shared ?? false);
  const [reply, setReply] = useState(macro?.reply ?? '');
  const [actions, setActions] = useState<ActionDraft[]>(() => (macro?.actions ?? []).map(draftOf));
  const save = useMutation({
    mutationFn: (body: MacroBody) =>
      macro ? unwrap(api.PUT('/macros/{macroId}', { params: { path: { macroId: macro.id } }, body })) : unwrap(api.POST('/macros', { body })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: MACROS_QUERY_KEY });
      onDone();
    },
  });
  const error = normalFailure(save.error);
  const change = (index: number, patch: Partial<ActionDraft>) => setActions((drafts) => drafts.map((draft, at) => (at === index ? { ...draft, ...patch } : draft)));
  const actionFields = actions.flatMap((_, index) => ['', '.type', '.add', '.remove', '.assigneeId', '.priority', '.for'].map((suffix) => `actions[${index}]${suffix}`));
  const title = macro ? `Edit macro ${macro.name}` : 'New macro';

  return (
    <form
      className="card settings-form"
      aria-label={title}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate({ name: name.trim(), shared, reply: reply.trim() ? reply : null, actions: actions.map(actionOf) });
      }}
    >
      <h2>{title}</h2>
      <label>
        Name
        <input value={name} maxLength={100} onChange={(event) => setName(event.target.value)} />
        <FieldError error={error} field="name" />
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={shared} disabled={!canEditSharedMacros(me.user.role)} onChange={(event) => setShared(event.target.checked)} />
        Shared with the whole team
      </label>
      <label>
        Reply (optional)
        <textarea value={reply} rows={5} onChange={(event) => setReply(event.target.value)} aria-describedby="macro-variables" />
        <FieldError error={error} field="reply" />
      </label>
      <p className="hint muted" id="macro-variables">
        Variables, filled in when the macro is applied (empty when not known):{' '}
        {MACRO_VARIABLES.map((variable, index) => (
          <span key={variable.name} title={variable.description}>
            {index > 0 && ', '}
            <code>{`{{${variable.name}}}`}</code>
          </span>
        ))}
      </p>
      <fieldset className="list-editor">
        <legend>Actions</legend>
        {actions.length === 0 && <p className="muted">None: the macro only replies.</p>}
        {actions.map((draft, index) => (
          <div className="list-row inline-fields" key={index} role="group" aria-label={`Action ${index + 1}`}>
            <label>
              Type
              <select value={draft.type} onChange={(event) => change(index, { ...emptyDraft(event.target.value as MacroActionType) })}>
                {MACRO_ACTION_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {ACTION_LABELS[type]}
                  </option>
                ))}
              </select>
            </label>
            {draft.type === 'tag' && (
              <>
                <label>
                  Add tags
                  <input value={draft.add} placeholder="refund, vip" onChange={(event) => change(index, { add: event.target.value })} />
                </label>
                <label>
                  Remove tags
                  <input value={draft.remove} onChange={(event) => change(index, { remove: event.target.value })} />
                </label>
              </>
            )}
            {draft.type === 'assign' && (
              <label>
                Assignee
                <select value={draft.assigneeId} onChange={(event) => change(index, { assigneeId: event.target.value })}>
                  <option value="me">The agent applying it</option>
                  {users.data?.users
                    .filter((user) => user.status === 'active' || user.id === draft.assigneeId)
                    .map((user) => (
                      <option key={user.id} value={user.id}>
                        {user.name}
                      </option>
                    ))}
                </select>
              </label>
            )}
            {draft.type === 'set_priority' && (
              <label>
                Priority
                <select value={draft.priority} onChange={(event) => change(index, { priority: event.target.value })}>
                  {PRIORITIES.map((priority) => (
                    <option key={priority} value={priority}>
                      {PRIORITY_LABELS[priority]}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {draft.type === 'snooze' && (
              <label>
                Minutes from applying
                <input type="number" min={1} value={draft.minutes} onChange={(event) => change(index, { minutes: event.target.value })} />
              </label>
            )}
            <button type="button" aria-label={`Remove action ${index + 1}`} onClick={() => setActions((drafts) => drafts.filter((_, at) => at !== index))}>
              Remove
            </button>
            {['', '.type', '.add', '.remove', '.assigneeId', '.priority', '.for'].map((suffix) => (
              <FieldError key={suffix} error={error} field={`actions[${index}]${suffix}`} />
            ))}
            {draft.type === 'tag' && <FieldError error={error} field={`actions[${index}].add[0]`} />}
          </div>
        ))}
        <button type="button" onClick={() => setActions((drafts) => [...drafts, emptyDraft('tag')])}>
          Add action
        </button>
        <FieldError error={error} field="actions" />
      </fieldset>
      <FormError error={error} fields={['name', 'reply', 'actions', ...actionFields, ...actions.map((_, index) => `actions[${index}].add[0]`)]} />
      <div className="inline-fields">
        <button type="submit" className="primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save macro'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
