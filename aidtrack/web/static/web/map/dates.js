// Days as ISO strings (YYYY-MM-DD): they compare correctly as text and need no time zone.

const MS_PER_DAY = 86400000;

export const isDay = (value) => /^\d{4}-\d{2}-\d{2}$/.test(value || "") && !Number.isNaN(Date.parse(value));
export const toUTC = (day) => Date.parse(`${day}T00:00:00Z`);
export const fromUTC = (ms) => new Date(ms).toISOString().slice(0, 10);
export const addDays = (day, n) => fromUTC(toUTC(day) + n * MS_PER_DAY);
export const daysBetween = (from, to) => Math.round((toUTC(to) - toUTC(from)) / MS_PER_DAY);
export const dayOf = (moment) => (moment ? moment.slice(0, 10) : null);
