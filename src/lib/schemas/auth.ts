import * as v from 'valibot';

export const SignInSchema = v.object({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Enter your e-mail address.'),
		v.maxLength(254, 'Enter a shorter e-mail address.')
	),
	password: v.pipe(
		v.string(),
		v.nonEmpty('Enter your password.'),
		v.maxLength(1024, 'Enter a shorter password.')
	)
});

export const CodeSchema = v.object({
	code: v.pipe(
		v.string(),
		v.trim(),
		v.nonEmpty('Enter the code.'),
		v.maxLength(32, 'Enter the 6-digit code or a recovery code.')
	)
});

export const NewPasswordSchema = v.pipe(
	v.object({
		password: v.pipe(v.string(), v.nonEmpty('Choose a password.'), v.maxLength(1024)),
		confirm: v.string()
	}),
	v.forward(
		v.check((input) => input.password === input.confirm, 'The two passwords do not match.'),
		['confirm']
	)
);

export const SessionIdSchema = v.object({
	sessionId: v.pipe(v.string(), v.regex(/^[a-z2-7]{16}$/, 'Unknown session.'))
});

export const EnrolSchema = v.object({
	code: v.pipe(v.string(), v.trim(), v.regex(/^\d{6}$/, 'Enter the 6-digit code your app shows.')),
	password: v.optional(v.pipe(v.string(), v.maxLength(1024)), '')
});
