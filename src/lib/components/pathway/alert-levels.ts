// The look of an alert level; its words are ALERT_LEVEL_TEXT (never colour alone).
export const ALERT_LEVEL_CLASS = {
	urgent: 'border-red-700 bg-red-50 text-red-900',
	warning: 'border-amber-600 bg-amber-50 text-amber-950',
	info: 'border-slate-500 bg-slate-50 text-slate-900'
} as const;
