import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api, ApiFailure, unwrap, type Schemas } from '../api/client';

export type Me = Schemas['MeDto'];

/** The signed-in agent; null when the session cookie is missing or has ended (401). */
export function useSessionQuery() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      try {
        return await unwrap(api.GET('/me'));
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Infinity,
  });
}

export const SessionContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe outside a signed-in console');
  return me;
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return async () => {
    await unwrap(api.POST('/auth/sign-out')).catch(() => undefined);
    queryClient.clear();
    queryClient.setQueryData(['me'], null);
  };
}
