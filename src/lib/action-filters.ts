// The action tracker's status filter: one choice for everything still to do, then each status.
import { ACTION_STATUSES, ACTION_STATUS_TEXT } from './action-status.ts';

export const TRACKER_STATUS_VALUES = ['outstanding', ...ACTION_STATUSES] as const;
export type TrackerStatusValue = (typeof TRACKER_STATUS_VALUES)[number];

export const TRACKER_STATUS_TEXT: Record<TrackerStatusValue, string> = {
	outstanding: 'Open or in progress',
	...ACTION_STATUS_TEXT
};
