/**
 * Snooze presets in the agent's own time zone (the browser's): later today is three hours on (rounded up to the
 * hour), tomorrow and next week start at 8:00, next week on Monday.
 */
export interface SnoozePreset {
  id: 'later-today' | 'tomorrow' | 'next-week';
  label: string;
  until: (now: Date) => Date;
}

const atEight = (date: Date) => {
  const result = new Date(date);
  result.setHours(8, 0, 0, 0);
  return result;
};

export const SNOOZE_PRESETS: SnoozePreset[] = [
  {
    id: 'later-today',
    label: 'Later today',
    until: (now) => {
      const result = new Date(now.getTime() + 3 * 3_600_000);
      if (result.getMinutes() || result.getSeconds() || result.getMilliseconds()) result.setHours(result.getHours() + 1, 0, 0, 0);
      return result;
    },
  },
  {
    id: 'tomorrow',
    label: 'Tomorrow',
    until: (now) => {
      const result = atEight(now);
      result.setDate(result.getDate() + 1);
      return result;
    },
  },
  {
    id: 'next-week',
    label: 'Next week',
    until: (now) => {
      const result = atEight(now);
      const daysToMonday = ((8 - result.getDay()) % 7) || 7;
      result.setDate(result.getDate() + daysToMonday);
      return result;
    },
  },
];
