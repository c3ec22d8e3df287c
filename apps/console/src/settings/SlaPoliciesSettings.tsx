import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { CHANNEL_LABELS, PRIORITIES, PRIORITY_LABELS, useUsers } from '../common/people';
import { canManageAccount, normalFailure, ReadOnlyNote, SaveActions, useScrollToError } from './shared';
import { escalationFields, escalationsDraftOf, EscalationsEditor, escalationsOf, type EscalationsDraft } from './sla/escalations';

type Policy = Schemas['SlaPolicyDto'];
type PolicyBody = Schemas['SlaPolicyBody'];
type PolicyList = Schemas['SlaPolicyListDto'];
type Channel = NonNullable<Schemas['SlaConditionsDto']['channels']>[number];
type Priority = (typeof PRIORITIES)[number];
type TargetName = 'first_response' | 'next_response' | 'resolution';

const CHANNELS: Channel[] = ['sms', 'email', 'web_chat'];
const TARGETS: { name: TargetName; label: string }[] = [
  { name: 'first_response', label: 'First response' },
  { name: 'next_response', label: 'Next response' },
  { name: 'resolution', label: 'Resolution' },
];
const LIST_KEY = ['settings', 'sla-policies'];
const CALENDARS_KEY = ['settings', 'business-calendars'];

interface TargetDraft {
  on: boolean;
  hours: string;
  minutes: string;
  calendarId: string;
}

interface Draft {
  name: string;
  enabled: boolean;
  channels: Channel[];
  priorities: Priority[];
  tagsAll: string;
  tagsAny: string;
  /** Profile bounds as typed ('' = no bound). */
  minOrders: string;
  minLifetimeValue: string;
  minChurnRiskPercent: string;
  targets: Record<TargetName, TargetDraft>;
  pauseWhileSnoozed: boolean;
  warnAtPercent: string;
  onWarning: EscalationsDraft;
  onBreach: EscalationsDraft;
}

function targetDraft(target: Schemas['SlaTargetDto'] | undefined): TargetDraft {
  if (!target) return { on: false, hours: '1', minutes: '0', calendarId: '' };
  return { on: true, hours: String(Math.floor(target.minutes / 60)), minutes: String(target.minutes % 60), calendarId: target.calendarId ?? '' };
}

function draftOf(policy: Policy | null): Draft {
  return {
    name: policy?.name ?? '',
    enabled: policy?.enabled ?? true,
    channels: policy?.conditions.channels ?? [],
    priorities: policy?.conditions.priorities ?? [],
    tagsAll: (policy?.conditions.tagsAll ?? []).join(', '),
    tagsAny: (policy?.conditions.tagsAny ?? []).join(', '),
    minOrders: String(policy?.conditions.profile?.minOrders ?? ''),
    minLifetimeValue: String(policy?.conditions.profile?.minLifetimeValue ?? ''),
    minChurnRiskPercent: String(policy?.conditions.profile?.minChurnRiskPercent ?? ''),
    targets: {
      first_response: targetDraft(policy ? policy.targets.first_response : { minutes: 60, calendarId: null }),
      next_response: targetDraft(policy?.targets.next_response),
      resolution: targetDraft(policy?.targets.resolution),
    },
    pauseWhileSnoozed: policy?.pauseWhileSnoozed ?? false,
    warnAtPercent: String(policy?.warnAtPercent ?? 80),
    onWarning: escalationsDraftOf(policy?.onWarning ?? []),
    onBreach: escalationsDraftOf(policy?.onBreach ?? []),
  };
}

const tagList = (text: string) => text.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
/** A number when the text is one, else the text itself, so the API names the field rather than the console guessing. */
const numberOrRaw = (text: string) => (text.trim() === '' || Number.isNaN(Number(text)) ? (text as unknown as number) : Number(text));

function minutesOf(target: TargetDraft): number {
  const hours = target.hours.trim() === '' ? 0 : Number(target.hours);
  const minutes = target.minutes.trim() === '' ? 0 : Number(target.minutes);
  if (Number.isNaN(hours) || Number.isNaN(minutes)) return `${target.hours}h${target.minutes}` as unknown as number;
  return hours * 60 + minutes;
}

