import { api, describeFailure, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { canManageAccount, cleanList, CopyField, ListEditor, ListFieldError, listFields, ReadOnlyNote, SaveActions, useSettingsForm } from './shared';

type SmsSettingsDto = Schemas['SmsSettingsDto'];
type SmsSettingsPatch = Schemas['SmsSettingsPatch'];

/** SMS: the Twilio connection with the webhook URLs to give Twilio, then the channel's settings. */
export function SmsSettings() {
  const me = useMe();
  const editable = canManageAccount(me.user.role);
  return (
    <div className="settings-stack">
      {!editable && <ReadOnlyNote what="the SMS settings" />}
      <TwilioConnection editable={editable} />
      <SmsChannelSettings editable={editable} />
    </div>
  );
}

/** The auth token is never shown back: the form starts without it. */
const connectionDraftOf = (connection: Schemas['TwilioConnectionDto']) => ({ accountSid: connection.accountSid ?? '', authToken: '', inboxNumber: connection.inboxNumber ?? '' });

function TwilioConnection({ editable }: { editable: boolean }) {
  const { settings: connection, save: connect, value, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'sms', 'twilio'],
    load: () => unwrap(api.GET('/settings/sms/twilio')),
    save: (body: Schemas['TwilioConnectionBody']) => unwrap(api.PUT('/settings/sms/twilio', { body })),
    draftOf: connectionDraftOf,
  });
  if (connection.isPending) return <p className="loading">Loading…</p>;
  if (connection.isError || !value) return <p className="error">{describeFailure(connection.error)}</p>;
  const data = connection.data;
  return (
    <form
      className="card settings-form"
      aria-label="Twilio connection"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        connect.mutate({ accountSid: value.accountSid.trim(), authToken: value.authToken, inboxNumber: value.inboxNumber.trim() });
      }}
    >
      <h2>Twilio connection</h2>
      <p className={data.connected ? 'connection connected' : 'connection muted'} role="status">
        {data.connected ? `Connected: account ${data.accountSid}, number ${data.inboxNumber}.` : 'Not connected: texts cannot be received or sent yet.'}
      </p>
      <fieldset className="plain" disabled={!editable}>
        <label>
          Account SID
          <input value={value.accountSid} placeholder="AC0123456789abcdef0123456789abcdef" autoComplete="off" spellCheck={false} onChange={(event) => edit({ accountSid: event.target.value })} />
          <FieldError error={error} field="accountSid" />
        </label>
        <label>
          Auth token
          <input
            type="password"
            value={value.authToken}
            autoComplete="new-password"
            placeholder={data.connected ? 'Stored: enter it again to change the connection' : ''}
            onChange={(event) => edit({ authToken: event.target.value })}
          />
          <FieldError error={error} field="authToken" />
        </label>
        <p className="muted hint">The auth token is stored sealed and never shown again.</p>
        <label>
          Inbox number
          <input type="tel" value={value.inboxNumber} placeholder="+14155550100" onChange={(event) => edit({ inboxNumber: event.target.value })} />
          <FieldError error={error} field="inboxNumber" />
        </label>
      </fieldset>
      <FormError error={error} fields={['accountSid', 'authToken', 'inboxNumber']} />
      {editable && (
        <SaveActions saving={connect.isPending} saved={connect.isSuccess} label={data.connected ? 'Update connection' : 'Connect'} busyLabel="Connecting…" />
      )}
      <h3>Webhooks to set at Twilio</h3>
      <p className="muted hint">In the Twilio console, on the number: "A message comes in" → the inbound URL (HTTP POST). Use the status callback URL for delivery reports.</p>
      <CopyField label="Inbound message webhook URL" value={data.inboundWebhookUrl} />
      <CopyField label="Status callback URL" value={data.statusCallbackUrl} />
    </form>
  );
}

