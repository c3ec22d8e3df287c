import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeFailure, unwrap } from '../api/client';
import { FieldError, FormError, Saved } from '../common/forms';

/** General: the unread notification (the red badge) for the whole account. */
export function GeneralSettings() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings', 'general'], queryFn: () => unwrap(api.GET('/settings')) });
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const save = useMutation({
    mutationFn: (unreadNotificationEnabled: boolean) => unwrap(api.PATCH('/settings', { body: { unreadNotificationEnabled } })),
    onSuccess: (saved) => {
      queryClient.setQueryData(['settings', 'general'], saved);
      void queryClient.invalidateQueries({ queryKey: ['unread'] });
    },
  });
  if (settings.isPending) return <p className="loading">Loading…</p>;
  if (settings.isError) return <p className="error">{describeFailure(settings.error)}</p>;
  const value = enabled ?? settings.data.unreadNotificationEnabled;
  return (
    <form
      className="card settings-form"
      aria-label="General settings"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate(value);
      }}
    >
      <label className="chip">
        <input type="checkbox" checked={value} onChange={(event) => setEnabled(event.target.checked)} />
        Show agents the unread badge
      </label>
      <FieldError error={save.error} field="unreadNotificationEnabled" />
      <FormError error={save.error} fields={['unreadNotificationEnabled']} />
      <button type="submit" className="primary" disabled={save.isPending}>
        Save
      </button>
      <Saved when={save.isSuccess} />
    </form>
  );
}