function bodyOf(draft: Draft): PolicyBody {
  const conditions: PolicyBody['conditions'] = {};
  if (draft.channels.length > 0) conditions.channels = CHANNELS.filter((channel) => draft.channels.includes(channel));
  if (draft.priorities.length > 0) conditions.priorities = PRIORITIES.filter((priority) => draft.priorities.includes(priority));
  if (tagList(draft.tagsAll).length > 0) conditions.tagsAll = tagList(draft.tagsAll);
  if (tagList(draft.tagsAny).length > 0) conditions.tagsAny = tagList(draft.tagsAny);
  const profile: NonNullable<PolicyBody['conditions']>['profile'] = {};
  for (const bound of PROFILE_BOUNDS) if (draft[bound].trim() !== '') profile[bound] = numberOrRaw(draft[bound]);
  if (Object.keys(profile).length > 0) conditions.profile = profile;
  const targets: PolicyBody['targets'] = {};
  for (const { name } of TARGETS) {
    const target = draft.targets[name];
    if (target.on) targets[name] = { minutes: minutesOf(target), calendarId: target.calendarId || null };
  }
  return {
    name: draft.name.trim(),
    enabled: draft.enabled,
    conditions,
    targets,
    pauseWhileSnoozed: draft.pauseWhileSnoozed,
    warnAtPercent: numberOrRaw(draft.warnAtPercent),
    onWarning: escalationsOf(draft.onWarning),
    onBreach: escalationsOf(draft.onBreach),
  };
}

function bodyOfPolicy(policy: Policy): PolicyBody {
  const { name, enabled, conditions, targets, pauseWhileSnoozed, warnAtPercent, onWarning, onBreach } = policy;
  return { name, enabled, conditions, targets, pauseWhileSnoozed, warnAtPercent, onWarning, onBreach };
}

const PROFILE_BOUNDS = ['minOrders', 'minLifetimeValue', 'minChurnRiskPercent'] as const;

function durationText(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return [hours ? `${hours} h` : '', rest ? `${rest} min` : ''].filter(Boolean).join(' ') || '0 min';
}