interface Draft {
  optOutKeywords: string[];
  optInKeywords: string[];
  helpKeywords: string[];
  helpText: string;
  autoResponderEnabled: boolean;
  autoResponderAudience: SmsSettingsDto['autoResponder']['audience'];
  autoResponderTemplate: string;
  organizationPrefix: string;
  contactEmail: string;
  teamNotificationsEnabled: boolean;
  teamNotificationRecipients: string[];
  linkShorteningEnabled: boolean;
  attributionWindowHours: string;
}

function draftOf(settings: SmsSettingsDto): Draft {
  return {
    optOutKeywords: settings.optOutKeywords,
    optInKeywords: settings.optInKeywords,
    helpKeywords: settings.helpKeywords,
    helpText: settings.helpText,
    autoResponderEnabled: settings.autoResponder.enabled,
    autoResponderAudience: settings.autoResponder.audience,
    autoResponderTemplate: settings.autoResponder.template,
    organizationPrefix: settings.organizationPrefix ?? '',
    contactEmail: settings.contactEmail ?? '',
    teamNotificationsEnabled: settings.teamNotificationsEnabled,
    teamNotificationRecipients: settings.teamNotificationRecipients,
    linkShorteningEnabled: settings.linkShorteningEnabled,
    attributionWindowHours: String(settings.attributionWindowHours),
  };
}

