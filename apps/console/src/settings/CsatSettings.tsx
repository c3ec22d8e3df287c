import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, ReadOnlyNote, SaveActions, useSettingsForm } from './shared';

type CsatSettingsDto = Schemas['CsatSettingsDto'];
type CsatChannel = CsatSettingsDto['enabledChannels'][number];

const CHANNELS: { id: CsatChannel; label: string }[] = [
  { id: 'email', label: 'Email' },
  { id: 'sms', label: 'SMS' },
  { id: 'web_chat', label: 'Web chat' },
];
const MAX_QUESTION_LENGTH = 300;
const FIELDS = ['enabledChannels', 'resendAfterDays', 'question'];

interface Draft {
  enabledChannels: CsatChannel[];
  resendAfterDays: string;
  question: string;
}

const draftOf = (settings: CsatSettingsDto): Draft => ({
  enabledChannels: settings.enabledChannels,
  resendAfterDays: String(settings.resendAfterDays),
  question: settings.question,
});

/** Satisfaction (CSAT): which closed tickets send a survey, how often, and what it asks. */
export function CsatSettings() {
  const editable = canManageAccount(useMe().user.role);
  const { settings, save, value, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'csat'],
    load: () => unwrap(api.GET('/settings/csat')),
    save: (body: Schemas['CsatSettingsPatch']) => unwrap(api.PATCH('/settings/csat', { body })),
    draftOf,
  });
  if (settings.isPending) return <p className="loading">Loading…</p>;
  if (settings.isError || !value) return <p className="error">{describeFailure(settings.error)}</p>;
  const toggle = (channel: CsatChannel, on: boolean) =>
    edit({ enabledChannels: CHANNELS.map((entry) => entry.id).filter((id) => (id === channel ? on : value.enabledChannels.includes(id))) });
  return (
    <form
      className="card settings-form"
      aria-label="Satisfaction (CSAT) settings"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const days = value.resendAfterDays.trim();
        save.mutate({
          enabledChannels: value.enabledChannels,
          // Anything that is not a number goes as typed, so the API's message names the field.
          resendAfterDays: days !== '' && !Number.isNaN(Number(days)) ? Number(days) : (value.resendAfterDays as unknown as number),
          question: value.question,
        });
      }}
    >
      {!editable && <ReadOnlyNote what="the satisfaction survey settings" />}
      <p className="muted">
        When a ticket closes, the customer gets a link to rate the help from 1 (poor) to 5 (excellent) and add a comment. The answers show on the ticket and in
        the reports.
      </p>
      <fieldset className="chips" disabled={!editable}>
        <legend>Send a survey when a ticket closes on</legend>
        {CHANNELS.map((channel) => (
          <label className="chip" key={channel.id}>
            <input type="checkbox" checked={value.enabledChannels.includes(channel.id)} onChange={(event) => toggle(channel.id, event.target.checked)} />
            {channel.label}
          </label>
        ))}
        <p className="muted hint">SMS surveys go only to numbers that agreed to receive texts.</p>
        <FieldError error={error} field="enabledChannels" />
      </fieldset>
      <label>
        Days before a ticket is surveyed again
        <input
          type="number"
          min={0}
          max={365}
          step={1}
          disabled={!editable}
          value={value.resendAfterDays}
          onChange={(event) => edit({ resendAfterDays: event.target.value })}
        />
        <span className="muted hint">A ticket reopened and closed again within this time sends no second survey; 0 surveys every close.</span>
        <FieldError error={error} field="resendAfterDays" />
      </label>
      <label>
        Survey question
        <input type="text" maxLength={MAX_QUESTION_LENGTH} disabled={!editable} value={value.question} onChange={(event) => edit({ question: event.target.value })} />
        <FieldError error={error} field="question" />
      </label>
      <FormError error={error} fields={FIELDS} />
      {editable && <SaveActions saving={save.isPending} saved={save.isSuccess} />}
    </form>
  );
}