function conditionsText(policy: Policy): string {
  const { channels, priorities, tagsAll, tagsAny, profile } = policy.conditions;
  const parts = [
    channels ? channels.map((channel) => CHANNEL_LABELS[channel]).join(' or ') : '',
    priorities ? `${priorities.map((priority) => PRIORITY_LABELS[priority]).join(' or ')} priority` : '',
    tagsAll ? `tagged ${tagsAll.join(' and ')}` : '',
    tagsAny ? `tagged ${tagsAny.join(' or ')}` : '',
    profile?.minOrders !== undefined ? `${profile.minOrders}+ orders` : '',
    profile?.minLifetimeValue !== undefined ? `spent ${profile.minLifetimeValue}+` : '',
    profile?.minChurnRiskPercent !== undefined ? `churn risk ${profile.minChurnRiskPercent} %+` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'Every ticket' : parts.join(', ');
}

/** SLA policies: the ordered list (first enabled match applies), one editor at a time, and the match tester. */
export function SlaPoliciesSettings() {
  const me = useMe();
  const editable = canManageAccount(me.user.role);
  const queryClient = useQueryClient();
  const policies = useQuery({ queryKey: LIST_KEY, queryFn: () => unwrap(api.GET('/sla-policies')) });
  const calendars = useQuery({ queryKey: CALENDARS_KEY, queryFn: () => unwrap(api.GET('/business-calendars')) });
  const [selected, setSelected] = useState<string | null>(null);
  const [editorKey, setEditorKey] = useState(0);
  const open = (id: string | null) => {
    setSelected(id);
    setEditorKey((key) => key + 1);
  };
  const reorder = useMutation({
    mutationFn: (ids: string[]) => unwrap(api.PUT('/sla-policies/order', { body: { ids } })),
    onSuccess: (list) => queryClient.setQueryData(LIST_KEY, list),
  });
  const list = policies.data?.policies ?? [];
  const current = selected && selected !== 'new' ? list.find((policy) => policy.id === selected) : undefined;
  const calendarName = (id: string | null) => (id === null ? 'around the clock' : (calendars.data?.calendars.find((calendar) => calendar.id === id)?.name ?? 'a deleted calendar'));
  const move = (index: number, by: -1 | 1) => {
    const ids = list.map((policy) => policy.id);
    const [moved] = ids.splice(index, 1);
    ids.splice(index + by, 0, moved!);
    reorder.mutate(ids);
  };

  return (
    <div className="settings-stack service-levels">
      {!editable && <ReadOnlyNote what="the SLA policies" />}
      <section className="card" aria-labelledby="sla-title">
        <div className="list-header">
          <h2 id="sla-title">SLA policies</h2>
          {editable && (
            <button type="button" className="primary" onClick={() => open('new')}>
              New policy
            </button>
          )}
        </div>
        <p className="muted">A ticket gets the first enabled policy, from the top, whose conditions all hold.</p>
        {policies.isPending && <p className="loading">Loading…</p>}
        {policies.isError && <p className="error">{describeFailure(policies.error)}</p>}
        {policies.data && list.length === 0 && <p className="muted">No SLA policies yet: tickets have no service-level targets.</p>}
        {list.length > 0 && (
          <ol className="sla-policies" aria-label="Policies in order">
            {list.map((policy, index) => (
              <PolicyRow
                key={policy.id}
                policy={policy}
                editable={editable}
                first={index === 0}
                last={index === list.length - 1}
                moving={reorder.isPending}
                onMove={(by) => move(index, by)}
                onOpen={() => open(policy.id)}
                onDeleted={() => selected === policy.id && setSelected(null)}
                calendarName={calendarName}
              />
            ))}
          </ol>
        )}
        {reorder.isError && (
          <p className="error" role="alert">
            {describeFailure(reorder.error)}
          </p>
        )}
      </section>
      {(selected === 'new' || current) && (
        <PolicyEditor key={editorKey} policy={current ?? null} editable={editable} calendars={calendars.data?.calendars ?? []} onSaved={(saved) => setSelected(saved.id)} onClose={() => setSelected(null)} />
      )}
      <MatchTester />
    </div>
  );
}

function PolicyRow({
  policy,
  editable,
  first,
  last,
  moving,
  onMove,
  onOpen,
  onDeleted,
  calendarName,
}: {
  policy: Policy;
  editable: boolean;
  first: boolean;
  last: boolean;
  moving: boolean;
  onMove: (by: -1 | 1) => void;
  onOpen: () => void;
  onDeleted: () => void;
  calendarName: (id: string | null) => string;
}) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => unwrap(api.PUT('/sla-policies/{policyId}', { params: { path: { policyId: policy.id } }, body: { ...bodyOfPolicy(policy), enabled } })),
    onSuccess: (saved) => queryClient.setQueryData<PolicyList>(LIST_KEY, (list) => (list ? { policies: list.policies.map((entry) => (entry.id === saved.id ? saved : entry)) } : list)),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/sla-policies/{policyId}', { params: { path: { policyId: policy.id } } })),
    onSuccess: async () => {
      setConfirming(false);
      onDeleted();
      await queryClient.invalidateQueries({ queryKey: LIST_KEY });
    },
  });
  // Shown at once while the API stores it; back to the stored value when it fails.
  const [wanted, setWanted] = useState<boolean | null>(null);
  const enabled = wanted ?? policy.enabled;
  const targets = TARGETS.flatMap(({ name, label }) => {
    const target = policy.targets[name];
    return target ? [`${label} ${durationText(target.minutes)} ${calendarName(target.calendarId)}`] : [];
  });
  return (
    <li className={enabled ? 'sla-policy' : 'sla-policy disabled'} aria-label={policy.name}>
      <span className="position">{policy.position + 1}</span>
      <div className="summary">
        <strong>{policy.name}</strong>
        <span className="muted">{conditionsText(policy)}</span>
        <span>{targets.join(' · ')}</span>
      </div>
      <div className="row-actions">
        <label className="chip">
          <input type="checkbox" aria-label={`Enable ${policy.name}`} checked={enabled} disabled={!editable || toggle.isPending} onChange={(event) => {
              setWanted(event.target.checked);
              toggle.mutate(event.target.checked, { onSettled: () => setWanted(null) });
            }}
          />
          <span aria-hidden="true">{enabled ? 'Enabled' : 'Disabled'}</span>
        </label>
        {editable && (
          <>
            <button type="button" aria-label={`Move ${policy.name} up`} disabled={first || moving} onClick={() => onMove(-1)}>
              ↑
            </button>
            <button type="button" aria-label={`Move ${policy.name} down`} disabled={last || moving} onClick={() => onMove(1)}>
              ↓
            </button>
          </>
        )}
        <button type="button" onClick={onOpen}>
          {editable ? `Edit ${policy.name}` : `Open ${policy.name}`}
        </button>
        {editable && !confirming && (
          <button type="button" onClick={() => setConfirming(true)}>
            {`Delete ${policy.name}`}
          </button>
        )}
      </div>
      {confirming && (
        <div className="confirm" role="group" aria-label={`Confirm deleting ${policy.name}`}>
          <span>Delete {policy.name}? The policies after it move up.</span>
          <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Yes, delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {(toggle.isError || remove.isError) && (
        <span className="field-error" role="alert">
          {describeFailure(toggle.error ?? remove.error)}
        </span>
      )}
    </li>
  );
}

function PolicyEditor({
  policy,
  editable,
  calendars,
  onSaved,
  onClose,
}: {
  policy: Policy | null;
  editable: boolean;
  calendars: Schemas['BusinessCalendarDto'][];
  onSaved: (saved: Policy) => void;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const users = useUsers();
  const [draft, setDraft] = useState<Draft>(() => draftOf(policy));
  const [savedId, setSavedId] = useState<string | null>(policy?.id ?? null);
  const save = useMutation({
    mutationFn: (body: PolicyBody) =>
      savedId ? unwrap(api.PUT('/sla-policies/{policyId}', { params: { path: { policyId: savedId } }, body })) : unwrap(api.POST('/sla-policies', { body })),
    onSuccess: (saved) => {
      setSavedId(saved.id);
      queryClient.setQueryData<PolicyList>(LIST_KEY, (list) =>
        list ? { policies: [...list.policies.filter((entry) => entry.id !== saved.id), saved].sort((a, b) => a.position - b.position) } : list,
      );
      void queryClient.invalidateQueries({ queryKey: LIST_KEY });
      onSaved(saved);
    },
  });
  const error = normalFailure(save.error);
  const formRef = useScrollToError(save.error);
  const edit = (changes: Partial<Draft>) => {
    if (save.isSuccess) save.reset();
    setDraft((value) => ({ ...value, ...changes }));
  };
  const editTarget = (name: TargetName, changes: Partial<TargetDraft>) => edit({ targets: { ...draft.targets, [name]: { ...draft.targets[name], ...changes } } });
  const toggleIn = <T,>(list: T[], item: T, on: boolean) => (on ? [...list.filter((entry) => entry !== item), item] : list.filter((entry) => entry !== item));
  const inboxUsers = (users.data?.users ?? []).filter((user) => user.status === 'active' && user.role !== 'analyst' && user.role !== 'content_creator');
  const sentWarning = save.variables?.onWarning ?? [];
  const sentBreach = save.variables?.onBreach ?? [];
  const tagFields = (name: string, text: string) => [`conditions.${name}`, ...tagList(text).map((_, index) => `conditions.${name}[${index}]`)];
  const shown = [
    'name',
    'enabled',
    'conditions',
    'conditions.channels',
    'conditions.priorities',
    ...tagFields('tagsAll', draft.tagsAll),
    ...tagFields('tagsAny', draft.tagsAny),
    'conditions.profile',
    ...PROFILE_BOUNDS.map((bound) => `conditions.profile.${bound}`),
    'targets',
    ...TARGETS.flatMap(({ name }) => [`targets.${name}`, `targets.${name}.minutes`, `targets.${name}.calendarId`]),
    'pauseWhileSnoozed',
    'warnAtPercent',
    ...escalationFields('onWarning', sentWarning),
    ...escalationFields('onBreach', sentBreach),
  ];
  const TagErrors = ({ name, text }: { name: string; text: string }) => (
    <>
      {tagFields(name, text).map((field) => (
        <FieldError key={field} error={error} field={field} />
      ))}
    </>
  );

  return (
    <form
      className="card settings-form"
      aria-label="SLA policy"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(bodyOf(draft));
      }}
    >
      <h2>{policy ? (editable ? `Edit ${policy.name}` : policy.name) : 'New SLA policy'}</h2>
      <fieldset className="plain" disabled={!editable}>
        <label>
          Name
          <input value={draft.name} maxLength={100} onChange={(event) => edit({ name: event.target.value })} />
          <FieldError error={error} field="name" />
        </label>
        <label className="chip">
          <input type="checkbox" checked={draft.enabled} onChange={(event) => edit({ enabled: event.target.checked })} />
          Enabled
        </label>

        <h3>Applies to</h3>
        <FieldError error={error} field="conditions" />
        <fieldset className="chips">
          <legend>Channels</legend>
          {CHANNELS.map((channel) => (
            <label key={channel} className="chip">
              <input type="checkbox" checked={draft.channels.includes(channel)} onChange={(event) => edit({ channels: toggleIn(draft.channels, channel, event.target.checked) })} />
              {CHANNEL_LABELS[channel]}
            </label>
          ))}
          <span className="muted hint">None ticked: every channel.</span>
          <FieldError error={error} field="conditions.channels" />
        </fieldset>
        <fieldset className="chips">
          <legend>Priorities</legend>
          {PRIORITIES.map((priority) => (
            <label key={priority} className="chip">
              <input type="checkbox" checked={draft.priorities.includes(priority)} onChange={(event) => edit({ priorities: toggleIn(draft.priorities, priority, event.target.checked) })} />
              {PRIORITY_LABELS[priority]}
            </label>
          ))}
          <span className="muted hint">None ticked: every priority.</span>
          <FieldError error={error} field="conditions.priorities" />
        </fieldset>
        <label>
          Has all of these tags
          <input value={draft.tagsAll} placeholder="Comma-separated, e.g. vip, billing" onChange={(event) => edit({ tagsAll: event.target.value })} />
          <TagErrors name="tagsAll" text={draft.tagsAll} />
        </label>
        <label>
          Has any of these tags
          <input value={draft.tagsAny} placeholder="Comma-separated" onChange={(event) => edit({ tagsAny: event.target.value })} />
          <TagErrors name="tagsAny" text={draft.tagsAny} />
        </label>
        <fieldset>
          <legend>Customer profile</legend>
          <FieldError error={error} field="conditions.profile" />
          <label>
            At least this many orders
            <input inputMode="numeric" value={draft.minOrders} onChange={(event) => edit({ minOrders: event.target.value })} />
            <FieldError error={error} field="conditions.profile.minOrders" />
          </label>
          <label>
            Spent at least
            <input inputMode="decimal" value={draft.minLifetimeValue} onChange={(event) => edit({ minLifetimeValue: event.target.value })} />
            <FieldError error={error} field="conditions.profile.minLifetimeValue" />
          </label>
          <label>
            Churn risk at least (%)
            <input inputMode="decimal" value={draft.minChurnRiskPercent} onChange={(event) => edit({ minChurnRiskPercent: event.target.value })} />
            <FieldError error={error} field="conditions.profile.minChurnRiskPercent" />
          </label>
          <span className="muted hint">Empty: any customer. A ticket without a profile matches none of these.</span>
        </fieldset>

        <h3>Targets</h3>
        <FieldError error={error} field="targets" />
        {TARGETS.map(({ name, label }) => {
          const target = draft.targets[name];
          return (
            <fieldset key={name} className="target">
              <legend>{label}</legend>
              <label className="chip">
                <input type="checkbox" checked={target.on} onChange={(event) => editTarget(name, { on: event.target.checked })} />
                {`${label} target`}
              </label>
              {target.on && (
                <div className="target-inputs">
                  <label>
                    {`${label} hours`}
                    <input type="number" min={0} step={1} value={target.hours} onChange={(event) => editTarget(name, { hours: event.target.value })} />
                  </label>
                  <label>
                    {`${label} minutes`}
                    <input type="number" min={0} step={1} value={target.minutes} onChange={(event) => editTarget(name, { minutes: event.target.value })} />
                  </label>
                  <label>
                    {`${label} calendar`}
                    <select value={target.calendarId} onChange={(event) => editTarget(name, { calendarId: event.target.value })}>
                      <option value="">Around the clock</option>
                      {calendars.map((calendar) => (
                        <option key={calendar.id} value={calendar.id}>
                          {calendar.name}
                        </option>
                      ))}
                      {target.calendarId && !calendars.some((calendar) => calendar.id === target.calendarId) && <option value={target.calendarId}>A deleted calendar</option>}
                    </select>
                  </label>
                </div>
              )}
              <FieldError error={error} field={`targets.${name}`} />
              <FieldError error={error} field={`targets.${name}.minutes`} />
              <FieldError error={error} field={`targets.${name}.calendarId`} />
            </fieldset>
          );
        })}
        <label className="chip">
          <input type="checkbox" checked={draft.pauseWhileSnoozed} onChange={(event) => edit({ pauseWhileSnoozed: event.target.checked })} />
          Pause while snoozed
        </label>
        <FieldError error={error} field="pauseWhileSnoozed" />
        <label>
          Warn at (%)
          <input type="number" min={1} max={99} step={1} value={draft.warnAtPercent} onChange={(event) => edit({ warnAtPercent: event.target.value })} />
          <FieldError error={error} field="warnAtPercent" />
        </label>

        <h3>Escalations</h3>
        <EscalationsEditor legend="On warning" field="onWarning" value={draft.onWarning} onChange={(changes) => edit({ onWarning: { ...draft.onWarning, ...changes } })} users={inboxUsers} error={error} sent={sentWarning} />
        <EscalationsEditor legend="On breach" field="onBreach" value={draft.onBreach} onChange={(changes) => edit({ onBreach: { ...draft.onBreach, ...changes } })} users={inboxUsers} error={error} sent={sentBreach} />
      </fieldset>
      <FormError error={error} fields={shown} />
      <SaveActions saving={save.isPending} saved={save.isSuccess} canSave={editable} label={savedId ? 'Save policy' : 'Create policy'}>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </SaveActions>
    </form>
  );
}

