import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ASSIGNMENT_MODES, AVAILABILITIES, type AssignmentMode, type Availability } from '../../../../libs/domain/team-assignment';
import { api, unwrap, type Schemas } from '../api/client';
import { useMe } from '../auth/session';
import { FieldError, FormError } from '../common/forms';
import { useUsers } from '../common/people';

type TeamDto = Schemas['TeamDto'];

const TEAMS_QUERY_KEY = ['teams'];
const MODE_LABELS: Record<AssignmentMode, string> = { round_robin: 'Round robin', balanced: 'Balanced (fewest open tickets)' };
const AVAILABILITY_LABELS: Record<Availability, string> = { online: 'Online', away: 'Away', offline: 'Offline' };
const TEAM_MANAGERS = ['owner', 'admin', 'manager'];

/** Your availability: only online agents get tickets from a team's assigner (docs/teams.md). */
export function AvailabilitySwitch() {
  const queryClient = useQueryClient();
  const mine = useQuery({ queryKey: ['me', 'availability'], queryFn: () => unwrap(api.GET('/me/availability')) });
  const change = useMutation({
    mutationFn: (availability: Availability) => unwrap(api.PATCH('/me/availability', { body: { availability } })),
    onSuccess: (load) => queryClient.setQueryData(['me', 'availability'], load),
  });
  if (!mine.data) return null;
  return (
    <label className="availability">
      My availability{' '}
      <select value={mine.data.availability} disabled={change.isPending} onChange={(event) => change.mutate(event.target.value as Availability)}>
        {AVAILABILITIES.map((availability) => (
          <option key={availability} value={availability}>
            {AVAILABILITY_LABELS[availability]}
          </option>
        ))}
      </select>
      <FormError error={change.error} fields={[]} />
    </label>
  );
}

function TeamRow({ team, canEdit, agents }: { team: TeamDto; canEdit: boolean; agents: { id: string; name: string }[] }) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: TEAMS_QUERY_KEY });
  const queue = useQuery({ queryKey: ['teams', team.id, 'queue'], queryFn: () => unwrap(api.GET('/teams/{teamId}/queue', { params: { path: { teamId: team.id } } })) });
  const members = useMutation({
    mutationFn: (userIds: string[]) => unwrap(api.PUT('/teams/{teamId}/members', { params: { path: { teamId: team.id } }, body: { userIds } })),
    onSuccess: refresh,
  });
  const patch = useMutation({
    mutationFn: (body: Schemas['TeamPatchBody']) => unwrap(api.PATCH('/teams/{teamId}', { params: { path: { teamId: team.id } }, body })),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => unwrap(api.DELETE('/teams/{teamId}', { params: { path: { teamId: team.id } } })), onSuccess: refresh });
  const toggleMember = (userId: string) =>
    members.mutate(team.memberIds.includes(userId) ? team.memberIds.filter((id) => id !== userId) : [...team.memberIds, userId]);

  return (
    <li className="card" aria-label={`Team ${team.name}`}>
      <h3>{team.name}</h3>
      <p>
        <label>
          Mode{' '}
          <select value={team.assignmentMode} disabled={!canEdit || patch.isPending} onChange={(event) => patch.mutate({ assignmentMode: event.target.value as AssignmentMode })}>
            {ASSIGNMENT_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {MODE_LABELS[mode]}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          <input type="checkbox" checked={team.autoAssign} disabled={!canEdit || patch.isPending} onChange={(event) => patch.mutate({ autoAssign: event.target.checked })} /> Auto-assign
        </label>
      </p>
      <fieldset disabled={!canEdit || members.isPending}>
        <legend>Members</legend>
        {agents.map((agent) => (
          <label key={agent.id} className="checkbox">
            <input type="checkbox" checked={team.memberIds.includes(agent.id)} onChange={() => toggleMember(agent.id)} /> {agent.name}
          </label>
        ))}
      </fieldset>
      <p>{queue.data ? `${queue.data.waiting.length} waiting for an agent` : queue.isError ? 'Queue unavailable' : 'Reading the queue…'}</p>
      <FormError error={members.error ?? patch.error ?? remove.error} fields={[]} />
      {canEdit && (
        <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
          Delete team
        </button>
      )}
    </li>
  );
}

/** Teams with capacity-aware auto-assignment (docs/teams.md): owners, admins and managers change them. */
export function TeamsSettings() {
  const me = useMe();
  const canEdit = TEAM_MANAGERS.includes(me.user.role);
  const queryClient = useQueryClient();
  const teams = useQuery({ queryKey: TEAMS_QUERY_KEY, queryFn: () => unwrap(api.GET('/teams')) });
  const users = useUsers();
  const agents = (users.data?.users ?? []).filter((user) => ['owner', 'admin', 'manager', 'support'].includes(user.role));
  const [name, setName] = useState('');
  const [mode, setMode] = useState<AssignmentMode>('round_robin');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/teams', { body: { name, assignmentMode: mode, autoAssign: true } })),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: TEAMS_QUERY_KEY });
    },
  });

  return (
    <div className="settings-section">
      <h2>Teams</h2>
      <AvailabilitySwitch />
      {teams.isError && <p className="error">The teams could not be read.</p>}
      <ul className="cards">
        {(teams.data?.teams ?? []).map((team) => (
          <TeamRow key={team.id} team={team} canEdit={canEdit} agents={agents} />
        ))}
      </ul>
      {teams.data?.teams.length === 0 && <p>No teams yet.</p>}
      {canEdit && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <h3>New team</h3>
          <label>
            Name <input value={name} onChange={(event) => setName(event.target.value)} aria-describedby="team-name-error" />
          </label>
          <FieldError error={create.error} field="name" id="team-name-error" />
          <label>
            Mode{' '}
            <select value={mode} onChange={(event) => setMode(event.target.value as AssignmentMode)}>
              {ASSIGNMENT_MODES.map((option) => (
                <option key={option} value={option}>
                  {MODE_LABELS[option]}
                </option>
              ))}
            </select>
          </label>
          <FormError error={create.error} fields={['name']} />
          <button type="submit" disabled={create.isPending}>
            Create team
          </button>
        </form>
      )}
    </div>
  );
}
