import type { Session, SessionUser } from '$lib/server/auth/session';
import type { Stage } from '$lib/server/auth/flows';
import type { Principal } from '$lib/server/policy';
import type { MembershipView } from '$lib/server/tenancy';

declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
		}
		interface Locals {
			requestId: string;
			user: SessionUser | null;
			session: Session | null;
			stage: Stage | null;
			memberships: MembershipView[];
			principal: Principal | null;
		}
	}
}

export {};
