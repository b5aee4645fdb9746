// Vocabulary shared by server, pages and components (no server-only code here).

export const SECTORS = [
	'police',
	'health',
	'mental_health',
	'children_services',
	'adult_services',
	'housing',
	'probation',
	'education',
	'idva',
	'third_sector',
	'substance_misuse',
	'other'
] as const;
export type Sector = (typeof SECTORS)[number];

export const ROLES = ['coordinator', 'chair', 'agency_rep', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export const SECTOR_TEXT: Record<Sector, string> = {
	police: 'Police',
	health: 'Health',
	mental_health: 'Mental health',
	children_services: "Children's services",
	adult_services: 'Adult services',
	housing: 'Housing',
	probation: 'Probation',
	education: 'Education',
	idva: 'IDVA service',
	third_sector: 'Third sector',
	substance_misuse: 'Substance misuse',
	other: 'Other'
};

export const ROLE_TEXT: Record<Role, string> = {
	coordinator: 'Coordinator',
	chair: 'Chair',
	agency_rep: 'Agency representative',
	observer: 'Observer'
};