function SmsChannelSettings({ editable }: { editable: boolean }) {
  const { settings, save, value, edit, error, formRef } = useSettingsForm({
    queryKey: ['settings', 'sms'],
    load: () => unwrap(api.GET('/settings/sms')),
    save: (body: SmsSettingsPatch) => unwrap(api.PATCH('/settings/sms', { body })),
    draftOf,
  });
  if (settings.isPending) return <p className="loading">Loading…</p>;
  if (settings.isError || !value) return <p className="error">{describeFailure(settings.error)}</p>;
  const shown = [
    ...listFields('optOutKeywords', value.optOutKeywords.length),
    ...listFields('optInKeywords', value.optInKeywords.length),
    ...listFields('helpKeywords', value.helpKeywords.length),
    'helpText',
    'autoResponder',
    'autoResponder.enabled',
    'autoResponder.audience',
    'autoResponder.template',
    'organizationPrefix',
    'contactEmail',
    'teamNotificationsEnabled',
    ...listFields('teamNotificationRecipients', value.teamNotificationRecipients.length),
    'linkShorteningEnabled',
    'attributionWindowHours',
  ];
  return (
    <form
      className="card settings-form"
      aria-label="SMS settings"
      ref={formRef}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const hours = Number(value.attributionWindowHours);
        save.mutate({
          optOutKeywords: cleanList(value.optOutKeywords),
          optInKeywords: cleanList(value.optInKeywords),
          helpKeywords: cleanList(value.helpKeywords),
          helpText: value.helpText,
          autoResponder: { enabled: value.autoResponderEnabled, audience: value.autoResponderAudience, template: value.autoResponderTemplate },
          organizationPrefix: value.organizationPrefix.trim() || null,
          contactEmail: value.contactEmail.trim() || null,
          teamNotificationsEnabled: value.teamNotificationsEnabled,
          teamNotificationRecipients: cleanList(value.teamNotificationRecipients),
          linkShorteningEnabled: value.linkShorteningEnabled,
          // A value that is not a whole number goes as typed, so the API's message names the field.
          attributionWindowHours: value.attributionWindowHours.trim() !== '' && Number.isFinite(hours) ? hours : (value.attributionWindowHours as unknown as number),
        });
      }}
    >
      <h2>Auto-responder</h2>
      <fieldset className="plain" disabled={!editable}>
        <label className="chip">
          <input type="checkbox" checked={value.autoResponderEnabled} onChange={(event) => edit({ autoResponderEnabled: event.target.checked })} />
          Answer a first text automatically
        </label>
        <FieldError error={error} field="autoResponder.enabled" />
        <label>
          Send the auto-response to
          <select value={value.autoResponderAudience} onChange={(event) => edit({ autoResponderAudience: event.target.value as Draft['autoResponderAudience'] })}>
            <option value="non_consented">Texters who have not opted in (recommended)</option>
            <option value="everyone">Everyone</option>
          </select>
          <FieldError error={error} field="autoResponder.audience" />
        </label>
        <label>
          Auto-response text
          <textarea rows={3} maxLength={640} value={value.autoResponderTemplate} onChange={(event) => edit({ autoResponderTemplate: event.target.value })} />
          <FieldError error={error} field="autoResponder.template" />
        </label>
        <p className="muted hint">
          Placeholders: {'{{organization_prefix}}'} and {'{{email}}'}.
        </p>
        <FieldError error={error} field="autoResponder" />
        <label>
          Organization prefix
          <input value={value.organizationPrefix} maxLength={40} placeholder="The account name" onChange={(event) => edit({ organizationPrefix: event.target.value })} />
          <FieldError error={error} field="organizationPrefix" />
        </label>
        <label>
          Contact email
          <input type="email" value={value.contactEmail} placeholder="The first email support address" onChange={(event) => edit({ contactEmail: event.target.value })} />
          <FieldError error={error} field="contactEmail" />
        </label>

        <h2>Keywords</h2>
        <ListEditor label="Opt-out keywords" itemLabel="Opt-out keyword" values={value.optOutKeywords} onChange={(optOutKeywords) => edit({ optOutKeywords })} addLabel="Add opt-out keyword" />
        <ListFieldError error={error} field="optOutKeywords" count={value.optOutKeywords.length} />
        <ListEditor label="Opt-in keywords" itemLabel="Opt-in keyword" values={value.optInKeywords} onChange={(optInKeywords) => edit({ optInKeywords })} addLabel="Add opt-in keyword" />
        <ListFieldError error={error} field="optInKeywords" count={value.optInKeywords.length} />
        <ListEditor label="Help keywords" itemLabel="Help keyword" values={value.helpKeywords} onChange={(helpKeywords) => edit({ helpKeywords })} addLabel="Add help keyword" />
        <ListFieldError error={error} field="helpKeywords" count={value.helpKeywords.length} />
        <label>
          Answer to HELP
          <textarea rows={3} maxLength={640} value={value.helpText} onChange={(event) => edit({ helpText: event.target.value })} />
          <FieldError error={error} field="helpText" />
        </label>

        <h2>Links and notifications</h2>
        <label className="chip">
          <input type="checkbox" checked={value.linkShorteningEnabled} onChange={(event) => edit({ linkShorteningEnabled: event.target.checked })} />
          Shorten links in replies (and count clicks)
        </label>
        <FieldError error={error} field="linkShorteningEnabled" />
        <label className="chip">
          <input type="checkbox" checked={value.teamNotificationsEnabled} onChange={(event) => edit({ teamNotificationsEnabled: event.target.checked })} />
          Email the team about new texts
        </label>
        <FieldError error={error} field="teamNotificationsEnabled" />
        <ListEditor
          label="Team notification recipients"
          itemLabel="Recipient"
          type="email"
          values={value.teamNotificationRecipients}
          onChange={(teamNotificationRecipients) => edit({ teamNotificationRecipients })}
          addLabel="Add recipient"
        />
        <ListFieldError error={error} field="teamNotificationRecipients" count={value.teamNotificationRecipients.length} />

        <h2>Attribution</h2>
        <label>
          Attribution window (hours)
          <input type="number" min={1} step={1} value={value.attributionWindowHours} onChange={(event) => edit({ attributionWindowHours: event.target.value })} />
          <FieldError error={error} field="attributionWindowHours" />
        </label>
        <p className="muted hint">A reply counts toward a campaign or flow sent to the texter within this many hours.</p>
      </fieldset>
      <FormError error={error} fields={shown} />
      {editable && (
        <SaveActions saving={save.isPending} saved={save.isSuccess} />
      )}
    </form>
  );
}