function MatchTester() {
  const [channel, setChannel] = useState<Channel>('email');
  const [priority, setPriority] = useState<Priority>('normal');
  const [tags, setTags] = useState('');
  const match = useMutation({
    mutationFn: (query: { channel: Channel; priority: Priority; tags?: string }) => unwrap(api.GET('/sla-policies/match', { params: { query } })),
  });
  const error = normalFailure(match.error);
  const result = match.data;
  return (
    <form
      className="card settings-form"
      aria-label="Which policy applies?"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const list = tagList(tags);
        match.mutate({ channel, priority, ...(list.length > 0 ? { tags: list.join(',') } : {}) });
      }}
    >
      <h2>Which policy applies?</h2>
      <div className="preview-inputs">
        <label>
          Ticket channel
          <select value={channel} onChange={(event) => setChannel(event.target.value as Channel)}>
            {CHANNELS.map((entry) => (
              <option key={entry} value={entry}>
                {CHANNEL_LABELS[entry]}
              </option>
            ))}
          </select>
          <FieldError error={error} field="channel" />
        </label>
        <label>
          Ticket priority
          <select value={priority} onChange={(event) => setPriority(event.target.value as Priority)}>
            {PRIORITIES.map((entry) => (
              <option key={entry} value={entry}>
                {PRIORITY_LABELS[entry]}
              </option>
            ))}
          </select>
          <FieldError error={error} field="priority" />
        </label>
        <label>
          Ticket tags
          <input value={tags} placeholder="Comma-separated" onChange={(event) => setTags(event.target.value)} />
          <FieldError error={error} field="tags" />
        </label>
      </div>
      <FormError error={error} fields={['channel', 'priority', 'tags']} />
      <div className="form-actions">
        <button type="submit" className="primary" disabled={match.isPending}>
          {match.isPending ? 'Checking…' : 'Check'}
        </button>
      </div>
      {result && (
        <section className="match-result" aria-label="Match result">
          <p className="applies" data-testid="match-policy">
            {result.policy ? (
              <>
                Applies: <strong>{result.policy.name}</strong>
              </>
            ) : (
              'No policy applies: this ticket has no service-level targets.'
            )}
          </p>
          <ol className="verdicts">
            {result.verdicts.map((verdict) => (
              <li key={verdict.policyId} className={verdict.matched ? 'matched' : 'skipped'} aria-label={`Verdict for ${verdict.name}`}>
                <strong>{verdict.name}</strong>: {verdict.matched ? 'applies' : `skipped (${verdict.reasons.join('; ')})`}
              </li>
            ))}
          </ol>
        </section>
      )}
    </form>
  );
}
